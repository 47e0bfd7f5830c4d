// Gaussian diffusion on CPU with a tiny UNet and T = 50: the forward process against its formula,
// the prediction targets and min-SNR weights, the loss against a recomputation from the same
// random draws, and the DDPM / DDIM samplers (shapes, ranges, seeding, guidance, cancellation).
#include <QtTest>
#include <stop_token>

#include <cmath>

#include "core/error.h"
#include "ml/diffusion/diffusion.h"

using namespace cw::ml;

namespace {

UNetConfig tinyConfig(Conditioning conditioning = Conditioning::None) {
    UNetConfig c;
    c.inChannels = 1;
    c.imageSize = 32;
    c.baseChannels = 8;
    c.channelMults = {1, 2};
    c.resBlocksPerLevel = 1;
    c.attentionResolutions = {16};
    c.attentionHeads = 2;
    c.conditioning = conditioning;
    c.classes = conditioning == Conditioning::Class ? 3 : 0;
    return c;
}

DiffusionConfig smallDiffusion(Prediction prediction = Prediction::Epsilon,
                               ScheduleKind schedule = ScheduleKind::Linear) {
    DiffusionConfig d;
    d.timesteps = 50;
    d.schedule = schedule;
    d.prediction = prediction;
    return d;
}

// A model whose output depends on its input (the output convolution starts at zero).
UNet tinyModel(Conditioning conditioning = Conditioning::None) {
    torch::manual_seed(1);
    UNet model(tinyConfig(conditioning));
    torch::NoGradGuard noGrad;
    for (auto& item : model->named_parameters()) {
        if (item.key().rfind("out.", 0) == 0) item.value().normal_(0.0, 0.1);
    }
    return model;
}

// A model that outputs `value` everywhere whatever its input: all output weights zero, bias set.
UNet constantModel(float value) {
    UNet model(tinyConfig());
    torch::NoGradGuard noGrad;
    for (auto& item : model->named_parameters()) {
        if (item.key() == "out.bias") item.value().fill_(value);
    }
    return model;
}

SamplerOptions ddim(int steps, double eta, std::uint64_t seed) {
    SamplerOptions o;
    o.kind = SamplerKind::Ddim;
    o.samplingSteps = steps;
    o.eta = eta;
    o.seed = seed;
    return o;
}

}  // namespace

class TestMlDiffusion : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void qSampleEqualsTheFormula() {
        const GaussianDiffusion diffusion(smallDiffusion());
        const auto x0 = torch::rand({3, 1, 4, 4}) * 2 - 1;
        const auto noise = torch::randn({3, 1, 4, 4});
        const std::vector<int> steps{0, 10, 49};
        const auto xt = diffusion.qSample(x0, torch::tensor({0, 10, 49}, torch::kInt64), noise);
        for (int i = 0; i < 3; ++i) {
            const double ab = diffusion.schedule().alphasCumprod[steps[i]];
            const auto expected = std::sqrt(ab) * x0[i] + std::sqrt(1.0 - ab) * noise[i];
            QVERIFY(torch::allclose(xt[i], expected, 1e-6, 1e-6));
        }
        // ᾱ_0 = 1 − β_0 = 0.998 for T = 50: almost the clean image.
        QVERIFY((xt[0] - x0[0]).abs().max().item<float>() < 0.2f);
    }

    void targetsInvertAndMatchTheirDefinitions() {
        const auto x0 = torch::rand({4, 1, 3, 3}) * 2 - 1;
        const auto noise = torch::randn({4, 1, 3, 3});
        const auto ab = torch::tensor({0.999f, 0.7f, 0.2f, 0.01f}).reshape({4, 1, 1, 1});
        const auto xt = ab.sqrt() * x0 + (1 - ab).sqrt() * noise;
        QVERIFY(torch::equal(predictionTarget(Prediction::Epsilon, x0, noise, ab), noise));
        QVERIFY(torch::equal(predictionTarget(Prediction::X0, x0, noise, ab), x0));
        const auto v = predictionTarget(Prediction::V, x0, noise, ab);
        QVERIFY(torch::allclose(v, ab.sqrt() * noise - (1 - ab).sqrt() * x0));
        for (auto p : {Prediction::Epsilon, Prediction::X0, Prediction::V}) {
            const auto [eps, x0Back] = epsilonAndX0(p, predictionTarget(p, x0, noise, ab), xt, ab);
            QVERIFY2(torch::allclose(eps, noise, 1e-4, 1e-4), predictionName(p));
            QVERIFY2(torch::allclose(x0Back, x0, 1e-4, 1e-4), predictionName(p));
        }
    }

    void minSnrWeights() {
        const auto ab = torch::tensor({0.5, 0.9, 0.1}, torch::kFloat64);  // SNR 1, 9, 1/9
        const auto check = [&](Prediction p, std::vector<double> expected) {
            const auto w = minSnrWeight(p, ab, 5.0);
            for (int i = 0; i < 3; ++i) {
                QVERIFY2(std::fabs(w[i].item<double>() - expected[i]) < 1e-12, predictionName(p));
            }
        };
        check(Prediction::Epsilon, {1.0, 5.0 / 9.0, 1.0});
        check(Prediction::X0, {1.0, 5.0, 1.0 / 9.0});
        check(Prediction::V, {0.5, 0.5, (1.0 / 9.0) / (10.0 / 9.0)});
        QVERIFY(torch::equal(minSnrWeight(Prediction::V, ab, 0.0), torch::ones_like(ab)));
    }

    void lossMatchesARecomputationFromTheSameDraws_data() {
        QTest::addColumn<int>("prediction");
        QTest::addColumn<double>("gamma");
        QTest::newRow("eps") << int(Prediction::Epsilon) << 0.0;
        QTest::newRow("x0") << int(Prediction::X0) << 0.0;
        QTest::newRow("v") << int(Prediction::V) << 0.0;
        QTest::newRow("eps min-snr") << int(Prediction::Epsilon) << 5.0;
        QTest::newRow("x0 min-snr") << int(Prediction::X0) << 5.0;
        QTest::newRow("v min-snr") << int(Prediction::V) << 5.0;
    }
    void lossMatchesARecomputationFromTheSameDraws() {
        QFETCH(int, prediction);
        QFETCH(double, gamma);
        DiffusionConfig config = smallDiffusion(Prediction(prediction), ScheduleKind::Cosine);
        config.minSnrGamma = gamma;
        const GaussianDiffusion diffusion(config);
        UNet model = tinyModel();
        const auto x0 = torch::rand({4, 1, 32, 32}) * 2 - 1;

        torch::manual_seed(123);
        const auto loss = diffusion.loss(model, x0, {});
        QCOMPARE(loss.dim(), 0);
        QVERIFY(std::isfinite(loss.item<double>()));
        QVERIFY(loss.requires_grad());

        // The documented draws: t then ε from the global generator.
        torch::manual_seed(123);
        const auto t = torch::randint(0, 50, {4}, torch::kInt64);
        const auto noise = torch::randn_like(x0);
        const auto& ac = diffusion.schedule().alphasCumprod;
        std::vector<double> abValues;
        for (int i = 0; i < 4; ++i) abValues.push_back(ac[t[i].item<std::int64_t>()]);
        const auto ab = torch::tensor(abValues, torch::kFloat64);
        const auto a = ab.to(torch::kFloat32).reshape({4, 1, 1, 1});
        const auto xt = a.sqrt() * x0 + (1 - a).sqrt() * noise;
        const auto out = model->forward(xt, t);
        torch::Tensor target = noise;
        if (Prediction(prediction) == Prediction::X0) target = x0;
        if (Prediction(prediction) == Prediction::V)
            target = a.sqrt() * noise - (1 - a).sqrt() * x0;
        auto perSample = (out - target).pow(2).mean({1, 2, 3}).to(torch::kFloat64);
        if (gamma > 0) {
            const auto snr = ab / (1 - ab);
            auto w = torch::clamp_max(snr, gamma);
            if (Prediction(prediction) == Prediction::Epsilon) w = w / snr;
            if (Prediction(prediction) == Prediction::V) w = w / (snr + 1);
            perSample = perSample * w;
        }
        const double expected = perSample.mean().item<double>();
        QVERIFY2(std::fabs(loss.item<double>() - expected) <= 1e-5 * std::fabs(expected),
                 qPrintable(QString("%1 vs %2").arg(loss.item<double>()).arg(expected)));

        loss.backward();
        for (const auto& p : model->parameters()) QVERIFY(p.grad().defined());
    }

    void lossWithConditionAndErrors() {
        const GaussianDiffusion diffusion(smallDiffusion());
        UNet model = tinyModel(Conditioning::Class);
        Condition condition;
        condition.classes = torch::tensor({0, 1, 2}, torch::kInt64);
        condition.dropped = torch::tensor({false, true, false});
        const auto loss = diffusion.loss(model, torch::zeros({3, 1, 32, 32}), condition);
        QVERIFY(std::isfinite(loss.item<double>()));
        QVERIFY_THROWS_EXCEPTION(cw::ValueError,
                                 diffusion.loss(model, torch::zeros({3, 1, 16, 16}), condition));
        DiffusionConfig bad = smallDiffusion();
        bad.timesteps = 0;
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, GaussianDiffusion{bad});
    }

    void ddimTimestepsAreEvenlySpaced() {
        QVERIFY(ddimTimesteps(50, 1) == std::vector<int>{49});
        QVERIFY(ddimTimesteps(50, 2) == std::vector<int>({0, 49}));
        const auto ten = ddimTimesteps(1000, 10);
        QVERIFY(ten == std::vector<int>({0, 111, 222, 333, 444, 555, 666, 777, 888, 999}));
        const auto all = ddimTimesteps(50, 500);  // clamped to T
        QCOMPARE(int(all.size()), 50);
        for (int i = 0; i < 50; ++i) QCOMPARE(all[i], i);
    }

    void clipping() {
        const auto x0 = torch::tensor({0.5f, -3.0f, 2.0f, 0.1f}).reshape({1, 1, 2, 2});
        QVERIFY(torch::equal(clipPredictedX0(x0, Clipping::None, 0.9), x0));
        QVERIFY(torch::equal(clipPredictedX0(x0, Clipping::Static, 0.9),
                             torch::tensor({0.5f, -1.0f, 1.0f, 0.1f}).reshape({1, 1, 2, 2})));
        // p = 1: s = max |x₀| = 3, so x₀/3; p = 0.5: s = max(1, 0.5) = 1, a plain clamp.
        QVERIFY(torch::allclose(clipPredictedX0(x0, Clipping::Dynamic, 1.0), x0 / 3.0));
        QVERIFY(torch::equal(clipPredictedX0(x0, Clipping::Dynamic, 0.5),
                             clipPredictedX0(x0, Clipping::Static, 0.5)));
        // Per sample: a second, small sample keeps its values.
        const auto two = torch::cat({x0, x0 * 0.1});
        const auto clipped = clipPredictedX0(two, Clipping::Dynamic, 1.0);
        QVERIFY(torch::allclose(clipped[1], x0[0] * 0.1));
    }

    void samplersReturnTheModelsCleanImage() {
        // A model that predicts x₀ = 0.3 everywhere: both samplers' last step lands on it.
        const GaussianDiffusion diffusion(smallDiffusion(Prediction::X0));
        UNet model = constantModel(0.3f);
        SamplerOptions ddpm;
        ddpm.kind = SamplerKind::Ddpm;
        for (const auto& options : {ddpm, ddim(10, 0.0, 1), ddim(1, 0.0, 1), ddim(7, 1.0, 2)}) {
            const auto x = diffusion.sample(model, 2, options);
            QVERIFY(torch::allclose(x, torch::full_like(x, 0.3f), 1e-5, 1e-5));
        }
    }

    void samplerShapesRangesAndSeeds() {
        const GaussianDiffusion diffusion(smallDiffusion());
        UNet model = tinyModel();
        model->train();
        SamplerOptions ddpm;
        ddpm.kind = SamplerKind::Ddpm;
        ddpm.seed = 5;
        int calls = 0, lastDone = 0, lastTotal = 0;
        const auto x = diffusion.sample(model, 3, ddpm, {}, [&](int done, int total) {
            ++calls;
            lastDone = done;
            lastTotal = total;
            return true;
        });
        QCOMPARE(x.sizes().vec(), std::vector<std::int64_t>({3, 1, 32, 32}));
        QVERIFY(x.min().item<float>() >= -1.0f && x.max().item<float>() <= 1.0f);
        QCOMPARE(calls, 50);
        QCOMPARE(lastDone, 50);
        QCOMPARE(lastTotal, 50);
        QVERIFY(model->is_training());  // the sampler restores the mode it found
        QVERIFY(torch::equal(diffusion.sample(model, 3, ddpm), x));  // seeded

        for (int steps : {1, 10}) {
            const auto a = diffusion.sample(model, 2, ddim(steps, 0.0, 7));
            QCOMPARE(a.sizes().vec(), std::vector<std::int64_t>({2, 1, 32, 32}));
            QVERIFY(a.min().item<float>() >= -1.0f && a.max().item<float>() <= 1.0f);
            QVERIFY(torch::equal(diffusion.sample(model, 2, ddim(steps, 0.0, 7)), a));
            QVERIFY(!torch::equal(diffusion.sample(model, 2, ddim(steps, 0.0, 8)), a));
        }
        // η > 0 adds noise from the same seeded generator: reproducible, yet another path.
        const auto eta0 = diffusion.sample(model, 2, ddim(10, 0.0, 7));
        const auto eta1 = diffusion.sample(model, 2, ddim(10, 1.0, 7));
        QVERIFY(torch::equal(diffusion.sample(model, 2, ddim(10, 1.0, 7)), eta1));
        QVERIFY(!torch::allclose(eta0, eta1));
        // Different step counts take different paths.
        QVERIFY(!torch::allclose(eta0, diffusion.sample(model, 2, ddim(5, 0.0, 7))));
    }

    void samplingLeavesTheGlobalGeneratorAlone() {
        const GaussianDiffusion diffusion(smallDiffusion());
        UNet model = tinyModel();
        torch::manual_seed(99);
        const auto expected = torch::randn({4});
        torch::manual_seed(99);
        diffusion.sample(model, 1, ddim(3, 1.0, 1));
        QVERIFY(torch::equal(torch::randn({4}), expected));
    }

    void clippingModesAndPredictionsSample() {
        for (auto prediction : {Prediction::Epsilon, Prediction::X0, Prediction::V}) {
            const GaussianDiffusion diffusion(smallDiffusion(prediction, ScheduleKind::Sigmoid));
            UNet model = tinyModel();
            for (auto clipping : {Clipping::None, Clipping::Static, Clipping::Dynamic}) {
                SamplerOptions o = ddim(4, 0.5, 3);
                o.clipping = clipping;
                const auto x = diffusion.sample(model, 2, o);
                QVERIFY(torch::isfinite(x).all().item<bool>());
                QVERIFY(x.abs().max().item<float>() <= 1.0f);
            }
        }
    }

    void classifierFreeGuidance() {
        const GaussianDiffusion diffusion(smallDiffusion());
        UNet model = tinyModel(Conditioning::Class);
        Condition condition;
        condition.classes = torch::tensor({2}, torch::kInt64);  // one row, broadcast to all
        SamplerOptions o = ddim(5, 0.0, 4);
        const auto plain = diffusion.sample(model, 2, o, condition);
        o.guidanceScale = 3.0;
        const auto guided = diffusion.sample(model, 2, o, condition);
        QCOMPARE(guided.sizes().vec(), std::vector<std::int64_t>({2, 1, 32, 32}));
        QVERIFY(guided.abs().max().item<float>() <= 1.0f);
        QVERIFY(!torch::allclose(plain, guided));
        // Seeded: the same call gives the same samples.
        QVERIFY(torch::equal(diffusion.sample(model, 2, o, condition), guided));
        SamplerOptions ddpm = o;
        ddpm.kind = SamplerKind::Ddpm;
        QVERIFY(diffusion.sample(model, 1, ddpm, condition).defined());

        // Guidance needs something to guide with.
        UNet unconditional = tinyModel();
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, diffusion.sample(unconditional, 1, o, condition));
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, diffusion.sample(model, 1, o, {}));
        Condition wrongRows;
        wrongRows.classes = torch::tensor({0, 1, 2}, torch::kInt64);
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, diffusion.sample(model, 2, o, wrongRows));
    }

    // A model that predicts x₀ = 0.3 and a gradient g = 1 at the last step: DDIM lands on the
    // guided x̂₀ = 0.3 + S·(1−ᾱ₀)·g/√ᾱ₀ (the ε shift −S·√(1−ᾱ)·g turned into x̂₀).
    void classifierGuidanceFollowsTheFormula() {
        const GaussianDiffusion diffusion(smallDiffusion(Prediction::X0));
        UNet model = constantModel(0.3f);
        SamplerOptions o = ddim(10, 0.0, 3);
        o.clipping = Clipping::None;
        std::vector<std::int64_t> steps;
        ClassifierGuidance guidance;
        bool batchOfSteps = true;
        guidance.gradient = [&](const torch::Tensor& x, const torch::Tensor& t) {
            batchOfSteps = batchOfSteps && t.sizes().vec() == std::vector<std::int64_t>({2});
            steps.push_back(t[0].item<std::int64_t>());
            // Only at the last step: earlier pulls would carry x far out, where float32 rounding
            // of ε ↔ x̂₀ shows.
            return t[0].item<std::int64_t>() == 0 ? torch::ones_like(x) : torch::zeros_like(x);
        };
        guidance.scale = 10.0;
        const auto x = diffusion.sample(model, 2, o, {}, {}, guidance);
        const double alphaBar0 = diffusion.schedule().alphasCumprod[0];
        const double expected = 0.3 + guidance.scale * (1.0 - alphaBar0) / std::sqrt(alphaBar0);
        QVERIFY(torch::allclose(x, torch::full_like(x, expected), 1e-5, 1e-5));
        std::vector<int> ddimSteps = ddimTimesteps(50, 10);
        QCOMPARE(steps, std::vector<std::int64_t>(ddimSteps.rbegin(), ddimSteps.rend()));
        QVERIFY(batchOfSteps);

        // Scale 0: never called, the unguided samples bitwise.
        steps.clear();
        guidance.scale = 0.0;
        UNet varied = tinyModel();
        QVERIFY(torch::equal(diffusion.sample(varied, 2, o, {}, {}, guidance), diffusion.sample(varied, 2, o)));
        QVERIFY(steps.empty());
        guidance.scale = -1.0;
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, diffusion.sample(model, 1, o, {}, {}, guidance));
    }

    void cancellationReturnsUndefined() {
        const GaussianDiffusion diffusion(smallDiffusion());
        UNet model = tinyModel();
        for (auto kind : {SamplerKind::Ddpm, SamplerKind::Ddim}) {
            SamplerOptions o = ddim(10, 0.0, 0);
            o.kind = kind;
            int calls = 0;
            std::stop_source stop;  // requested at the third step's report
            const auto x = diffusion.sample(
                model, 1, o, {},
                [&](int, int) {
                    if (++calls == 3) stop.request_stop();
                },
                {}, stop.get_token());
            QVERIFY(!x.defined());
            QCOMPARE(calls, 3);
        }
    }

    void badSamplerOptions() {
        const GaussianDiffusion diffusion(smallDiffusion());
        UNet model = tinyModel();
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, diffusion.sample(model, 0, ddim(5, 0.0, 0)));
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, diffusion.sample(model, 1, ddim(0, 0.0, 0)));
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, diffusion.sample(model, 1, ddim(5, -1.0, 0)));
        SamplerOptions o = ddim(5, 0.0, 0);
        o.clipping = Clipping::Dynamic;
        o.dynamicPercentile = 1.5;
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, diffusion.sample(model, 1, o));
    }

    void cudaSamplingWhenAvailable() {
        if (!torch::cuda::is_available()) QSKIP("no CUDA device in this LibTorch build/machine");
        const GaussianDiffusion diffusion(smallDiffusion(Prediction::V));
        UNet model = tinyModel(Conditioning::Class);
        model->to(torch::kCUDA);
        Condition condition;
        condition.classes = torch::tensor({1}, torch::kInt64);
        const auto loss = diffusion.loss(model, torch::zeros({2, 1, 32, 32}, torch::kCUDA),
                                         {torch::tensor({0, 1}, torch::kInt64), {}, {}});
        QVERIFY(std::isfinite(loss.item<double>()));
        SamplerOptions o = ddim(5, 0.5, 3);
        o.guidanceScale = 2.0;
        o.clipping = Clipping::Dynamic;
        const auto a = diffusion.sample(model, 2, o, condition);
        QVERIFY(a.is_cuda());
        QVERIFY(torch::equal(a, diffusion.sample(model, 2, o, condition)));
    }
};

QTEST_APPLESS_MAIN(TestMlDiffusion)
#include "test_ml_diffusion.moc"
