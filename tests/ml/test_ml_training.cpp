// Diffusion training end to end on CPU with a tiny UNet and a tiny real ECD data set built in the
// test (engine/ml/diffusion/trainer.h, sampling.h): the loss falls, a cancelled and resumed run
// ends with the same weights as an uninterrupted one (bitwise), sampling writes arrays of the right
// shape and range, and bad requests fail with clear errors.
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "core/npy.h"
#include "dataset/ecd_builder.h"
#include "ml/diffusion/checkpoint.h"
#include "ml/diffusion/trainer.h"
#include "ml/generation/sampling.h"
#include "ml/run_directory.h"

namespace fs = std::filesystem;

namespace {

const std::string kSmall = std::string(CW_TEST_DATA_DIR) + "/collections/mp_small.json";

// Stops the run (cancel or pause) once it reports `atStep`.
class StopAt final : public cw::ProgressSink {
public:
    StopAt(cw::ml::TrainingControl& control, std::int64_t atStep, bool pause)
        : m_control(control), m_atStep(atStep), m_pause(pause) {}
    void report(const cw::ProgressEvent& event) override {
        if (event.stage == "train") losses.push_back(event.scalars.at("loss"));
        if (m_atStep > 0 && event.step == m_atStep)
            (m_pause ? m_control.pause : m_control.cancel).request_stop();
    }
    std::vector<double> losses;

private:
    cw::ml::TrainingControl& m_control;
    std::int64_t m_atStep;
    bool m_pause;
};

cw::ml::DiffusionTrainingConfig tinyConfig(const std::string& dataDir) {
    cw::ml::DiffusionTrainingConfig c;
    c.dataDir = dataDir;
    c.split = "all";
    c.model.imageSize = 32;
    c.model.baseChannels = 8;
    c.model.channelMults = {1, 2};
    c.model.resBlocksPerLevel = 1;
    c.model.attentionResolutions = {16};
    c.model.attentionHeads = 2;
    c.diffusion.timesteps = 100;
    c.steps = 20;
    c.batchSize = 4;
    c.learningRate = 2e-3;
    c.warmupSteps = 2;
    c.emaDecay = 0.99;
    c.logEvery = 2;
    c.checkpointEvery = 5;
    c.sampleEvery = 0;
    c.loaderWorkers = 2;
    c.threads = 1;
    c.device = "cpu";
    return c;
}

std::vector<torch::Tensor> weightsOf(const std::string& checkpoint, const cw::ml::UNetConfig& model, bool ema) {
    cw::ml::UNet net(model);
    cw::ml::loadWeights(checkpoint, net, ema, torch::Device(torch::kCPU));
    std::vector<torch::Tensor> out;
    for (const auto& p : net->parameters()) out.push_back(p.detach().clone());
    return out;
}

}  // namespace

class TestMlTraining : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    std::string m_data;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_data = m_tmp.path().toStdString() + "/slices";
        cw::EcdDatasetOptions o;
        o.inputs = {kSmall};
        o.perStructure = 8;
        o.seed = 3;
        o.parameters.size = 32;
        cw::EcdBuildSettings s;
        s.outDir = m_data;
        s.threads = 2;
        cw::NullProgressSink null;
        const cw::EcdBuildResult r = cw::buildEcdDataset(o, s, null, {});
        QVERIFY2(r.slices >= 16, "the tiny data set needs at least a few batches of slices");
    }

    void lossFallsByAThird() {
        cw::ml::DiffusionTrainingConfig c = tinyConfig(m_data);
        c.steps = 120;
        c.checkpointEvery = 1000;
        const std::string run = m_tmp.path().toStdString() + "/loss";
        cw::ml::TrainingControl control;
        StopAt sink(control, 0, false);
        const cw::ml::TrainingResult r = cw::ml::trainDiffusion(c, run, false, control, sink);
        QVERIFY(r.finished);
        QCOMPARE(r.stepsDone, std::int64_t{120});
        QCOMPARE(sink.losses.size(), std::size_t{120});
        auto mean = [&](std::size_t from, std::size_t to) {
            double sum = 0;
            for (std::size_t i = from; i < to; ++i) sum += sink.losses[i];
            return sum / static_cast<double>(to - from);
        };
        const double first = mean(0, 10), last = mean(110, 120);
        QVERIFY2(last <= first * (2.0 / 3.0),
                 qPrintable(QString("loss %1 → %2 did not fall by a third").arg(first).arg(last)));
        // The run directory is complete: config, metrics every 2 steps, status, checkpoint.
        const std::vector<cw::ml::MetricRow> rows = cw::ml::readMetrics(run);
        QCOMPARE(rows.size(), std::size_t{60});
        QCOMPARE(rows.back().step, std::int64_t{120});
        QVERIFY(rows.back().learningRate > 0 && rows.back().learningRate < c.learningRate);
        QCOMPARE(cw::ml::readRunStatus(run).state, cw::ml::RunState::Finished);
        QVERIFY(fs::exists(cw::ml::runLatestCheckpointPath(run)));
        QVERIFY(fs::exists(run + "/config.json"));
    }

    void cancelledAndResumedEqualsUninterrupted() {
        const cw::ml::DiffusionTrainingConfig c = tinyConfig(m_data);
        const std::string straight = m_tmp.path().toStdString() + "/straight";
        const std::string resumed = m_tmp.path().toStdString() + "/resumed";
        {
            cw::ml::TrainingControl control;
            StopAt sink(control, 0, false);
            QVERIFY(cw::ml::trainDiffusion(c, straight, false, control, sink).finished);
        }
        {
            cw::ml::TrainingControl control;
            StopAt sink(control, 12, false);  // between checkpoints (every 5 steps)
            const cw::ml::TrainingResult r = cw::ml::trainDiffusion(c, resumed, false, control, sink);
            QVERIFY(r.cancelled);
            QCOMPARE(r.stepsDone, std::int64_t{12});
            QCOMPARE(cw::ml::readRunStatus(resumed).state, cw::ml::RunState::Cancelled);
            QCOMPARE(cw::ml::readCheckpointState(cw::ml::runLatestCheckpointPath(resumed)).step,
                     std::int64_t{12});
        }
        {
            cw::ml::TrainingControl control;
            StopAt sink(control, 0, false);
            cw::ml::DiffusionTrainingConfig request;
            request.steps = 1;  // keep the stored steps
            request.device = "cpu";
            request.threads = 1;
            const cw::ml::TrainingResult r = cw::ml::trainDiffusion(request, resumed, true, control, sink);
            QVERIFY(r.finished);
            QCOMPARE(r.stepsDone, std::int64_t{20});
        }
        cw::ml::UNetConfig model = c.model;
        for (bool ema : {false, true}) {
            const auto a = weightsOf(cw::ml::runLatestCheckpointPath(straight), model, ema);
            const auto b = weightsOf(cw::ml::runLatestCheckpointPath(resumed), model, ema);
            QCOMPARE(a.size(), b.size());
            for (std::size_t i = 0; i < a.size(); ++i)
                QVERIFY2(torch::equal(a[i], b[i]), qPrintable(QString("%1 tensor %2 differs")
                                                                  .arg(ema ? "EMA" : "model")
                                                                  .arg(i)));
        }
        // metrics.csv of the resumed run has each step once, like the straight run's.
        const auto rowsA = cw::ml::readMetrics(straight);
        const auto rowsB = cw::ml::readMetrics(resumed);
        QCOMPARE(rowsA.size(), rowsB.size());
        for (std::size_t i = 0; i < rowsA.size(); ++i) {
            QCOMPARE(rowsA[i].step, rowsB[i].step);
            QCOMPARE(rowsA[i].loss, rowsB[i].loss);
        }
    }

    void pauseLeavesAResumableRun() {
        cw::ml::DiffusionTrainingConfig c = tinyConfig(m_data);
        const std::string run = m_tmp.path().toStdString() + "/paused";
        cw::ml::TrainingControl control;
        StopAt sink(control, 3, true);
        const cw::ml::TrainingResult r = cw::ml::trainDiffusion(c, run, false, control, sink);
        QVERIFY(r.cancelled);
        QCOMPARE(cw::ml::readRunStatus(run).state, cw::ml::RunState::Paused);
        QCOMPARE(cw::ml::checkpointSteps(run), std::vector<std::int64_t>{3});
    }

    void samplesHaveTheDataShapeAndRange() {
        const std::string run = m_tmp.path().toStdString() + "/straight";
        const std::string out = m_tmp.path().toStdString() + "/samples";
        cw::ml::SampleRequest request;
        request.count = 3;
        request.batchSize = 2;
        request.sampler.samplingSteps = 4;
        request.device = "cpu";
        request.threads = 1;
        cw::NullProgressSink null;
        const cw::ml::SampleResult r = cw::ml::sampleFromRun(run, request, out, null);
        QCOMPARE(r.written, 3);
        const cw::NpyArray samples = cw::readNpy(out + "/samples.npy");
        QCOMPARE(samples.shape, (std::vector<std::size_t>{3, 1, 32, 32}));
        for (float v : samples.f32) QVERIFY(v >= 0.0f && v <= 1.0f);
        QVERIFY(fs::exists(out + "/sample-00002.png"));
        QVERIFY(fs::exists(out + "/grid.png"));
        QVERIFY(fs::exists(out + "/samples.json"));
        // The same request draws the same images.
        const std::string again = m_tmp.path().toStdString() + "/samples-again";
        cw::ml::sampleFromRun(run, request, again, null);
        QCOMPARE(cw::readNpy(again + "/samples.npy").f32, samples.f32);
    }

    // One batch of all images: the rate and the progress show during it, step by step, not
    // only when the batch ends (a 64-image CPU batch takes minutes).
    void samplingReportsProgressWithinTheFirstBatch() {
        const std::string run = m_tmp.path().toStdString() + "/straight";
        cw::ml::SampleRequest request;
        request.count = 4;
        request.batchSize = 4;
        request.sampler.samplingSteps = 8;
        request.device = "cpu";
        request.threads = 1;
        request.png = false;
        struct Events final : cw::ProgressSink {
            std::vector<cw::ProgressEvent> seen;
            void report(const cw::ProgressEvent& e) override { seen.push_back(e); }
        } events;
        cw::ml::sampleFromRun(run, request, m_tmp.path().toStdString() + "/samples-progress", events);
        QVERIFY(events.seen.size() >= 8);
        const cw::ProgressEvent& first = events.seen.front();
        QCOMPARE(first.stage, std::string("sample"));
        QVERIFY(first.step < 4);
        QVERIFY(first.scalars.at("images_per_s") > 0);
        QCOMPARE(first.scalars.at("images_written"), 0.0);
        const cw::ProgressEvent& middle = events.seen[events.seen.size() / 2];
        QVERIFY2(middle.step >= 1 && middle.step < 4, qPrintable(QString::number(middle.step)));
        QCOMPARE(events.seen.back().step, std::int64_t(4));
        QCOMPARE(events.seen.back().scalars.at("images_written"), 4.0);
        for (std::size_t i = 1; i < events.seen.size(); ++i) QVERIFY(events.seen[i].step >= events.seen[i - 1].step);
    }

    void badRequestsAreClearErrors() {
        cw::ml::TrainingControl control;
        cw::NullProgressSink null;
        // A non-empty run directory without --resume is refused (nothing is overwritten).
        const std::string straight = m_tmp.path().toStdString() + "/straight";
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError,
                                 cw::ml::trainDiffusion(tinyConfig(m_data), straight, false, control, null));
        // Nothing to resume.
        const std::string empty = m_tmp.path().toStdString() + "/nothing";
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError,
                                 cw::ml::trainDiffusion(tinyConfig(m_data), empty, true, control, null));
        // A missing data set fails the run with a status that says why.
        const std::string failed = m_tmp.path().toStdString() + "/failed";
        try {
            cw::ml::trainDiffusion(tinyConfig(m_data + "-missing"), failed, false, control, null);
            QFAIL("training on a missing data set succeeded");
        } catch (const cw::Error& e) {
            QVERIFY2(std::string(e.what()).find("slices-missing") != std::string::npos, e.what());
        }
        const cw::ml::RunStatus status = cw::ml::readRunStatus(failed);
        QCOMPARE(status.state, cw::ml::RunState::Failed);
        QVERIFY(status.message.find("slices-missing") != std::string::npos);
        // Sampling a run that was never trained.
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, cw::ml::sampleFromRun(empty, {}, empty + "/out", null));
    }
};

QTEST_APPLESS_MAIN(TestMlTraining)
#include "test_ml_training.moc"
