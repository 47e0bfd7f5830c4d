// Learned feature extractors and evaluation during training (engine/ml/features/learned_features.h,
// encoder_training.h, trainer.h): a TorchScript module built by the test gives the features it
// computes by hand (1-channel images repeated to 3, tuple and list outputs, batching, progress
// and cancellation), bad files are named errors; the domain autoencoder trained on a tiny real
// ECD data set lowers its loss, writes its files and gives deterministic features of its
// latent dimension; a diffusion run writes eval.csv rows with sane values at each sample grid,
// truncates them on resume, and goes on when the evaluation fails.
#include <torch/script.h>
#include <QTemporaryDir>
#include <QtTest>
#include <stop_token>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "dataset/image_set.h"
#include "ml/diffusion/eval_log.h"
#include "ml/diffusion/trainer.h"
#include "ml/diffusion/training_config.h"
#include "ml/features/encoder_training.h"
#include "ml/features/learned_features.h"
#include "tiny_training.h"

namespace fs = std::filesystem;
using namespace cw;

namespace {

// TorchScript source of the test modules (compiled by torch::jit::Module::define).
const char* const kMeanMax = R"(
def forward(self, x):
    return torch.cat([x.mean(dim=[2, 3]), x.amax(dim=[2, 3])], dim=1)
)";
const char* const kTuple = R"(
def forward(self, x):
    return (x.sum(), torch.cat([x.mean(dim=[2, 3]), x.amax(dim=[2, 3])], dim=1))
)";
// pytorch-fid's InceptionV3 returns a list of [N, F, 1, 1] block outputs.
const char* const kList = R"(
def forward(self, x):
    return [x.mean(dim=[2, 3], keepdim=True), x.amax(dim=[2, 3], keepdim=True)]
)";
const char* const kNotATensor = R"(
def forward(self, x):
    return "no features"
)";

std::string saveModule(const std::string& dir, const std::string& name, const char* source) {
    torch::jit::Module module("Features");
    module.define(source);
    const std::string path = dir + "/" + name;
    module.save(path);
    return path;
}

ExtractorSpec scriptSpec(const std::string& path) {
    ExtractorSpec spec;
    spec.kind = ExtractorSpec::Kind::TorchScript;
    spec.path = path;
    return spec;
}

ExtractorSpec domainSpec(const std::string& runDir) {
    ExtractorSpec spec;
    spec.kind = ExtractorSpec::Kind::Domain;
    spec.path = runDir;
    return spec;
}

// `count` images of `channels` × h × w with distinct known pixels in [0, 1].
EvalImages knownImages(int count, int channels, int h, int w) {
    EvalImages images;
    std::vector<float> pixels(static_cast<std::size_t>(channels) * h * w);
    for (int k = 0; k < count; ++k) {
        for (int c = 0; c < channels; ++c)
            for (int i = 0; i < h * w; ++i)
                pixels[static_cast<std::size_t>(c) * h * w + i] =
                    static_cast<float>(std::fmod(0.013 * k + 0.1 * c + 0.007 * i * (1 + (k + c) % 3), 1.0));
        images.append("image" + std::to_string(k), channels, h, w, pixels.data());
    }
    return images;
}

// Per-channel means then maxima of image k, by hand (channel 0 repeated for 1-channel images).
std::vector<double> meanMax(const EvalImages& images, std::size_t k) {
    const int channels = std::max(3, images.channels);
    const std::size_t plane = static_cast<std::size_t>(images.height) * images.width;
    std::vector<double> means, maxima;
    for (int c = 0; c < channels; ++c) {
        const float* p = images.item(k) + (images.channels == 1 ? 0 : c) * plane;
        double sum = 0, max = -1;
        for (std::size_t i = 0; i < plane; ++i) {
            sum += p[i];
            max = std::max<double>(max, p[i]);
        }
        means.push_back(sum / static_cast<double>(plane));
        maxima.push_back(max);
    }
    means.insert(means.end(), maxima.begin(), maxima.end());
    return means;
}

void compareWithHand(const Eigen::MatrixXd& features, const EvalImages& images) {
    QCOMPARE(features.rows(), static_cast<Eigen::Index>(images.count()));
    for (std::size_t k = 0; k < images.count(); ++k) {
        const std::vector<double> expected = meanMax(images, k);
        QCOMPARE(features.cols(), static_cast<Eigen::Index>(expected.size()));
        for (std::size_t j = 0; j < expected.size(); ++j)
            QVERIFY2(std::abs(features(k, j) - expected[j]) < 1e-6,
                     qPrintable(QString("image %1 feature %2: %3 vs %4")
                                    .arg(k).arg(j).arg(features(k, j)).arg(expected[j])));
    }
}

// Records feature progress and cancels after the first batch when asked.
class Progress final : public ProgressSink {
public:
    explicit Progress(std::stop_source* cancelAfterFirst = nullptr) : m_cancel(cancelAfterFirst) {}
    void report(const ProgressEvent& event) override {
        events.push_back(event);
        if (m_cancel) m_cancel->request_stop();
    }
    std::vector<ProgressEvent> events;

private:
    std::stop_source* m_cancel;
};

// The first `n` items of a data set in [0, 1], as evaluation images.
EvalImages datasetImages(const std::string& dir, std::size_t n) {
    const ImageSet set(dir, ImageSetOptions{});
    EvalImages images;
    std::vector<float> pixels(static_cast<std::size_t>(set.channels()) * set.imageSize() * set.imageSize());
    for (std::size_t i = 0; i < std::min(n, set.size()); ++i) {
        set.readItem(i, pixels.data());
        for (float& v : pixels) v = 0.5f * (v + 1.0f);
        images.append(set.materialId(i), set.channels(), set.imageSize(), set.imageSize(), pixels.data());
    }
    return images;
}

// Every pixel repeated 2 × 2 (nearest-neighbour up-sampling by two).
EvalImages doubled(const EvalImages& images) {
    EvalImages out;
    const int h = images.height, w = images.width;
    std::vector<float> pixels(static_cast<std::size_t>(images.channels) * 4 * h * w);
    for (std::size_t k = 0; k < images.count(); ++k) {
        for (int c = 0; c < images.channels; ++c)
            for (int r = 0; r < 2 * h; ++r)
                for (int q = 0; q < 2 * w; ++q)
                    pixels[(static_cast<std::size_t>(c) * 2 * h + r) * 2 * w + q] =
                        images.item(k)[(static_cast<std::size_t>(c) * h + r / 2) * w + q / 2];
        out.append(images.names[k], images.channels, 2 * h, 2 * w, pixels.data());
    }
    return out;
}

ml::EncoderTrainingConfig tinyEncoderConfig(const std::string& dataDir) {
    ml::EncoderTrainingConfig c;
    c.dataDir = dataDir;
    c.imageSize = 32;
    c.latentDim = 24;
    c.baseChannels = 8;
    c.steps = 150;
    c.batchSize = 8;
    c.learningRate = 3e-3;
    c.loaderWorkers = 1;
    c.threads = 1;
    c.device = "cpu";
    c.seed = 4;
    return c;
}

}  // namespace

class TestMlFeatures : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    std::string m_data, m_encoder;

    std::string dir() const { return m_tmp.path().toStdString(); }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_data = test::buildTinyEcdDataset(dir() + "/data");
        m_encoder = dir() + "/encoder";
    }

    void torchScriptFeaturesMatchHandComputed() {
        const std::string path = saveModule(dir(), "meanmax.pt", kMeanMax);
        auto extractor = ml::openLearnedExtractor(scriptSpec(path), "cpu", 1);
        QCOMPARE(extractor->dimension(), 6);  // from the probe batch, before any images
        QCOMPARE(QString::fromStdString(extractor->name()), QString("torchscript:meanmax.pt (6-d)"));
        // 20 images: a full batch of 16 and a partial one.
        const EvalImages rgb = knownImages(20, 3, 7, 9);
        Progress progress;
        compareWithHand(extractor->extract(rgb, &progress), rgb);
        QVERIFY(!progress.events.empty());
        QCOMPARE(progress.events.back().stage, std::string("features"));
        QCOMPARE(progress.events.back().step, std::int64_t{20});
        QCOMPARE(progress.events.back().total, std::int64_t{20});
    }

    void oneChannelImagesAreRepeatedToThree() {
        auto extractor = ml::openLearnedExtractor(scriptSpec(saveModule(dir(), "gray.pt", kMeanMax)), "cpu", 1);
        const EvalImages gray = knownImages(5, 1, 8, 8);
        const Eigen::MatrixXd features = extractor->extract(gray);
        compareWithHand(features, gray);
        QCOMPARE(features(2, 0), features(2, 2));  // the same channel three times
        QCOMPARE(features(2, 3), features(2, 5));
    }

    void tupleAndListOutputsGiveTheLastElement() {
        const EvalImages images = knownImages(4, 3, 6, 6);
        auto fromTuple = ml::openLearnedExtractor(scriptSpec(saveModule(dir(), "tuple.pt", kTuple)), "cpu", 1);
        QCOMPARE(fromTuple->dimension(), 6);
        compareWithHand(fromTuple->extract(images), images);

        // [N, 3, 1, 1] maxima, flattened: the last three columns of the mean/max features.
        auto fromList = ml::openLearnedExtractor(scriptSpec(saveModule(dir(), "list.pt", kList)), "cpu", 1);
        QCOMPARE(fromList->dimension(), 3);
        const Eigen::MatrixXd maxima = fromList->extract(images);
        QCOMPARE(maxima.cols(), Eigen::Index{3});
        for (std::size_t k = 0; k < images.count(); ++k) {
            const std::vector<double> expected = meanMax(images, k);
            for (int c = 0; c < 3; ++c) QVERIFY(std::abs(maxima(k, c) - expected[3 + c]) < 1e-6);
        }
    }

    void cancellingLeavesTheRestZero() {
        auto extractor = ml::openLearnedExtractor(scriptSpec(saveModule(dir(), "cancel.pt", kMeanMax)), "cpu", 1);
        const EvalImages images = knownImages(40, 3, 5, 5);
        std::stop_source cancel;
        Progress progress(&cancel);
        const Eigen::MatrixXd features = extractor->extract(images, &progress, cancel.get_token());
        QCOMPARE(features.rows(), Eigen::Index{40});
        QCOMPARE(progress.events.size(), std::size_t{1});
        const std::int64_t done = progress.events[0].step;
        QVERIFY(done > 0 && done < 40);
        QVERIFY(features.topRows(done).minCoeff() > 0);  // every image has positive pixels
        QCOMPARE(features.bottomRows(40 - done).cwiseAbs().maxCoeff(), 0.0);
    }

    void badFilesAreNamedErrors() {
        const std::string missing = dir() + "/missing.pt";
        QVERIFY_THROWS_EXCEPTION(IoError, ml::openLearnedExtractor(scriptSpec(missing), "cpu", 1));

        const std::string corrupt = dir() + "/corrupt.pt";
        writeFileAtomically(corrupt, "this is not a zip archive of a TorchScript module\n");
        try {
            ml::openLearnedExtractor(scriptSpec(corrupt), "cpu", 1);
            QFAIL("a corrupt file was accepted");
        } catch (const FormatError& error) {
            QCOMPARE(error.path(), corrupt);
            QVERIFY2(std::string(error.what()).find("corrupt.pt") != std::string::npos, error.what());
        }

        // A module whose output is no tensor loads, but cannot give features.
        auto odd = ml::openLearnedExtractor(scriptSpec(saveModule(dir(), "odd.pt", kNotATensor)), "cpu", 1);
        QCOMPARE(odd->dimension(), 0);
        try {
            odd->extract(knownImages(2, 3, 4, 4));
            QFAIL("a module returning a string gave features");
        } catch (const Error& error) {
            QVERIFY2(std::string(error.what()).find("not a tensor") != std::string::npos, error.what());
        }

        QVERIFY_THROWS_EXCEPTION(IoError, ml::openLearnedExtractor(domainSpec(dir() + "/no-run"), "cpu", 1));
        fs::create_directories(dir() + "/empty-run");
        QVERIFY_THROWS_EXCEPTION(IoError, ml::openLearnedExtractor(domainSpec(dir() + "/empty-run"), "cpu", 1));
    }

    void encoderTrainingLowersTheLossAndWritesItsFiles() {
        const ml::EncoderTrainingConfig config = tinyEncoderConfig(m_data);
        std::vector<double> losses;
        struct Losses final : ProgressSink {
            std::vector<double>& out;
            explicit Losses(std::vector<double>& o) : out(o) {}
            void report(const ProgressEvent& e) override {
                if (e.stage == "encoder") out.push_back(e.scalars.at("loss"));
            }
        } sink(losses);
        const ml::EncoderTrainingResult r = ml::trainEncoder(config, m_encoder, sink);
        QCOMPARE(r.stepsDone, config.steps);
        QVERIFY(!r.cancelled);
        QCOMPARE(losses.size(), static_cast<std::size_t>(config.steps));
        QCOMPARE(r.firstLoss, losses.front());
        qInfo("encoder MSE %.4g -> %.4g", r.firstLoss, r.finalLoss);
        // The MSE falls quickly to about the pixel variance (a mean image), then below it.
        QVERIFY2(r.finalLoss < 0.6 * r.firstLoss, qPrintable(QString("%1 -> %2").arg(r.firstLoss).arg(r.finalLoss)));
        QCOMPARE(r.channels, 1);
        QCOMPARE(r.imageSize, 32);

        QVERIFY(fs::is_regular_file(ml::encoderWeightsPath(m_encoder)));
        QVERIFY(!fs::exists(ml::encoderWeightsPath(m_encoder) + ".part"));
        const auto j = nlohmann::json::parse(readFileToString(ml::encoderConfigPath(m_encoder)));
        QCOMPARE(j.at("format").get<std::string>(), std::string("cw-encoder"));
        QCOMPARE(j.at("kind").get<std::string>(), std::string("ecd"));
        QCOMPARE(j.at("channels").get<int>(), 1);
        QCOMPARE(j.at("image_size").get<int>(), 32);
        QCOMPARE(j.at("latent_dim").get<int>(), config.latentDim);
        QCOMPARE(j.at("steps").get<std::int64_t>(), config.steps);
        QCOMPARE(j.at("final_loss").get<double>(), r.finalLoss);
        QCOMPARE(j.at("data_dir").get<std::string>(), fs::absolute(m_data).lexically_normal().string());
        QCOMPARE(j.at("config").at("seed").get<std::uint64_t>(), config.seed);
    }

    void domainFeaturesAreDeterministicOfTheLatentDimension() {
        QVERIFY(fs::exists(ml::encoderConfigPath(m_encoder)));  // written by the slot above
        auto extractor = ml::openLearnedExtractor(domainSpec(m_encoder + "/"), "cpu", 1);
        QCOMPARE(extractor->dimension(), 24);
        QCOMPARE(QString::fromStdString(extractor->name()), QString("domain:encoder (24-d, autoencoder)"));
        const EvalImages images = datasetImages(m_data, 12);
        const Eigen::MatrixXd a = extractor->extract(images);
        QCOMPARE(a.rows(), Eigen::Index{12});
        QCOMPARE(a.cols(), Eigen::Index{24});
        QVERIFY(a.allFinite());
        QVERIFY(extractor->extract(images) == a);  // the same call again
        auto reopened = ml::openLearnedExtractor(domainSpec(m_encoder), "cpu", 1);
        QVERIFY(reopened->extract(images) == a);   // and the same weights read again
        // Different slices map to different features.
        QVERIFY((a.row(0) - a.row(11)).norm() > 1e-6 * (a.row(0).norm() + 1));

        // Larger images are area-averaged to the encoder's 32 px: each pixel doubled to 2 × 2
        // averages back to itself, so the features are those of the 32-px slices.
        const EvalImages large = doubled(images);
        QCOMPARE(large.height, 64);
        const Eigen::MatrixXd b = extractor->extract(large);
        QCOMPARE(b.cols(), Eigen::Index{24});
        QVERIFY2((b - a).cwiseAbs().maxCoeff() < 1e-4 * (1 + a.cwiseAbs().maxCoeff()),
                 qPrintable(QString::number((b - a).cwiseAbs().maxCoeff())));

        QVERIFY_THROWS_EXCEPTION(ValueError, extractor->extract(knownImages(2, 3, 32, 32)));
    }

    void encoderRequestsAreChecked() {
        ml::EncoderTrainingConfig config = tinyEncoderConfig(m_data);
        NullProgressSink null;
        // The run folder must be new.
        QVERIFY_THROWS_EXCEPTION(ConfigError, ml::trainEncoder(config, m_encoder, null));
        config.imageSize = 48;
        QVERIFY_THROWS_EXCEPTION(ConfigError, ml::trainEncoder(config, dir() + "/enc48", null));
        config.imageSize = 32;
        std::stop_source cancel;
        cancel.request_stop();
        const ml::EncoderTrainingResult r =
            ml::trainEncoder(config, dir() + "/enc-cancelled", null, cancel.get_token());
        QVERIFY(r.cancelled);
        QCOMPARE(r.stepsDone, std::int64_t{0});
        QVERIFY(!fs::exists(ml::encoderConfigPath(dir() + "/enc-cancelled")));
    }

    void cliTrainsAnEncoderThatFidUses() {
        const QString run = QString::fromStdString(dir() + "/cli-encoder");
        const QString data = QString::fromStdString(m_data);
        auto r = test::runCwb({"eval", "encoder", "--data", data, "--out", run, "--steps", "20",
                               "--batch", "8", "--image-size", "32", "--latent", "16", "--base", "8",
                               "--device", "cpu", "--threads", "1", "--workers", "1"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("domain:" + run), qPrintable(r.out));
        QVERIFY(fs::is_regular_file(ml::encoderWeightsPath(run.toStdString())));

        // The same images on both sides: the Fréchet distance of the encoder's features is 0.
        r = test::runCwb({"eval", "fid", "--real", data, "--generated", data, "--extractor",
                          "domain:" + run, "--device", "cpu", "--threads", "1", "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto j = nlohmann::json::parse(r.out.toStdString());
        QCOMPARE(j.at("extractor").get<std::string>(), std::string("domain:cli-encoder (16-d, autoencoder)"));
        QCOMPARE(j.at("dimension").get<int>(), 16);
        QVERIFY2(std::abs(j.at("fid").get<double>()) < 1e-6, qPrintable(r.out));

        // A size the architecture cannot take, and an existing run folder, are usage errors.
        r = test::runCwb({"eval", "encoder", "--data", data, "--out", run + "-48", "--image-size", "48"});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("power of two"), qPrintable(r.err));
        r = test::runCwb({"eval", "encoder", "--data", data, "--out", run, "--steps", "1"});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("not empty"), qPrintable(r.err));
    }

    void evaluateSamplesIsAConfigKey() {
        ml::DiffusionTrainingConfig c;
        QVERIFY(c.evaluateSamples);
        c = ml::diffusionTrainingConfigFromJson(R"({"evaluate_samples": false})", c, "test");
        QVERIFY(!c.evaluateSamples);
        const ml::DiffusionTrainingConfig back =
            ml::diffusionTrainingConfigFromJson(ml::diffusionTrainingConfigToJson(c));
        QVERIFY(!back.evaluateSamples);
    }

    void trainingWritesEvalRowsAtEachGrid() {
        const std::string run = dir() + "/diffusion";
        ml::DiffusionTrainingConfig config = test::tinyTrainingConfig(m_data);
        config.steps = 6;
        config.checkpointEvery = 3;
        ml::TrainingControl control;
        NullProgressSink null;
        std::vector<std::int64_t> gridSteps;
        ml::TrainingCallbacks callbacks;
        callbacks.sampleGrid = [&](const std::string&, std::int64_t step) {
            // The row is in eval.csv before the grid is announced.
            const auto rows = ml::readEvalLog(run);
            QVERIFY(!rows.empty() && rows.back().step == step);
            gridSteps.push_back(step);
        };
        const ml::TrainingResult result = ml::trainDiffusion(config, run, false, control, null, callbacks);
        QVERIFY(result.finished);
        QCOMPARE(gridSteps, (std::vector<std::int64_t>{3, 6}));

        ImageSetOptions options;
        const std::size_t trainItems = ImageSet(m_data, options).size();
        std::vector<std::string> problems;
        const auto rows = ml::readEvalLog(run, &problems);
        QVERIFY(problems.empty());
        QCOMPARE(rows.size(), std::size_t{2});
        for (const ml::EvalLogRow& row : rows) {
            QCOMPARE(row.realCount, std::min<std::size_t>(256, trainItems));
            QCOMPARE(row.generatedCount, std::size_t{4});
            QVERIFY(row.meanAtomsReal && *row.meanAtomsReal > 0);  // slices of real crystals
            QVERIFY(row.meanAtomsGenerated && *row.meanAtomsGenerated >= 0);
            QVERIFY(row.ksStatistic && *row.ksStatistic >= 0 && *row.ksStatistic <= 1);
            QVERIFY(row.ksPValue && *row.ksPValue >= 0 && *row.ksPValue <= 1);
            QVERIFY(row.wasserstein && *row.wasserstein >= 0 && std::isfinite(*row.wasserstein));
            QVERIFY(row.fid && std::isfinite(*row.fid) && *row.fid >= 0);
            QVERIFY(row.kid && std::isfinite(*row.kid));
            QVERIFY2(row.extractor.rfind("spectral", 0) == 0, row.extractor.c_str());
        }
        // The real subset is fixed: its count statistics do not change between grids.
        QCOMPARE(*rows[0].meanAtomsReal, *rows[1].meanAtomsReal);

        // Resume: rows after the checkpoint's step (here a row a killed run could have left)
        // are dropped, and the new grid's row follows.
        ml::EvalLogRow stale;
        stale.step = 7;
        ml::appendEvalLogRow(run, stale);
        config.steps = 9;
        ml::trainDiffusion(config, run, true, control, null);
        std::vector<std::int64_t> steps;
        for (const auto& row : ml::readEvalLog(run)) steps.push_back(row.step);
        QCOMPARE(steps, (std::vector<std::int64_t>{3, 6, 9}));

        // An evaluation that fails (eval.csv is a folder now) is logged; training goes on.
        fs::remove(ml::runEvalLogPath(run));
        fs::create_directories(ml::runEvalLogPath(run));
        config.steps = 12;
        const ml::TrainingResult more = ml::trainDiffusion(config, run, true, control, null);
        QVERIFY(more.finished);
        QCOMPARE(more.stepsDone, std::int64_t{12});
        const std::string log = readFileToString(run + "/train.log");
        QVERIFY2(log.find("evaluation of the samples at step 12 failed") != std::string::npos, log.c_str());
    }

    void switchedOffWritesNoEvalLog() {
        const std::string run = dir() + "/no-eval";
        ml::DiffusionTrainingConfig config = test::tinyTrainingConfig(m_data);
        config.steps = 3;
        config.evaluateSamples = false;
        ml::TrainingControl control;
        NullProgressSink null;
        QVERIFY(ml::trainDiffusion(config, run, false, control, null).finished);
        QVERIFY(fs::exists(run + "/samples/step-00000003.png"));
        QVERIFY(!fs::exists(ml::runEvalLogPath(run)));
    }
};

QTEST_APPLESS_MAIN(TestMlFeatures)
#include "test_ml_features.moc"
