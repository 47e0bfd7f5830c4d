// The diffusion UNet on CPU with tiny widths: shapes for 1 and 4 channels at 32–128 pixels, the
// parameter count of the documented layout, conditioning with the null embedding, and gradients
// reaching every parameter.
#include <QtTest>

#include "core/error.h"
#include "ml/diffusion/unet.h"

using namespace cw::ml;

namespace {

UNetConfig tinyConfig() {
    UNetConfig c;
    c.inChannels = 1;
    c.imageSize = 32;
    c.baseChannels = 8;
    c.channelMults = {1, 2};
    c.resBlocksPerLevel = 1;
    c.attentionResolutions = {16};
    c.attentionHeads = 2;
    return c;
}

// The output convolution starts at zero (so a fresh model outputs 0 everywhere); tests that
// need outputs depending on the input give it random weights.
void randomiseOutput(UNet& model) {
    torch::NoGradGuard noGrad;
    for (auto& item : model->named_parameters()) {
        if (item.key().rfind("out.", 0) == 0) item.value().normal_(0.0, 0.1);
    }
}

std::int64_t conv(std::int64_t k, std::int64_t in, std::int64_t out) {
    return k * k * in * out + out;
}
std::int64_t linear(std::int64_t in, std::int64_t out) {
    return in * out + out;
}
std::int64_t norm(std::int64_t c) {
    return 2 * c;
}

}  // namespace

class TestMlUnet : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::manual_seed(0); }

    void outputShapeEqualsInput_data() {
        QTest::addColumn<int>("channels");
        QTest::addColumn<int>("size");
        QTest::addColumn<int>("base");
        QTest::addColumn<QString>("mults");
        QTest::newRow("slice 32") << 1 << 32 << 8 << "1,2";
        QTest::newRow("crystens 64") << 4 << 64 << 8 << "1,2,2";
        QTest::newRow("slice 128") << 1 << 128 << 16 << "1,1,2,2";
    }
    void outputShapeEqualsInput() {
        QFETCH(int, channels);
        QFETCH(int, size);
        QFETCH(int, base);
        QFETCH(QString, mults);
        UNetConfig c;
        c.inChannels = channels;
        c.imageSize = size;
        c.baseChannels = base;
        c.channelMults = parseIntList(mults.toStdString(), "mults");
        c.resBlocksPerLevel = 1;
        c.attentionResolutions = {16};
        UNet model(c);
        randomiseOutput(model);
        const auto x = torch::randn({2, channels, size, size});
        const auto out = model->forward(x, torch::tensor({3, 700}, torch::kInt64));
        QCOMPARE(out.sizes().vec(), x.sizes().vec());
        QVERIFY(torch::isfinite(out).all().item<bool>());
        // Float steps are accepted too (the sinusoidal embedding is continuous).
        const auto outFloat = model->forward(x, torch::tensor({3.0f, 700.0f}));
        QVERIFY(torch::allclose(out, outFloat, 1e-5, 1e-6));
    }

    void freshModelOutputsZero() {
        UNet model(tinyConfig());
        const auto out = model->forward(torch::randn({2, 1, 32, 32}), torch::tensor({1, 2}));
        QCOMPARE(out.abs().max().item<float>(), 0.0f);
    }

    void parameterCountMatchesTheLayout() {
        // Written out from unet_config.h for base 8, mults 1,2, one block per level, attention
        // at 16 px: embedding width E = 32, skips [8 (input), 8, 8 (down-sampled), 16].
        const std::int64_t e = 32;
        const auto res = [&](std::int64_t in, std::int64_t out) {
            return norm(in) + conv(3, in, out) + linear(e, out) + norm(out) + conv(3, out, out) +
                   (in != out ? conv(1, in, out) : 0);
        };
        const auto attention = [](std::int64_t c) {
            return norm(c) + conv(1, c, 3 * c) + conv(1, c, c);
        };
        const std::int64_t time = linear(8, e) + linear(e, e);
        const std::int64_t down =
            conv(3, 1, 8) + res(8, 8) + conv(3, 8, 8) + res(8, 16) + attention(16);
        const std::int64_t middle = res(16, 16) + attention(16) + res(16, 16);
        const std::int64_t up = res(32, 16) + attention(16) + res(24, 16) + attention(16) +
                                conv(3, 16, 16) + res(24, 8) + res(16, 8);
        const std::int64_t out = norm(8) + conv(3, 8, 1);
        const std::int64_t expected = time + down + middle + up + out;

        UNetConfig c = tinyConfig();
        QCOMPARE(UNet(c)->parameterCount(), expected);
        c.conditioning = Conditioning::Class;
        c.classes = 3;
        QCOMPARE(UNet(c)->parameterCount(), expected + 4 * e);  // classes + the null row
        c.conditioning = Conditioning::Vector;
        c.conditionDim = 2;
        QCOMPARE(UNet(c)->parameterCount(), expected + linear(2, e) + linear(e, e) + e);
    }

    void invalidConfigAndInputsThrow() {
        UNetConfig c = tinyConfig();
        c.imageSize = 30;
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, UNet{c});
        UNet model(tinyConfig());
        const auto t = torch::tensor({1, 2});
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, model->forward(torch::randn({2, 2, 32, 32}), t));
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, model->forward(torch::randn({2, 1, 64, 64}), t));
        QVERIFY_THROWS_EXCEPTION(cw::ValueError,
                                 model->forward(torch::randn({2, 1, 32, 32}), torch::tensor({1})));
        // Labels for a model without class conditioning are a mistake, not silently ignored.
        QVERIFY_THROWS_EXCEPTION(
            cw::ValueError, model->forward(torch::randn({2, 1, 32, 32}), t, torch::tensor({0, 1})));
    }

    void classConditioningAndNullEmbedding() {
        UNetConfig c = tinyConfig();
        c.conditioning = Conditioning::Class;
        c.classes = 3;
        UNet model(c);
        randomiseOutput(model);
        model->eval();
        torch::NoGradGuard noGrad;
        const auto x = torch::randn({2, 1, 32, 32});
        const auto t = torch::tensor({5, 5});
        const auto a = model->forward(x, t, torch::tensor({0, 0}));
        const auto b = model->forward(x, t, torch::tensor({2, 2}));
        QVERIFY(!torch::allclose(a, b));  // the class matters
        const auto none = torch::zeros({2}, torch::kBool);
        QVERIFY(torch::equal(model->forward(x, t, torch::tensor({0, 0}), {}, none), a));
        // Dropping selects the null row: equal to no labels at all, different from the class.
        const auto dropped = torch::tensor({true, false});
        const auto d = model->forward(x, t, torch::tensor({0, 0}), {}, dropped);
        const auto unconditional = model->forward(x, t);
        QVERIFY(torch::allclose(d[0], unconditional[0]));
        QVERIFY(!torch::allclose(d[0], a[0]));
        QVERIFY(torch::allclose(d[1], a[1]));
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, model->forward(x, t, torch::tensor({0, 3})));
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, model->forward(x, t, {}, torch::randn({2, 2})));
    }

    void vectorConditioningAndNullEmbedding() {
        UNetConfig c = tinyConfig();
        c.conditioning = Conditioning::Vector;
        c.conditionDim = 2;
        UNet model(c);
        randomiseOutput(model);
        model->eval();
        torch::NoGradGuard noGrad;
        const auto x = torch::randn({2, 1, 32, 32});
        const auto t = torch::tensor({40, 40});
        const auto v1 = torch::tensor({{0.5f, -1.0f}, {0.5f, -1.0f}});
        const auto v2 = torch::tensor({{-2.0f, 1.0f}, {-2.0f, 1.0f}});
        const auto a = model->forward(x, t, {}, v1);
        QVERIFY(!torch::allclose(a, model->forward(x, t, {}, v2)));
        const auto d = model->forward(x, t, {}, v1, torch::tensor({false, true}));
        const auto unconditional = model->forward(x, t);
        QVERIFY(torch::allclose(d[0], a[0]));
        QVERIFY(torch::allclose(d[1], unconditional[1]));
        QVERIFY(!torch::allclose(d[1], a[1]));
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, model->forward(x, t, {}, torch::randn({2, 3})));
    }

    void timeStepChangesTheOutput() {
        UNet model(tinyConfig());
        randomiseOutput(model);
        torch::NoGradGuard noGrad;
        const auto x = torch::randn({1, 1, 32, 32});
        QVERIFY(!torch::allclose(model->forward(x, torch::tensor({0})),
                                 model->forward(x, torch::tensor({30}))));
    }

    void gradientsReachEveryParameter() {
        for (auto conditioning : {Conditioning::Class, Conditioning::Vector}) {
            UNetConfig c = tinyConfig();
            c.conditioning = conditioning;
            c.classes = 3;
            c.conditionDim = 2;
            c.dropout = 0.1;
            UNet model(c);
            // With the zero output convolution only its own gradient is non-zero at first; one
            // optimiser step later every parameter takes part.
            torch::optim::SGD optimiser(model->parameters(), torch::optim::SGDOptions(0.1));
            const auto x = torch::randn({2, 1, 32, 32});
            const auto t = torch::tensor({3, 17});
            const auto classes = torch::tensor({0, 2});
            const auto vectors = torch::randn({2, 2});
            const auto dropped = torch::tensor({false, true});  // the null embedding is used too
            const auto step = [&] {
                optimiser.zero_grad();
                const auto out = conditioning == Conditioning::Class
                                     ? model->forward(x, t, classes, {}, dropped)
                                     : model->forward(x, t, {}, vectors, dropped);
                const auto loss = (out - x).pow(2).mean();
                loss.backward();
            };
            step();
            optimiser.step();
            step();
            int checked = 0;
            for (const auto& item : model->named_parameters()) {
                const auto& grad = item.value().grad();
                QVERIFY2(grad.defined() && grad.abs().sum().item<double>() > 0.0,
                         item.key().c_str());
                ++checked;
            }
            QVERIFY(checked > 40);
        }
    }

    void sameSeedSameWeights() {
        torch::manual_seed(11);
        UNet a(tinyConfig());
        torch::manual_seed(11);
        UNet b(tinyConfig());
        const auto pa = a->parameters(), pb = b->parameters();
        QCOMPARE(pa.size(), pb.size());
        for (std::size_t i = 0; i < pa.size(); ++i) QVERIFY(torch::equal(pa[i], pb[i]));
    }
};

QTEST_APPLESS_MAIN(TestMlUnet)
#include "test_ml_unet.moc"
