// The two-sample KS test against scipy 1.10.1's ks_2samp reference values (docs/spec/metrics.md), and
// the Wasserstein-1 distance and histograms.
#include <QtTest>
#include <cmath>

#include "core/error.h"
#include "metrics/ks_two_sample.h"
#include "metrics/wasserstein.h"

namespace {

using cw::KsAlternative;
using cw::KsMethod;

bool close(double a, double b, double rel = 1e-12) { return std::fabs(a - b) <= rel * std::fabs(b); }

const std::vector<double> kA1 = {1, 2, 2, 3, 3, 3, 4, 4, 5, 6};
const std::vector<double> kB1 = {2, 3, 3, 4, 4, 4, 5, 5, 6, 7};
const std::vector<double> kA2 = {0.1, 0.4, 0.7, 1.5, 2.2};
const std::vector<double> kB2 = {0.3, 0.5, 0.9, 1.1, 1.8, 2.5, 3.0};
const std::vector<double> kA3 = {3, 4, 4, 5, 5, 5, 6, 6, 7, 8, 8, 9};
const std::vector<double> kB3 = {4, 5, 5, 6, 6, 6, 7, 7, 7, 8, 9, 10, 11, 12, 12};

}  // namespace

class TestKsTwoSample : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void referenceValues_data() {
        QTest::addColumn<int>("set");
        QTest::addColumn<int>("alternative");
        QTest::addColumn<int>("method");
        QTest::addColumn<double>("d");
        QTest::addColumn<double>("p");
        QTest::addColumn<double>("rel");
        const int two = int(KsAlternative::TwoSided), gt = int(KsAlternative::Greater);
        const int ex = int(KsMethod::Exact), as = int(KsMethod::Asymptotic), au = int(KsMethod::Auto);
        QTest::newRow("1 two exact") << 1 << two << ex << 0.3 << 0.786929788477776 << 1e-12;
        QTest::newRow("1 two auto") << 1 << two << au << 0.3 << 0.786929788477776 << 1e-12;
        QTest::newRow("1 two asymp") << 1 << two << as << 0.3 << 0.664 << 5e-4;
        QTest::newRow("1 greater exact") << 1 << gt << ex << 0.3 << 0.41958041958042 << 1e-12;
        QTest::newRow("1 greater asymp") << 1 << gt << as << 0.3 << 0.301194211912202 << 1e-12;
        QTest::newRow("2 two exact") << 2 << two << ex << 0.314285714285714 << 0.838383838383838 << 1e-12;
        QTest::newRow("2 two asymp") << 2 << two << as << 0.314285714285714 << 0.845592484612893 << 1e-12;
        QTest::newRow("2 greater exact") << 2 << gt << ex << 0.314285714285714 << 0.440656565656566 << 1e-12;
        QTest::newRow("2 greater asymp") << 2 << gt << as << 0.314285714285714 << 0.417689947946206 << 1e-12;
        QTest::newRow("3 two exact") << 3 << two << ex << 0.3 << 0.495785170842379 << 1e-12;
        QTest::newRow("3 two asymp") << 3 << two << as << 0.3 << 0.466263876990029 << 1e-12;
        QTest::newRow("3 greater exact") << 3 << gt << ex << 0.3 << 0.2505679981316 << 1e-12;
        QTest::newRow("3 greater asymp") << 3 << gt << as << 0.3 << 0.225623208771612 << 1e-12;
    }
    void referenceValues() {
        QFETCH(int, set);
        QFETCH(int, alternative);
        QFETCH(int, method);
        QFETCH(double, d);
        QFETCH(double, p);
        QFETCH(double, rel);
        const auto& a = set == 1 ? kA1 : set == 2 ? kA2 : kA3;
        const auto& b = set == 1 ? kB1 : set == 2 ? kB2 : kB3;
        const cw::KsResult r = cw::ks2Sample(a, b, KsAlternative(alternative), KsMethod(method));
        // The page prints 15 significant digits (13 for two entries): compare to those.
        QVERIFY2(close(r.statistic, d, 1e-12), qPrintable(QString::number(r.statistic, 'g', 17)));
        const double printedRel = (p == 0.2505679981316) ? 1e-12 : rel;
        QVERIFY2(std::fabs(r.pvalue - p) <= std::max(printedRel * p, 5e-16),
                 qPrintable(QString::number(r.pvalue, 'g', 17)));
        QCOMPARE(r.n1, a.size());
        QCOMPARE(r.n2, b.size());
        QVERIFY(r.method != KsMethod::Auto);
    }

    void lessMirrorsGreater() {
        const cw::KsResult less = cw::ks2Sample(kB2, kA2, KsAlternative::Less, KsMethod::Exact);
        const cw::KsResult greater = cw::ks2Sample(kA2, kB2, KsAlternative::Greater, KsMethod::Exact);
        QVERIFY(close(less.pvalue, greater.pvalue, 1e-13));
        QVERIFY(close(less.statistic, greater.statistic, 1e-15));
    }

    void autoSwitchesToAsymptoticForLargeSamples() {
        std::vector<double> a(10001), b(50);
        for (std::size_t i = 0; i < a.size(); ++i) a[i] = std::sin(double(i)) * 3;
        for (std::size_t i = 0; i < b.size(); ++i) b[i] = std::cos(double(i)) * 3 + 0.5;
        const cw::KsResult r = cw::ks2Sample(a, b);
        QCOMPARE(r.method, KsMethod::Asymptotic);
        QVERIFY(r.pvalue >= 0 && r.pvalue <= 1);
    }

    void identicalSamplesGivePOne() {
        const cw::KsResult r = cw::ks2Sample(kA1, kA1);
        QCOMPARE(r.statistic, 0.0);
        QCOMPARE(r.pvalue, 1.0);
    }

    void kolmogorovSfBranches() {
        // scipy.stats.kstwo.sf values (scipy 1.10.1).
        QVERIFY(std::fabs(cw::kolmogorovSf(10, 0.02) - 1.0) < 1e-15);    // t ≤ 0.5
        QVERIFY(cw::kolmogorovSf(5, 0.99) < 1e-8);                        // Ruben–Gambino upper
        QVERIFY(std::fabs(cw::kolmogorovSf(1, 0.7) - 0.6) < 1e-14);       // 2(1 − x)
        // scipy.stats.kstwo.sf(x, n), scipy 1.10.1: every branch of _kolmogn.
        const struct { int n; double x, sf; } kRef[] = {
            {7, 0.1, 0.9999899731574429},     {7, 0.2, 0.894391575755},
            {7, 0.45, 0.08235918175946066},   {7, 0.6, 0.006140397691438094},
            {50, 0.03, 0.9999999991521389},   {50, 0.1, 0.6623112704658186},
            {50, 0.2, 0.03143877776953241},   {50, 0.45, 9.261187857225947e-10},
            {50, 0.6, 9.634070456142374e-18}, {200, 0.03, 0.991436524714942},
            {200, 0.1, 0.03411035080315383},  {200, 0.2, 1.7317874617308334e-07},
            {200, 0.45, 1.7611929039602656e-37}, {2000, 0.03, 0.05354694793932557},
            {2000, 0.1, 7.300241819807517e-18}, {5, 0.99, 2.0000000000000089e-10}};
        for (const auto& r : kRef) {
            const double got = cw::kolmogorovSf(r.n, r.x);
            QVERIFY2(close(got, r.sf, 1e-12),
                     qPrintable(QString("n=%1 x=%2: %3 vs %4").arg(r.n).arg(r.x).arg(got, 0, 'g', 17).arg(r.sf, 0, 'g', 17)));
        }
        // Monotone in d across the branch boundaries.
        for (int n : {7, 50, 200, 2000}) {
            double last = 1.0;
            for (double x = 0.01; x < 1.0; x += 0.01) {
                const double p = cw::kolmogorovSf(n, x);
                QVERIFY2(p <= last + 1e-9, qPrintable(QString("n=%1 x=%2").arg(n).arg(x)));
                last = p;
            }
        }
    }

    void emptySampleThrows() {
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::ks2Sample({}, kA1));
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, cw::parseKsMethod("fast"));
        QCOMPARE(cw::parseKsAlternative("greater"), KsAlternative::Greater);
    }

    void wassersteinMatchesScipy() {
        // scipy.stats.wasserstein_distance values (scipy 1.10.1).
        QVERIFY(close(cw::wasserstein1({0, 1, 3}, {5, 6, 8}), 5.0));
        QVERIFY(close(cw::wasserstein1({0, 1}, {0, 1, 2}), 0.5));
        QVERIFY(close(cw::wasserstein1(kA1, kB1), 1.0));
        QCOMPARE(cw::wasserstein1(kA1, kA1), 0.0);
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::wasserstein1({}, {1.0}));
    }

    void histograms() {
        const cw::Histogram h = cw::histogram({0, 0.5, 1, 1, 2, 3, 4, 5}, 5, 0, 5);
        QCOMPARE(h.counts, (std::vector<std::size_t>{2, 2, 1, 1, 2}));  // last bin closed
        QCOMPARE(h.edges.size(), std::size_t{6});
        const auto [a, b] = cw::integerHistograms(kA1, kB1);
        QCOMPARE(a.counts, (std::vector<std::size_t>{1, 2, 3, 2, 1, 1, 0}));
        QCOMPARE(b.counts, (std::vector<std::size_t>{0, 1, 2, 3, 2, 1, 1}));
        QCOMPARE(a.edges.front(), 0.5);
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::histogram({1.0}, 0, 0, 1));
    }
};

QTEST_APPLESS_MAIN(TestKsTwoSample)
#include "test_ks_two_sample.moc"
