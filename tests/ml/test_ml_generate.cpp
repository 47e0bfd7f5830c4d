// Crystals generated end to end, as a user runs it: a tiny diffusion run on a compact CrysTens
// set of Perov-5 crystals, `cwb generate` sampling, decoding, writing CIFs and judging them;
// an interrupted generation resumed gives the same files as an uninterrupted one; a changed
// request for the same folder is refused; the short-run defaults of training; and the shipped
// model loads and reaches its recorded structural validity.
#include <QTemporaryDir>
#include <QtTest>
#include <stop_token>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/npy.h"
#include "dataset/encoding_builder.h"
#include "ml/diffusion/training_config.h"
#include "ml/generation/crystal_generation.h"
#include "test_paths.h"

namespace fs = std::filesystem;
using cw::test::runCwb;

namespace {

const QString kPerov = QString(CW_TEST_DATA_DIR) + "/collections/perov_5_head.csv";

QString describe(const cw::test::CliResult& r) {
    return QString("exit %1\nstdout: %2\nstderr: %3").arg(r.exitCode).arg(r.out, r.err);
}

/// Sets the cancel flag once the first batch is reported finished, as Ctrl-C would.
class CancelAfterFirstBatch final : public cw::ProgressSink {
public:
    explicit CancelAfterFirstBatch(std::stop_source& cancel) : m_cancel(cancel) {}
    void report(const cw::ProgressEvent& e) override {
        if (e.stage == "generate" && e.scalars.count("batches_done")) m_cancel.request_stop();
    }

private:
    std::stop_source& m_cancel;
};

std::vector<std::string> filesUnder(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace

class TestMlGenerate : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_data, m_run;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_data = m_tmp.filePath("perov-ct");
        m_run = m_tmp.filePath("run");
        const auto build = runCwb({"crystens", "build", kPerov, "--out", m_data, "--encoding", "crystens-compact",
                                   "--max-sites", "5", "--split", "1,0,0", "--threads", "1"});
        QVERIFY2(build.exitCode == 0, qPrintable(describe(build)));
        // No --size: the model takes the compact items' 32 px. A warm-up as long as the run warns.
        const auto train = runCwb({"diffusion", "train", "--data", m_data, "--out", m_run, "--base", "8", "--mults",
                                   "1,2", "--attention", "16", "--res-blocks", "1", "--heads", "2", "--timesteps",
                                   "50", "--batch", "4", "--steps", "6", "--warmup", "10", "--threads", "1",
                                   "--device", "cpu", "--sample-every", "0"});
        QVERIFY2(train.exitCode == 0, qPrintable(describe(train)));
        QVERIFY2(train.err.contains("warning: the warm-up (10 steps) is not shorter than the run (6 steps)"),
                 qPrintable(train.err));
        QVERIFY2(train.err.contains("schedule: 6 steps, batch 4"), qPrintable(train.err));
        const nlohmann::json data =
            nlohmann::json::parse(cw::readFileToString(m_run.toStdString() + "/data.json"));
        QCOMPARE(data.at("encoding").at("name").get<std::string>(), std::string("crystens-compact"));
        QCOMPARE(data.at("image_size").get<int>(), 32);
        // The effective EMA decay is stored, not the "automatic" marker.
        const nlohmann::json config =
            nlohmann::json::parse(cw::readFileToString(m_run.toStdString() + "/config.json"));
        QCOMPARE(config.at("ema_decay").get<double>(), 0.0);  // 1 − 10/6 clamps to a copy
        QCOMPARE(config.at("warmup_steps").get<int>(), 10);
    }

    void shortRunDefaults() {
        cw::ml::DiffusionTrainingConfig c;
        c.steps = 300;
        QVERIFY(cw::ml::resolveRunLengthDefaults(c).empty());
        QCOMPARE(c.warmupSteps, std::int64_t(15));
        QVERIFY(std::abs(c.emaDecay - (1 - 10.0 / 300)) < 1e-12);
        cw::ml::DiffusionTrainingConfig longRun;
        longRun.steps = 100000;
        cw::ml::resolveRunLengthDefaults(longRun);
        QCOMPARE(longRun.warmupSteps, std::int64_t(500));
        QCOMPARE(longRun.emaDecay, 0.9999);
        cw::ml::DiffusionTrainingConfig set;
        set.steps = 300;
        set.warmupSteps = 500;
        set.emaDecay = 0.9999;
        const auto warnings = cw::ml::resolveRunLengthDefaults(set);
        QCOMPARE(warnings.size(), std::size_t(2));
        QVERIFY(warnings[1].find("10000 steps is longer than the run (300 steps)") != std::string::npos);
        QCOMPARE(set.warmupSteps, std::int64_t(500));  // what the user set is kept
    }

    void generatesJudgedCrystals() {
        const QString out = m_tmp.filePath("cli");
        const auto r = runCwb({"generate", "--run", m_run, "--n", "6", "--batch", "4", "--sampling-steps", "3",
                               "--reference", kPerov, "--training", kPerov, "--dataset", "perov5", "--out", out,
                               "--threads", "1", "--sample-size", "0"});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QVERIFY2(r.out.contains("structural validity") && r.out.contains("CDVAE"), qPrintable(r.out));
        QVERIFY2(r.err.contains("skipped reference") && r.err.contains("broken-1"), qPrintable(r.err));
        const fs::path dir = out.toStdString();
        const cw::NpyArray samples = cw::readNpy((dir / "samples.npy").string());
        QCOMPARE(samples.shape, (std::vector<std::size_t>{6, 4, 32, 32}));
        const nlohmann::json report = nlohmann::json::parse(cw::readFileToString((dir / "report.json").string()));
        QCOMPARE(report.at("generated").get<int>(), 6);
        // One CIF per decoded crystal, and the report's own files.
        const std::size_t cifs = filesUnder(dir / "cifs").size();
        QVERIFY2(cifs >= 1 && cifs <= 6, qPrintable(QString::number(cifs)));
        QVERIFY(r.out.contains(QString("decoded %1 of 6 image(s)").arg(cifs)));
        QVERIFY(fs::is_regular_file(dir / "crystals.csv") && fs::is_regular_file(dir / "encoding.json"));
        // eval crystals reads the generated samples.npy through the encoding.json beside it.
        const auto again = runCwb({"eval", "crystals", QString::fromStdString((dir / "samples.npy").string()),
                                   "--reference", kPerov, "--json", "--threads", "1", "--sample-size", "0"});
        // The reference's broken row is reported and skipped (exit 1), the rest judged.
        QVERIFY2(again.exitCode == 1 && again.err.contains("broken-1"), qPrintable(describe(again)));
        QCOMPARE(nlohmann::json::parse(again.out.toStdString()).at("generated").get<int>(), 6);

        // The same folder with another seed would mix two generations: refused.
        const auto other = runCwb({"generate", "--run", m_run, "--n", "6", "--batch", "4", "--sampling-steps", "3",
                                   "--reference", kPerov, "--out", out, "--seed", "9", "--threads", "1"});
        QVERIFY(other.exitCode != 0);
        QVERIFY2(other.err.contains("other options (seed"), qPrintable(other.err));
    }

    void interruptedGenerationResumesToTheSameFiles() {
        cw::ml::GenerationRequest request;
        request.runDir = m_run.toStdString();
        request.sample.count = 6;
        request.sample.batchSize = 4;
        request.sample.sampler.samplingSteps = 3;
        request.sample.threads = 1;
        request.reference = kPerov.toStdString();
        request.training = kPerov.toStdString();
        request.dataset = "perov5";
        request.report.properties.sampleSize = 0;
        const std::string out = m_tmp.filePath("resumed").toStdString();
        std::stop_source cancel;
        CancelAfterFirstBatch stopper(cancel);
        const cw::ml::GenerationResult first =
            cw::ml::generateCrystals(request, out, stopper, cancel.get_token());
        QVERIFY(first.cancelled);
        QVERIFY(fs::is_regular_file(fs::path(out) / "batches/batch-00000.json"));
        QVERIFY(!fs::exists(fs::path(out) / "batches/batch-00001.json"));
        QVERIFY(!fs::exists(fs::path(out) / "report.json"));

        cw::NullProgressSink null;
        const cw::ml::GenerationResult second = cw::ml::generateCrystals(request, out, null);
        QVERIFY(!second.cancelled);
        QCOMPARE(second.batchesResumed, std::size_t(1));
        QCOMPARE(second.generated, std::size_t(6));
        // Byte for byte what the uninterrupted command wrote.
        const fs::path cli = m_tmp.filePath("cli").toStdString();
        QCOMPARE(cw::readFileToString(out + "/samples.npy"), cw::readFileToString((cli / "samples.npy").string()));
        QCOMPARE(filesUnder(fs::path(out) / "cifs"), filesUnder(cli / "cifs"));
        for (const std::string& name : filesUnder(cli / "cifs"))
            QCOMPARE(cw::readFileToString(out + "/cifs/" + name), cw::readFileToString((cli / "cifs" / name).string()));
        QCOMPARE(cw::readFileToString(out + "/crystals.csv"), cw::readFileToString((cli / "crystals.csv").string()));
    }

    void shippedModelReachesItsRecordedValidity() {
        // The shipped model with no --run; its model.json records the structural validity of
        // 1,000 crystals per seed over three seeds (docs/results.md).
        const fs::path model = fs::path(CW_SOURCE_DIR) / "resources/models/perov5-crystens";
        QVERIFY2(fs::is_regular_file(model / "model.json"), "the shipped model is missing");
        QVERIFY(fs::file_size(model / "checkpoints/latest.pt") <= 20u * 1000 * 1000);
        const nlohmann::json recorded = nlohmann::json::parse(cw::readFileToString((model / "model.json").string()));
        const double mean = recorded.at("metrics").at("structural_validity").at("mean").get<double>();
        const double spread = recorded.at("metrics").at("structural_validity").at("std").get<double>();
        const int steps = recorded.at("sampling").at("sampling_steps").get<int>();
        const QString out = m_tmp.filePath("shipped");
        qputenv("CW_MODEL_DIR", QByteArray::fromStdString(model.string()));
        const auto r = runCwb({"generate", "--n", "16", "--batch", "16", "--sampling-steps", QString::number(steps),
                               "--reference", kPerov, "--out", out, "--threads", "2", "--sample-size", "0"});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QVERIFY2(r.err.contains("using the shipped model"), qPrintable(r.err));
        const nlohmann::json report = nlohmann::json::parse(cw::readFileToString(out.toStdString() + "/report.json"));
        const double rate = report.at("structural_validity").at("rate").get<double>();
        // 16 crystals: the binomial standard error of a rate p is √(p(1 − p)/16); allow three of
        // them, or three seed-to-seed standard deviations if that is larger.
        const double margin = 3 * std::max(std::sqrt(mean * (1 - mean) / 16), spread) + 1e-9;
        QVERIFY2(rate >= mean - margin,
                 qPrintable(QString("structural validity %1 < recorded %2 − %3").arg(rate).arg(mean).arg(margin)));
    }

    void slicesAreNotCrystals() {
        // A run without an encoding (an ECD run) cannot generate crystals; the message says why.
        const fs::path fake = m_tmp.filePath("ecd-run").toStdString();
        fs::create_directories(fake);
        cw::writeFileAtomically((fake / "data.json").string(), R"({"kind": "ecd", "image_size": 32})");
        try {
            cw::ml::runEncoding(fake.string());
            QFAIL("an ECD run was taken for a crystal generator");
        } catch (const cw::Error& e) {
            QVERIFY2(std::string(e.what()).find("slices, not crystals") != std::string::npos, e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestMlGenerate)
#include "test_ml_generate.moc"
