// TensorBoard-style loss smoothing (widgets/charts/loss_smoothing.h) against values worked out
// by hand from last_i = w·last_{i−1} + (1 − w)·x_i, smoothed_i = last_i / (1 − w^n).
#include <QtTest>
#include <cmath>
#include <limits>

#include "charts/loss_smoothing.h"

class TestLossSmoothing : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void handValues() {
        // w = 0.5: last = 0.5, 1.25, 2.125; debias 0.5, 0.75, 0.875.
        const std::vector<double> s = cw::smoothLoss({1.0, 2.0, 3.0}, 0.5);
        QCOMPARE(s.size(), std::size_t{3});
        QVERIFY(std::abs(s[0] - 1.0) < 1e-12);
        QVERIFY(std::abs(s[1] - 1.25 / 0.75) < 1e-12);
        QVERIFY(std::abs(s[2] - 2.125 / 0.875) < 1e-12);
    }

    void debiasKeepsAConstantConstant() {
        // Without the debias the first points would be pulled towards 0 (0.1·4 = 0.4 at w 0.9).
        for (double v : cw::smoothLoss(std::vector<double>(20, 4.0), 0.9))
            QVERIFY(std::abs(v - 4.0) < 1e-12);
    }

    void zeroWeightIsIdentity() {
        const std::vector<double> x{0.3, 0.1, 0.7, 0.2};
        QCOMPARE(cw::smoothLoss(x, 0.0), x);
    }

    void nonFiniteValuesPassThrough() {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const std::vector<double> s = cw::smoothLoss({1.0, nan, 3.0}, 0.5);
        QVERIFY(std::abs(s[0] - 1.0) < 1e-12);
        QVERIFY(std::isnan(s[1]));
        // The NaN neither advances n nor enters the average: as if the input were {1, 3}.
        QVERIFY(std::abs(s[2] - (0.25 + 1.5) / 0.75) < 1e-12);
    }

    void weightIsClamped() {
        // 1 would freeze the average at 0; the slider's maximum is 0.999.
        const std::vector<double> s = cw::smoothLoss({2.0, 1.0}, 1.0);
        QVERIFY(std::abs(s[0] - 2.0) < 1e-12);
        const double w = cw::kMaxSmoothingWeight;
        const double last = w * (1 - w) * 2.0 + (1 - w) * 1.0;
        QVERIFY(std::abs(s[1] - last / (1 - w * w)) < 1e-12);
        QCOMPARE(cw::smoothLoss({5.0, 6.0}, -0.3), (std::vector<double>{5.0, 6.0}));
    }
};

QTEST_APPLESS_MAIN(TestLossSmoothing)
#include "test_loss_smoothing.moc"
