// Regression metrics of property prediction against values computed by hand.
#include <QtTest>

#include <cmath>
#include <limits>

#include "core/error.h"
#include "ml/props/regression_metrics.h"

using namespace cw::ml;

namespace {
const double kNaN = std::numeric_limits<double>::quiet_NaN();
bool near(double a, double b) { return std::abs(a - b) <= 1e-12 * (1 + std::abs(b)); }
}  // namespace

class TestRegressionMetrics : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // Errors 0.5, 0, −1, 1 on truths 1…4 (mean 2.5, Σ(y − ȳ)² = 5).
    void metricsMatchHandValues() {
        const RegressionMetrics m = regressionMetrics({1, 2, 3, 4}, {1.5, 2, 2, 5});
        QCOMPARE(m.count, std::size_t{4});
        QVERIFY(near(m.mae, 0.625));
        QVERIFY(near(m.mse, 0.5625));
        QVERIFY(near(m.rmse, 0.75));
        QVERIFY(m.mape.has_value());
        QVERIFY(near(*m.mape, 100.0 * (0.5 + 0 + 1.0 / 3 + 0.25) / 4));  // 27.083 %
        QCOMPARE(m.mapeExcluded, std::size_t{0});
        QVERIFY(m.r2.has_value());
        QVERIFY(near(*m.r2, 1 - 2.25 / 5));  // 0.55
    }

    void mapeSkipsNearZeroTruthsAndCountsThem() {
        const RegressionMetrics m = regressionMetrics({0, 2, 1e-9}, {1, 3, 0.5});
        QCOMPARE(m.mapeExcluded, std::size_t{2});
        QVERIFY(near(*m.mape, 50.0));
        QVERIFY(near(m.mae, (1 + 1 + 0.5 - 1e-9) / 3));
        const RegressionMetrics zeros = regressionMetrics({0, 0}, {1, -1});
        QVERIFY(!zeros.mape.has_value());
        QCOMPARE(zeros.mapeExcluded, std::size_t{2});
        QVERIFY(!zeros.r2.has_value());  // constant truths
    }

    void missingValuesAreSkipped() {
        const RegressionMetrics m = regressionMetrics({1, kNaN, 3}, {2, 5, kNaN});
        QCOMPARE(m.count, std::size_t{1});
        QCOMPARE(m.mae, 1.0);
        QVERIFY(!m.r2.has_value());  // one pair
    }

    void perfectPredictionsGiveZeroErrorAndR2One() {
        const RegressionMetrics m = regressionMetrics({-2, 0.5, 7}, {-2, 0.5, 7});
        QCOMPARE(m.mae, 0.0);
        QCOMPARE(m.rmse, 0.0);
        QCOMPARE(*m.r2, 1.0);
    }

    void badInputsThrow() {
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, regressionMetrics({1, 2}, {1}));
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, regressionMetrics({kNaN}, {1}));
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, regressionMetrics({}, {}));
    }
};

QTEST_APPLESS_MAIN(TestRegressionMetrics)
#include "test_regression_metrics.moc"
