// Property prediction end to end on CPU (engine/ml/props/props_model.h) with tiny real CrysTens
// data sets built in the test: a residual CNN learns density from 400 MP structures better than the
// training mean, missing labels are masked, cancel leaves a resumable run, predictions of a run
// repeat predictions.csv (from the data set and from the structures themselves), and bad
// requests fail with clear errors.
#include <QTemporaryDir>
#include <QtTest>
#include <stop_token>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/problem_log.h"
#include "io/structure_stream.h"
#include "ml/props/props_model.h"
#include "ml/props/props_network.h"
#include "ml/props/props_run.h"
#include "ml/run_directory.h"
#include "props_test_helpers.h"
#include "test_paths.h"
#include "tiny_datasets.h"

using namespace cw;
using namespace cw::ml;
namespace fs = std::filesystem;

namespace {

// Records epoch events; sets `cancel` once epoch `cancelAfter` is reported.
class EpochWatch final : public ProgressSink {
public:
    EpochWatch(std::stop_source* cancel = nullptr, int cancelAfter = 0)
        : m_cancel(cancel), m_after(cancelAfter) {}
    void report(const ProgressEvent& event) override {
        if (event.stage == "props_batch") batchLosses.push_back(event.scalars.at("loss"));
        if (event.stage != "props") return;
        valLosses.push_back(event.scalars.at("val_loss"));
        if (m_cancel && event.step == m_after) m_cancel->request_stop();
    }
    std::vector<double> valLosses, batchLosses;

private:
    std::stop_source* m_cancel;
    int m_after;
};

PropsConfig tinyConfig(const std::string& data, const std::vector<std::string>& targets) {
    PropsConfig c = test::quickPropsConfig(data, targets);
    c.width = 8;
    c.blocksPerStage = 1;
    c.epochs = 2;
    c.seed = 3;
    return c;
}

}  // namespace

class TestMlProps : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_tiny = path("tiny");
        test::buildTinyEncoding(m_tiny);
    }

    void maskedLossIgnoresMissingLabels() {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        torch::Tensor prediction = torch::tensor({1.0, 2.0, 3.0, 4.0}).view({2, 2}).requires_grad_(true);
        const torch::Tensor target = torch::tensor({0.0, nan, 5.0, nan}).view({2, 2});
        const torch::Tensor mask = torch::tensor({1.0, 0.0, 1.0, 0.0}).view({2, 2});
        const torch::Tensor loss = maskedMse(prediction, target, mask);
        QCOMPARE(loss.item<double>(), (1.0 + 4.0) / 2);
        loss.backward();
        const torch::Tensor grad = prediction.grad();
        QVERIFY(torch::isfinite(grad).all().item<bool>());
        QCOMPARE(grad[0][1].item<double>(), 0.0);
        QCOMPARE(grad[0][0].item<double>(), 1.0);  // 2·(1 − 0)/2
        QCOMPARE(maskedMse(prediction, target, torch::zeros({2, 2})).item<double>(), 0.0);

        // The same masking for the other losses: errors 1 and −2 on the present labels.
        const torch::Tensor p2 = torch::tensor({1.0, 2.0, 3.0, 4.0}).view({2, 2});
        QCOMPARE(maskedLoss(p2, target, mask, PropsLoss::L1).item<double>(), (1.0 + 2.0) / 2);
        QCOMPARE(maskedLoss(p2, target, mask, PropsLoss::Huber).item<double>(), (0.5 * 1.0 + (2.0 - 0.5)) / 2);
        QCOMPARE(maskedLoss(p2, target, mask, PropsLoss::Mse).item<double>(), (1.0 + 4.0) / 2);
        torch::Tensor p3 = p2.clone().requires_grad_(true);
        maskedLoss(p3, target, mask, PropsLoss::L1).backward();
        QVERIFY(torch::isfinite(p3.grad()).all().item<bool>());
        QCOMPARE(p3.grad()[1][0].item<double>(), -0.5);  // sign(3 − 5)/2
        QCOMPARE(p3.grad()[1][1].item<double>(), 0.0);
    }

    void bothModelsGiveOneOutputPerTarget() {
        for (PropsModelKind kind : {PropsModelKind::Baseline, PropsModelKind::ResNet}) {
            PropsNetOptions o;
            o.kind = kind;
            o.outputs = 3;
            o.width = 8;
            o.blocksPerStage = 1;
            PropsNet net(o);
            const torch::Tensor out = net->forward(torch::rand({2, 4, 64, 64}) * 2 - 1);
            QCOMPARE(out.sizes(), (torch::IntArrayRef{2, 3}));
        }
    }

    // Density is mass over volume: the atom rows and the lattice header hold both.
    void resnetLearnsDensityBetterThanTheMean() {
        CW_REQUIRE_SHARED_DATA();
        const std::string data = path("mp400");
        test::buildMpEncoding(data, 400);

        PropsConfig c = tinyConfig(data, {"density"});
        c.epochs = 20;
        c.batchSize = 16;
        c.learningRate = 3e-3;
        c.dropout = 0;
        const std::string run = path("density");
        std::stop_source cancel;
        EpochWatch watch;
        const PropsTrainingResult r = trainProps(c, run, false, cancel.get_token(), watch);
        QVERIFY(r.finished);
        QCOMPARE(r.epochsDone, 20);
        QCOMPARE(watch.valLosses.size(), std::size_t{20});
        QVERIFY2(r.bestValLoss < 0.7 * watch.valLosses.front(), qPrintable(QString::number(r.bestValLoss)));
        const PropsResults results = readPropsResults(run);
        const PropsTargetMetrics& t = results.splits.at("test").at(0);
        qInfo("density test MAE %.3f g/cm3, train-mean MAE %.3f, R2 %.3f, N %zu", t.metrics.mae, t.trainMeanMae,
              t.metrics.r2.value_or(0), t.metrics.count);
        QVERIFY(t.metrics.count > 40);
        QVERIFY(t.metrics.mae < 0.8 * t.trainMeanMae);
        QCOMPARE(readRunStatus(run).state, RunState::Finished);
        QCOMPARE(readPropsMetrics(run).size(), std::size_t{20});
    }

    // Transforms: truths in predictions.csv are the table's values; predictions come back in
    // original units (sqrt's inverse is never negative) and equal predictProps' numbers, from
    // the data set and from the source structures encoded anew.
    void predictRepeatsPredictionsCsv() {
        PropsConfig c = tinyConfig(m_tiny, {"density", "band_gap"});
        c.transform = TargetTransform::SqrtStandardize;
        const std::string run = path("sqrt");
        std::stop_source cancel;
        EpochWatch watch;
        QVERIFY(trainProps(c, run, false, cancel.get_token(), watch).finished);

        const test::SimpleTable table = test::readSimpleTable(m_tiny + "/properties.csv");
        std::map<std::string, double> density;
        for (const auto& row : table.rows) density[row[table.column("material_id")]] = std::stod(row[table.column("density")]);
        const auto rows = readPropsPredictions(propsPredictionsPath(run));
        QCOMPARE(rows.size(), table.rows.size() * 2);
        for (const PropsPredictionRow& row : rows) {
            QVERIFY(row.predicted >= 0);
            if (row.target == "density") QCOMPARE(*row.truth, density.at(row.materialId));
        }

        const auto expected = test::predictionsOf(run);
        PropsPredictOptions options;
        options.device = "cpu";
        options.threads = 1;
        options.batchSize = 5;  // another batching than training's
        const auto fromData = predictProps(run, {m_tiny}, options);
        QCOMPARE(fromData.size(), table.rows.size());
        for (const PropsPrediction& p : fromData) {
            QVERIFY(!p.split.empty());
            QCOMPARE(*p.truth[0], density.at(p.id));
            for (std::size_t k = 0; k < 2; ++k)
                QVERIFY2(test::nearPrediction(p.values[k], expected.at({p.id, k ? "band_gap" : "density"})),
                         p.id.c_str());
        }
        const auto fromStructures = predictProps(run, {test::kMpSmall}, options);
        QCOMPARE(fromStructures.size(), table.rows.size());
        for (const PropsPrediction& p : fromStructures) {
            QVERIFY(p.split.empty());
            QVERIFY2(test::nearPrediction(p.values[0], expected.at({p.id, "density"})), p.id.c_str());
        }
    }

    void missingLabelsTrainWithFiniteLoss() {
        // A copy of the tiny set where half the band gaps are missing.
        const std::string data = path("holes");
        fs::copy(m_tiny, data, fs::copy_options::recursive);
        test::SimpleTable t = test::readSimpleTable(data + "/properties.csv");
        std::string text;
        for (std::size_t i = 0; i < t.header.size(); ++i) text += (i ? "," : "") + t.header[i];
        text += "\n";
        for (std::size_t r = 0; r < t.rows.size(); ++r) {
            if (r % 2) t.rows[r][t.column("band_gap")] = "";
            for (std::size_t i = 0; i < t.rows[r].size(); ++i) text += (i ? "," : "") + t.rows[r][i];
            text += "\n";
        }
        writeFileAtomically(data + "/properties.csv", text);

        const std::string run = path("holes-run");
        std::stop_source cancel;
        EpochWatch watch;
        QVERIFY(trainProps(tinyConfig(data, {"band_gap", "density"}), run, false,
                           cancel.get_token(), watch)
                    .finished);
        QVERIFY(!watch.batchLosses.empty());
        for (double loss : watch.batchLosses) QVERIFY(std::isfinite(loss));
        for (double loss : watch.valLosses) QVERIFY(std::isfinite(loss));
        std::size_t empty = 0;
        for (const PropsPredictionRow& row : readPropsPredictions(propsPredictionsPath(run))) {
            QVERIFY(std::isfinite(row.predicted));
            empty += row.target == "band_gap" && !row.truth;
        }
        QCOMPARE(empty, t.rows.size() / 2);
    }

    void cancelLeavesAResumableRun() {
        const std::string run = path("cancel");
        PropsConfig c = tinyConfig(m_tiny, {"density"});
        c.epochs = 3;
        std::stop_source cancel;
        EpochWatch stopAfterOne(&cancel, 1);
        const PropsTrainingResult first =
            trainProps(c, run, false, cancel.get_token(), stopAfterOne);
        QVERIFY(first.cancelled && !first.finished);
        QCOMPARE(first.epochsDone, 1);
        QCOMPARE(readRunStatus(run).state, RunState::Cancelled);
        QCOMPARE(readRunStatus(run).step, std::int64_t{1});
        QVERIFY(fs::exists(runLatestCheckpointPath(run)));
        QVERIFY(!fs::exists(propsResultsPath(run)));

        QVERIFY_THROWS_EXCEPTION(
            ConfigError, trainProps(c, run, false, cancel.get_token(), stopAfterOne));  // not empty
        cancel = std::stop_source();
        EpochWatch watch;
        const PropsTrainingResult second = trainProps(c, run, true, cancel.get_token(), watch);
        QVERIFY(second.finished);
        QCOMPARE(second.epochsDone, 3);
        QCOMPARE(watch.valLosses.size(), std::size_t{2});
        const auto epochs = readPropsMetrics(run);
        QCOMPARE(epochs.size(), std::size_t{3});
        for (int e = 0; e < 3; ++e) QCOMPARE(epochs[e].epoch, e + 1);
        QCOMPARE(readRunStatus(run).state, RunState::Finished);
        QVERIFY(fs::exists(propsResultsPath(run)));
    }

    void earlyStoppingKeepsTheBestEpoch() {
        PropsConfig c = tinyConfig(m_tiny, {"density"});
        c.epochs = 30;
        c.patience = 2;
        c.learningRate = 0.05;  // large enough that the validation loss stops improving soon
        const std::string run = path("patience");
        std::stop_source cancel;
        EpochWatch watch;
        const PropsTrainingResult r = trainProps(c, run, false, cancel.get_token(), watch);
        QVERIFY(r.finished);
        QVERIFY(r.stoppedEarly);
        QCOMPARE(r.epochsDone, r.bestEpoch + 2);
        double best = std::numeric_limits<double>::infinity();
        for (double v : watch.valLosses) best = std::min(best, v);
        QCOMPARE(r.bestValLoss, best);
        QCOMPARE(readPropsResults(run).bestEpoch, r.bestEpoch);
    }

    // --ema: the averaged weights give predictions.csv (and predictProps repeats them from
    // best.pt, and from latest.pt when the last epoch is the best), they differ from a run
    // without averaging, and a cancelled run resumes both weight sets: its numbers equal an
    // uninterrupted run's.
    void averagedWeightsPredictAndResume() {
        PropsConfig c = tinyConfig(m_tiny, {"density"});
        c.epochs = 3;
        c.emaDecay = 0.9;
        const std::string straight = path("ema");
        std::stop_source cancel;
        EpochWatch whole;
        const PropsTrainingResult r = trainProps(c, straight, false, cancel.get_token(), whole);
        QVERIFY(r.finished);

        const std::string interrupted = path("ema-resumed");
        EpochWatch stopAfterOne(&cancel, 1);
        QVERIFY(trainProps(c, interrupted, false, cancel.get_token(), stopAfterOne).cancelled);
        cancel = std::stop_source();
        EpochWatch rest;
        QVERIFY(trainProps(c, interrupted, true, cancel.get_token(), rest).finished);
        QCOMPARE(rest.valLosses.size(), std::size_t{2});
        for (std::size_t e = 0; e < 2; ++e)
            QVERIFY(test::nearPrediction(rest.valLosses[e], whole.valLosses[e + 1]));
        const auto averaged = test::predictionsOf(straight);
        for (const auto& [key, value] : test::predictionsOf(interrupted))
            QVERIFY2(test::nearPrediction(value, averaged.at(key)), key.first.c_str());

        PropsPredictOptions options;
        options.device = "cpu";
        options.threads = 1;
        // The averaged weights improve on every epoch here, so latest.pt's are best.pt's.
        QCOMPARE(r.bestEpoch, r.epochsDone);
        for (const char* checkpoint : {"best", "latest"}) {
            options.checkpoint = checkpoint;
            for (const PropsPrediction& p : predictProps(straight, {m_tiny}, options))
                QVERIFY2(test::nearPrediction(p.values[0], averaged.at({p.id, "density"})), checkpoint);
        }

        c.emaDecay = 0;
        const std::string plain = path("no-ema");
        NullProgressSink null;
        QVERIFY(trainProps(c, plain, false, cancel.get_token(), null).finished);
        std::size_t differing = 0;
        for (const auto& [key, value] : test::predictionsOf(plain)) differing += !test::nearPrediction(value, averaged.at(key));
        QVERIFY2(differing > averaged.size() / 2, qPrintable(QString::number(differing)));
    }

    void badRequestsFailClearly() {
        std::stop_source cancel;
        NullProgressSink null;
        PropsConfig c = tinyConfig(m_tiny, {"formation_energy_per_atom"});
        c.transform = TargetTransform::Sqrt;
        const std::string run = path("negative");
        QString message;
        try {
            trainProps(c, run, false, cancel.get_token(), null);
        } catch (const ValueError& e) {
            message = e.what();
        }
        QVERIFY2(message.contains("formation_energy_per_atom") && message.contains("sqrt"), qPrintable(message));
        QCOMPARE(readRunStatus(run).state, RunState::Failed);

        c = tinyConfig(m_tiny, {"bandgap"});
        message.clear();
        try {
            trainProps(c, path("unknown"), false, cancel.get_token(), null);
        } catch (const ConfigError& e) {
            message = e.what();
        }
        QVERIFY2(message.contains("bandgap") && message.contains("band_gap"), qPrintable(message));
        QVERIFY_THROWS_EXCEPTION(ConfigError, predictProps(path("unknown"), {m_tiny}));
    }

private:
    std::string path(const std::string& name) const { return m_tmp.filePath(QString::fromStdString(name)).toStdString(); }

    QTemporaryDir m_tmp;
    std::string m_tiny;
};

QTEST_APPLESS_MAIN(TestMlProps)
#include "test_ml_props.moc"
