// The guidance model (cwb props train --noisy-for) and classifier guidance in the sampler
// (engine/ml/generation/sampling.h) on CPU, with a tiny diffusion UNet trained in the test on the
// tiny real CrysTens data set. A guide learns density from 400 MP materials (as CrysTens images of
// the same shape) diffused with the run's schedule: its training loss falls well below the mean
// predictor's; a strong pull toward a high (low) density then gives samples the guide predicts
// denser (lighter) than unguided ones from the same noise. Guidance with scale 0 leaves the
// samples bitwise unchanged, a guide takes the run's data set by default and records the run's
// forward process, and mismatched guides and requests fail with clear errors.
#include <QTemporaryDir>
#include <QtTest>
#include <stop_token>

#include <atomic>
#include <filesystem>
#include <numeric>

#include "core/error.h"
#include "core/npy.h"
#include "core/problem_log.h"
#include "core/progress.h"
#include "dataset/encoding_builder.h"
#include "io/structure_stream.h"
#include "ml/diffusion/trainer.h"
#include "ml/generation/sampling.h"
#include "ml/props/props_model.h"
#include "ml/props/props_network.h"
#include "ml/props/props_run.h"
#include "props_test_helpers.h"
#include "test_paths.h"
#include "tiny_datasets.h"

using namespace cw;
using namespace cw::ml;
namespace fs = std::filesystem;

namespace {

class EpochLosses final : public ProgressSink {
public:
    void report(const ProgressEvent& event) override {
        if (event.stage == "props") trainLosses.push_back(event.scalars.at("train_loss"));
    }
    std::vector<double> trainLosses;
};

double mean(const std::vector<double>& v, std::size_t from, std::size_t to) {
    return std::accumulate(v.begin() + static_cast<std::ptrdiff_t>(from), v.begin() + static_cast<std::ptrdiff_t>(to),
                           0.0) /
           static_cast<double>(to - from);
}

// A UNet small enough to train and sample at 64 px on one thread in seconds.
DiffusionTrainingConfig tinyDiffusion(const std::string& data) {
    DiffusionTrainingConfig c;
    c.dataDir = data;
    c.split = "all";
    c.model.imageSize = 64;
    c.model.baseChannels = 8;
    c.model.channelMults = {1, 2};
    c.model.resBlocksPerLevel = 1;
    c.model.attentionResolutions = {};
    c.model.attentionHeads = 2;
    c.diffusion.timesteps = 50;
    c.diffusion.schedule = ScheduleKind::Cosine;
    c.steps = 20;
    c.batchSize = 4;
    c.learningRate = 2e-3;
    c.warmupSteps = 2;
    c.emaDecay = 0.9;
    c.checkpointEvery = 1000;
    c.sampleEvery = 0;
    c.evaluateSamples = false;
    c.loaderWorkers = 1;
    c.threads = 1;
    c.device = "cpu";
    c.seed = 2;
    return c;
}

PropsConfig guideConfig(const std::string& diffusionRun) {
    PropsConfig c = test::quickPropsConfig("", {"density"});  // data set: the run's
    c.noisyFor = diffusionRun;
    c.width = 8;
    c.blocksPerStage = 1;
    c.dropout = 0;
    c.epochs = 2;
    c.learningRate = 3e-3;
    c.seed = 5;
    return c;
}

SampleRequest sampleRequest() {
    SampleRequest r;
    r.count = 8;
    r.batchSize = 8;
    r.sampler.samplingSteps = 10;
    r.sampler.seed = 7;
    r.device = "cpu";
    r.threads = 1;
    r.png = false;
    return r;
}

std::vector<float> samplesIn(const std::string& outDir) { return readNpy(outDir + "/samples.npy").f32; }

}  // namespace

class TestMlPropsGuidance : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_data = path("crystens");
        test::buildTinyEncoding(m_data);
        m_diffusion = path("ddpm");
        TrainingControl control;
        NullProgressSink null;
        QVERIFY(trainDiffusion(tinyDiffusion(m_data), m_diffusion, false, control, null).finished);
        // A guide of two epochs on the run's own data: enough for the plumbing checks.
        m_tinyGuide = path("tiny-guide");
        std::stop_source cancel;
        QVERIFY(trainProps(guideConfig(m_diffusion), m_tinyGuide, false, cancel.get_token(), null)
                    .finished);
    }

    void guideRecordsTheRunsForwardProcess() {
        const PropsDataInfo info = readPropsDataInfo(m_tinyGuide);
        QCOMPARE(info.timesteps, 50);
        QCOMPARE(info.schedule, std::string("cosine"));
        QCOMPARE(info.diffusionRun, m_diffusion);
        const LoadedPropsRun loaded = loadPropsRun(m_tinyGuide, "best", torch::Device(torch::kCPU));
        QCOMPARE(loaded.config.dataDir, m_data);  // taken from the diffusion run
        // Clean-input prediction works on a guide (at step 0) and gives finite numbers.
        PropsPredictOptions options;
        options.device = "cpu";
        options.threads = 1;
        for (const PropsPrediction& p : predictProps(m_tinyGuide, {m_data}, options))
            QVERIFY(std::isfinite(p.values[0]));
    }

    void guideLearnsOnDiffusedInputs() {
        CW_REQUIRE_SHARED_DATA();
        const std::string mp = path("mp400");
        test::buildMpEncoding(mp, 400);
        PropsConfig c = guideConfig(m_diffusion);
        c.dataDir = mp;  // another data set of the run's kind and shape
        c.epochs = 30;
        c.batchSize = 32;
        c.learningRate = 2e-3;
        m_guide = path("guide");
        std::stop_source cancel;
        EpochLosses losses;
        QVERIFY(trainProps(c, m_guide, false, cancel.get_token(), losses).finished);
        QCOMPARE(losses.trainLosses.size(), std::size_t{30});
        // In standardised units the training mean scores 1; noise hides the density at large t,
        // so the loss stays well above 0.
        const double first = mean(losses.trainLosses, 0, 3), last = mean(losses.trainLosses, 27, 30);
        qInfo("guide training loss %.3f (epochs 1-3) -> %.3f (epochs 28-30)", first, last);
        QVERIFY2(last < 0.9 * first && last < 0.92, qPrintable(QString("%1 -> %2").arg(first).arg(last)));
    }

    void guidanceMovesThePredictedDensity() {
        if (m_guide.empty()) QSKIP("needs the guide trained on the shared MP data");
        NullProgressSink null;
        SampleRequest plain = sampleRequest();
        sampleFromRun(m_diffusion, plain, path("unguided"), null);
        auto guidedToward = [&](double density, const std::string& dir) {
            SampleRequest guided = sampleRequest();
            guided.guideRun = m_guide;
            guided.guideTargets = {{"density", density}};
            guided.guideScale = 300.0;
            sampleFromRun(m_diffusion, guided, path(dir), null);
        };
        guidedToward(20.0, "dense");
        guidedToward(1.0, "light");

        // The guide's prediction on the finished samples (clean: t = 0).
        LoadedPropsRun guide = loadPropsRun(m_guide, "best", torch::Device(torch::kCPU));
        torch::NoGradGuard noGrad;
        auto predicted = [&](const std::string& dir) {
            std::vector<float> values = samplesIn(path(dir));
            const torch::Tensor x = torch::from_blob(values.data(), {8, 4, 64, 64}, torch::kFloat32) * 2.0 - 1.0;
            const torch::Tensor z = guide.model->forward(x).to(torch::kFloat64).contiguous();
            double sum = 0;
            for (std::int64_t i = 0; i < 8; ++i) sum += guide.info.scaler.inverse(0, z[i][0].item<double>());
            return sum / 8;
        };
        const double unguided = predicted("unguided"), dense = predicted("dense"), light = predicted("light");
        qInfo("mean predicted density (g/cm3): unguided %.3f, toward 20 %.3f, toward 1 %.3f", unguided, dense, light);
        QVERIFY2(dense > unguided, qPrintable(QString("%1 vs %2").arg(dense).arg(unguided)));
        QVERIFY2(light < unguided, qPrintable(QString("%1 vs %2").arg(light).arg(unguided)));
    }

    void scaleZeroChangesNothing() {
        NullProgressSink null;
        SampleRequest plain = sampleRequest();
        sampleFromRun(m_diffusion, plain, path("plain"), null);
        SampleRequest zero = sampleRequest();
        zero.guideRun = m_tinyGuide;
        zero.guideTargets = {{"density", 20.0}};
        zero.guideScale = 0.0;
        sampleFromRun(m_diffusion, zero, path("zero"), null);
        QVERIFY(samplesIn(path("plain")) == samplesIn(path("zero")));
        // A small scale does change them: the guide is wired in.
        SampleRequest some = zero;
        some.guideScale = 1.0;
        sampleFromRun(m_diffusion, some, path("some"), null);
        QVERIFY(samplesIn(path("plain")) != samplesIn(path("some")));
    }

    void mismatchesFailClearly() {
        NullProgressSink null;
        auto messageOf = [&](const SampleRequest& r) {
            try {
                sampleFromRun(m_diffusion, r, path("never"), null);
            } catch (const ConfigError& e) {
                return QString(e.what());
            }
            return QString();
        };
        SampleRequest r = sampleRequest();
        r.guideRun = m_tinyGuide;
        r.guideTargets = {{"band_gap", 1.0}};
        r.guideScale = 1.0;
        const QString unknown = messageOf(r);
        QVERIFY2(unknown.contains("band_gap") && unknown.contains("density"), qPrintable(unknown));
        r.guideTargets.clear();
        QVERIFY(messageOf(r).contains("--guide-target"));
        r = sampleRequest();
        r.guideScale = 2.0;
        QVERIFY(messageOf(r).contains("--guide"));

        // A clean-input props run is no guide.
        const std::string clean = path("clean");
        PropsConfig c = guideConfig("");
        c.dataDir = m_data;
        c.epochs = 1;
        std::stop_source cancel;
        QVERIFY(trainProps(c, clean, false, cancel.get_token(), null).finished);
        r = sampleRequest();
        r.guideRun = clean;
        r.guideTargets = {{"density", 5.0}};
        r.guideScale = 1.0;
        QVERIFY(messageOf(r).contains("--noisy-for"));

        // A guide must learn the diffusion run's kind of images.
        const std::string xtal = path("xtal2png");
        test::buildTinyEncoding(xtal, DatasetEncoding::Xtal2Png);
        PropsConfig wrongData = guideConfig(m_diffusion);
        wrongData.dataDir = xtal;
        QString message;
        try {
            trainProps(wrongData, path("wrong-data"), false, cancel.get_token(), null);
        } catch (const ConfigError& e) {
            message = e.what();
        }
        QVERIFY2(message.contains("xtal2png") && message.contains("crystens"), qPrintable(message));
        QVERIFY_THROWS_EXCEPTION(
            ConfigError, trainProps(guideConfig(path("no-run")), path("no-run-guide"), false,
                                    cancel.get_token(), null));

        QVERIFY_THROWS_EXCEPTION(ConfigError, parseGuideTargets("density"));
        QVERIFY_THROWS_EXCEPTION(ConfigError, parseGuideTargets("density=high"));
        QVERIFY_THROWS_EXCEPTION(ConfigError, parseGuideTargets("density=1,density=2"));
        QCOMPARE(parseGuideTargets(" band_gap = 2.5 , density=3"),
                 (std::vector<std::pair<std::string, double>>{{"band_gap", 2.5}, {"density", 3.0}}));
    }

private:
    std::string path(const std::string& name) const { return m_tmp.filePath(QString::fromStdString(name)).toStdString(); }

    QTemporaryDir m_tmp;
    std::string m_data, m_diffusion, m_tinyGuide, m_guide;
};

QTEST_APPLESS_MAIN(TestMlPropsGuidance)
#include "test_ml_props_guidance.moc"
