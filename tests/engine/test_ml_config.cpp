// The torch-free parts of the diffusion models: noise schedules against their closed forms and
// against values from an independent Python re-implementation, and the UNet and diffusion
// configs (validation, JSON round trips, unknown keys).
#include <QtTest>

#include <cmath>
#include <string>

#include "core/error.h"
#include "error_text.h"
#include "ml/diffusion/diffusion_config.h"
#include "ml/diffusion/schedule.h"
#include "ml/diffusion/unet_config.h"

using namespace cw::ml;

using cw::test::contains;
using cw::test::errorOf;

namespace {

// Nichol & Dhariwal's f(t), written out again here rather than taken from the engine.
double cosineF(double t) {
    const double c = std::cos((t + 0.008) / 1.008 * M_PI / 2.0);
    return c * c;
}

}  // namespace

class TestMlConfig : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void linearIsTheProductOfItsBetas() {
        for (int steps : {50, 1000}) {
            const NoiseSchedule s = makeSchedule(ScheduleKind::Linear, steps);
            QCOMPARE(s.steps(), steps);
            const double scale = 1000.0 / steps;
            long double product = 1.0L;
            for (int t = 0; t < steps; ++t) {
                const double beta = scale * (1e-4 + (0.02 - 1e-4) * t / (steps - 1));
                QVERIFY(std::fabs(s.betas[t] - beta) < 1e-15);
                product *= 1.0L - static_cast<long double>(beta);
                QVERIFY2(std::fabs(s.alphasCumprod[t] - static_cast<double>(product)) < 1e-12,
                         qPrintable(QString("T %1 t %2").arg(steps).arg(t)));
            }
        }
    }
    void linearMatchesReferenceValues() {
        // Python (math only): b = [1e-4 + (0.02 - 1e-4) * i / 999 for i in range(1000)], cumprod.
        const NoiseSchedule s = makeSchedule(ScheduleKind::Linear, 1000);
        QVERIFY(std::fabs(s.alphasCumprod[0] - 0.9999) < 1e-12);
        QVERIFY(std::fabs(s.alphasCumprod[249] - 0.5240853738253606) < 1e-12);
        QVERIFY(std::fabs(s.alphasCumprod[499] - 0.07858724288177821) < 1e-12);
        QVERIFY(std::fabs(s.alphasCumprod[999] - 4.0358297653756754e-05) < 1e-15);
        // T = 50: β from 0.002 to 0.4.
        const NoiseSchedule s50 = makeSchedule(ScheduleKind::Linear, 50);
        QVERIFY(std::fabs(s50.alphasCumprod[24] - 0.06908898306207267) < 1e-12);
        QVERIFY(std::fabs(s50.alphasCumprod[49] - 7.74476569922673e-06) < 1e-15);
    }
    void cosineMatchesItsClosedForm() {
        for (double t : {0.0, 0.1, 0.5, 0.9}) {
            QVERIFY(std::fabs(cosineAlphaBar(t) - cosineF(t) / cosineF(0.0)) < 1e-14);
        }
        const int steps = 1000;
        const NoiseSchedule s = makeSchedule(ScheduleKind::Cosine, steps);
        int clipped = 0;
        for (int t = 0; t < steps; ++t) {
            if (s.betas[t] >= 0.999) {
                ++clipped;
                continue;
            }
            if (clipped == 0) {
                // alphasCumprod[t] is ᾱ at the end of step t, i.e. f((t+1)/T)/f(0).
                const double expected = cosineF((t + 1.0) / steps) / cosineF(0.0);
                QVERIFY2(
                    std::fabs(s.alphasCumprod[t] - expected) < 1e-6,
                    qPrintable(
                        QString("t %1: %2 vs %3").arg(t).arg(s.alphasCumprod[t]).arg(expected)));
            }
        }
        QCOMPARE(clipped, 1);  // only the last step, where f(1) ≈ 0
        QCOMPARE(s.betas.back(), 0.999);
        // Python reference of improved-diffusion's betas_for_alpha_bar (math only).
        QVERIFY(std::fabs(s.betas[0] - 4.128422482196914e-05) < 1e-15);
        QVERIFY(std::fabs(s.alphasCumprod[249] - 0.847012161326905) < 1e-12);
        QVERIFY(std::fabs(s.alphasCumprod[499] - 0.4938435904406382) < 1e-12);
        QVERIFY(std::fabs(s.alphasCumprod[899] - 0.02409172414008589) < 1e-12);
    }
    void sigmoidMatchesItsClosedForm() {
        const auto sigmoid = [](double x) { return 1.0 / (1.0 + std::exp(-x)); };
        const double vStart = sigmoid(-3.0), vEnd = sigmoid(3.0);
        for (double t : {0.0, 0.25, 0.5, 0.75, 1.0}) {
            const double expected = (vEnd - sigmoid(t * 6.0 - 3.0)) / (vEnd - vStart);
            QVERIFY(std::fabs(sigmoidAlphaBar(t) - expected) < 1e-14);
        }
        QVERIFY(std::fabs(sigmoidAlphaBar(0.5) - 0.5) < 1e-14);  // the sigmoid's symmetry
        const int steps = 1000;
        const NoiseSchedule s = makeSchedule(ScheduleKind::Sigmoid, steps);
        for (int t = 0; t + 1 < steps; ++t) {
            QVERIFY(std::fabs(s.alphasCumprod[t] - sigmoidAlphaBar((t + 1.0) / steps)) < 1e-6);
        }
        QCOMPARE(s.betas.back(), 0.999);  // ᾱ(1) = 0
        // Python reference of denoising-diffusion-pytorch's sigmoid_beta_schedule (math only).
        QVERIFY(std::fabs(s.betas[0] - 0.00030027919974917605) < 1e-15);
        QVERIFY(std::fabs(s.betas[499] - 0.00330341551362634) < 1e-14);
        QVERIFY(std::fabs(s.alphasCumprod[249] - 0.8508535479296672) < 1e-12);
        QVERIFY(std::fabs(s.alphasCumprod[499] - 0.5) < 1e-12);
        QVERIFY(std::fabs(s.alphasCumprod[899] - 0.039492782726376345) < 1e-12);
    }
    void betasInRangeAndAlphaBarDecreasing() {
        for (auto kind : {ScheduleKind::Linear, ScheduleKind::Cosine, ScheduleKind::Sigmoid}) {
            for (int steps : {1, 2, 10, 50, 1000}) {
                const NoiseSchedule s = makeSchedule(kind, steps);
                QCOMPARE(s.kind, kind);
                QCOMPARE(int(s.alphasCumprod.size()), steps);
                double previous = 1.0;
                for (int t = 0; t < steps; ++t) {
                    QVERIFY(s.betas[t] > 0.0 && s.betas[t] <= 0.999);
                    QVERIFY(s.alphasCumprod[t] < previous);
                    QVERIFY(s.alphasCumprod[t] > 0.0);
                    previous = s.alphasCumprod[t];
                }
            }
        }
        // Short linear chains clip the scaled end β (0.02·1000/10 = 2) to 0.999.
        QCOMPARE(makeSchedule(ScheduleKind::Linear, 10).betas.back(), 0.999);
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, makeSchedule(ScheduleKind::Linear, 0));
    }
    void namesRoundTrip() {
        for (auto kind : {ScheduleKind::Linear, ScheduleKind::Cosine, ScheduleKind::Sigmoid}) {
            QCOMPARE(parseSchedule(scheduleName(kind)), kind);
        }
        for (auto p : {Prediction::Epsilon, Prediction::X0, Prediction::V}) {
            QCOMPARE(parsePrediction(predictionName(p)), p);
        }
        for (auto c : {Clipping::None, Clipping::Static, Clipping::Dynamic}) {
            QCOMPARE(parseClipping(clippingName(c)), c);
        }
        for (auto k : {SamplerKind::Ddpm, SamplerKind::Ddim})
            QCOMPARE(parseSampler(samplerName(k)), k);
        for (auto c : {Conditioning::None, Conditioning::Class, Conditioning::Vector}) {
            QCOMPARE(parseConditioning(conditioningName(c)), c);
        }
        QCOMPARE(QString(predictionName(Prediction::Epsilon)), QString("eps"));
        QVERIFY(contains(errorOf<cw::ConfigError>([] { parseSchedule("quadratic"); }), "quadratic"));
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, parsePrediction("epsilon"));
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, parseClipping("hard"));
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, parseSampler("euler"));
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, parseConditioning("text"));
    }
    void unetValidation() {
        UNetConfig c;
        c.validate();      // the defaults: 64², mults 1,2,4
        c.imageSize = 48;  // 48 / 2² = 12
        c.validate();
        for (int size : {30, 300, 34}) {
            c.imageSize = size;
            QVERIFY2(contains(errorOf<cw::ConfigError>([&] { c.validate(); }), "image_size"),
                     qPrintable(QString::number(size)));
        }
        c = UNetConfig{};
        c.imageSize = 256;
        c.channelMults = {1, 1, 2, 2, 4, 4};  // 256 / 2⁵ = 8
        c.validate();
        c.imageSize = 32;
        c.channelMults = {1, 2, 2, 2, 4, 4, 4};  // 32 / 2⁶ is not whole
        QVERIFY(contains(errorOf<cw::ConfigError>([&] { c.validate(); }), "image_size"));

        const auto errorFor = [](auto change) {
            UNetConfig config;
            change(config);
            return errorOf<cw::ConfigError>([&] { config.validate(); });
        };
        QVERIFY(contains(errorFor([](UNetConfig& x) { x.channelMults = {}; }), "channel_mults"));
        QVERIFY(contains(errorFor([](UNetConfig& x) {
                             x.channelMults = {1, 0};
                         }),
                         "channel_mults"));
        QVERIFY(contains(errorFor([](UNetConfig& x) { x.inChannels = 0; }), "in_channels"));
        QVERIFY(contains(errorFor([](UNetConfig& x) { x.baseChannels = 0; }), "base_channels"));
        QVERIFY(contains(errorFor([](UNetConfig& x) { x.resBlocksPerLevel = 0; }),
                         "res_blocks_per_level"));
        QVERIFY(contains(errorFor([](UNetConfig& x) { x.dropout = 1.0; }), "dropout"));
        QVERIFY(contains(errorFor([](UNetConfig& x) { x.attentionResolutions = {0}; }),
                         "attention_resolutions"));
        // 10 × 3 = 30 channels in the middle block cannot split into 4 heads.
        QVERIFY(contains(errorFor([](UNetConfig& x) {
                             x.baseChannels = 10;
                             x.channelMults = {1, 2, 3};
                         }),
                         "attention_heads"));
        QVERIFY(contains(errorFor([](UNetConfig& x) { x.conditioning = Conditioning::Class; }),
                         "classes"));
        QVERIFY(contains(errorFor([](UNetConfig& x) { x.conditioning = Conditioning::Vector; }),
                         "condition_dim"));
        // An attention size that no level has is allowed (and ignored).
        QVERIFY(errorFor([](UNetConfig& x) { x.attentionResolutions = {7}; }).empty());
    }
    void unetJsonRoundTrip() {
        UNetConfig c;
        c.inChannels = 4;
        c.imageSize = 32;
        c.baseChannels = 48;
        c.channelMults = {1, 2, 3, 4};
        c.resBlocksPerLevel = 3;
        c.attentionResolutions = {8, 4};
        c.attentionHeads = 8;
        c.dropout = 0.125;
        c.conditioning = Conditioning::Class;
        c.classes = 230;
        c.conditionDim = 0;
        const std::string text = unetConfigToJson(c);
        QVERIFY(contains(text, "\"channel_mults\""));
        const UNetConfig r = unetConfigFromJson(text);
        QCOMPARE(r.inChannels, c.inChannels);
        QCOMPARE(r.imageSize, c.imageSize);
        QCOMPARE(r.baseChannels, c.baseChannels);
        QVERIFY(r.channelMults == c.channelMults);
        QCOMPARE(r.resBlocksPerLevel, c.resBlocksPerLevel);
        QVERIFY(r.attentionResolutions == c.attentionResolutions);
        QCOMPARE(r.attentionHeads, c.attentionHeads);
        QCOMPARE(r.dropout, c.dropout);
        QCOMPARE(r.conditioning, c.conditioning);
        QCOMPARE(r.classes, c.classes);
        QCOMPARE(r.conditionDim, c.conditionDim);
        QCOMPARE(unetConfigToJson(r), text);

        // Missing keys keep the base's values.
        const UNetConfig partial = unetConfigFromJson(R"({"image_size": 128})", c);
        QCOMPARE(partial.imageSize, 128);
        QCOMPARE(partial.baseChannels, 48);
        QCOMPARE(unetConfigFromJson("{}").baseChannels, UNetConfig{}.baseChannels);
    }
    void unetJsonErrorsNameTheKey() {
        QVERIFY(contains(errorOf<cw::ConfigError>([] { unetConfigFromJson(R"({"base_channel": 32})"); }),
                         "'base_channel'"));
        QVERIFY(contains(errorOf<cw::ConfigError>([] { unetConfigFromJson(R"({"image_size": "64"})"); }),
                         "image_size"));
        QVERIFY(contains(errorOf<cw::ConfigError>([] { unetConfigFromJson(R"({"image_size": 64.5})"); }),
                         "image_size"));
        QVERIFY(
            contains(errorOf<cw::ConfigError>([] { unetConfigFromJson(R"({"channel_mults": [1, 2.5]})"); }),
                     "channel_mults"));
        QVERIFY(contains(errorOf<cw::ConfigError>([] { unetConfigFromJson(R"({"channel_mults": 4})"); }),
                         "channel_mults"));
        QVERIFY(contains(errorOf<cw::ConfigError>([] { unetConfigFromJson(R"({"classes": 3000000000})"); }),
                         "classes"));
        QVERIFY(contains(errorOf<cw::ConfigError>([] { unetConfigFromJson(R"({"conditioning": "text"})"); }),
                         "text"));
        QVERIFY(!errorOf<cw::ConfigError>([] { unetConfigFromJson("[1, 2]"); }).empty());
        QVERIFY(!errorOf<cw::ConfigError>([] { unetConfigFromJson("{not json"); }).empty());
    }
    void parseIntLists() {
        QVERIFY(parseIntList("1,2,4", "--mults") == std::vector<int>({1, 2, 4}));
        QVERIFY(parseIntList(" 16 , 8 ", "--attention") == std::vector<int>({16, 8}));
        QVERIFY(parseIntList("", "--attention").empty());
        QVERIFY(parseIntList("32", "--attention") == std::vector<int>({32}));
        for (const char* bad : {"1,,2", "1,x", "1.5", "1,2,", ",1", "4 4"}) {
            QVERIFY2(contains(errorOf<cw::ConfigError>([&] { parseIntList(bad, "--mults"); }), "--mults"),
                     bad);
        }
    }
    void diffusionJson() {
        DiffusionConfig c;
        c.timesteps = 250;
        c.schedule = ScheduleKind::Sigmoid;
        c.prediction = Prediction::V;
        c.minSnrGamma = 5.0;
        const std::string text = diffusionConfigToJson(c);
        const DiffusionConfig r = diffusionConfigFromJson(text);
        QCOMPARE(r.timesteps, 250);
        QCOMPARE(r.schedule, ScheduleKind::Sigmoid);
        QCOMPARE(r.prediction, Prediction::V);
        QCOMPARE(r.minSnrGamma, 5.0);
        QCOMPARE(diffusionConfigToJson(r), text);
        QCOMPARE(diffusionConfigFromJson(R"({"schedule": "cosine"})", c).timesteps, 250);
        QCOMPARE(diffusionConfigFromJson(R"({"schedule": "cosine"})").timesteps, 1000);
        QVERIFY(contains(errorOf<cw::ConfigError>([] { diffusionConfigFromJson(R"({"timestep": 10})"); }),
                         "'timestep'"));
        QVERIFY(contains(errorOf<cw::ConfigError>([] { diffusionConfigFromJson(R"({"prediction": "y"})"); }),
                         "'y'"));
        QVERIFY(
            contains(errorOf<cw::ConfigError>([] { diffusionConfigFromJson(R"({"min_snr_gamma": "5"})"); }),
                     "min_snr_gamma"));
        c.validate();
        c.timesteps = 0;
        QVERIFY(contains(errorOf<cw::ConfigError>([&] { c.validate(); }), "timesteps"));
        c.timesteps = 10;
        c.minSnrGamma = -1.0;
        QVERIFY(contains(errorOf<cw::ConfigError>([&] { c.validate(); }), "min_snr_gamma"));
    }
};

QTEST_APPLESS_MAIN(TestMlConfig)
#include "test_ml_config.moc"
