// Fréchet distance and KID against the test vectors of docs/spec/metrics.md.
#include <QtTest>
#include <cmath>

#include "core/error.h"
#include "metrics/frechet.h"

class TestFrechet : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void frechetTestVector() {
        Eigen::Vector3d mu1(0, 1, 2), mu2(0.5, 0.5, 2.5);
        Eigen::Matrix3d s1, s2;
        s1 << 2, .3, .1, .3, 1, .2, .1, .2, .5;
        s2 << 1, -.2, 0, -.2, 1.5, .3, 0, .3, .8;
        const double fd = cw::frechetDistance(mu1, s1, mu2, s2);
        QVERIFY2(std::fabs(fd - 1.101753791399) <= 1e-12 * 1.101753791399 + 5e-13,
                 qPrintable(QString::number(fd, 'g', 17)));
        QVERIFY(std::fabs(cw::frechetDistance(mu1, s1, mu1, s1)) < 1e-12);
    }

    void singularCovariancesUseTheOffset() {
        // Rank-1 covariances: Σ₁Σ₂ is singular; the 1e-6·I offset keeps the result finite.
        Eigen::MatrixXd f1(3, 2), f2(3, 2);
        f1 << 0, 0, 1, 1, 2, 2;
        f2 << 0, 0, 1, 1, 2, 2;
        const double fd = cw::frechetDistance(f1, f2);
        QVERIFY(std::isfinite(fd));
        QVERIFY(std::fabs(fd) < 1e-5);
    }

    void statisticsUseNMinusOne() {
        Eigen::MatrixXd f(2, 1);
        f << 0, 2;
        const cw::Gaussian g = cw::featureStatistics(f);
        QCOMPARE(g.mean(0), 1.0);
        QCOMPARE(g.covariance(0, 0), 2.0);
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::featureStatistics(Eigen::MatrixXd(1, 3)));
    }

    void kidTestVector() {
        Eigen::MatrixXd x(4, 2), y(4, 2);
        x << 0, 1, 1, 0, 1, 1, 0.5, 0.2;
        y << 0.2, 0.9, 1.1, 0.1, 0.8, 1.2, 0.4, 0.4;
        const double expected = -0.833518536458;
        for (std::uint64_t seed : {0ull, 7ull}) {
            cw::KidOptions one;
            one.subsets = 1;
            one.seed = seed;
            const double kid = cw::kernelDistance(x, y, one);
            QVERIFY2(std::fabs(kid - expected) <= 1e-12 * std::fabs(expected),
                     qPrintable(QString::number(kid, 'g', 17)));
        }
        // Every subset is the whole set here, so the average over 100 is the same.
        QVERIFY(std::fabs(cw::kernelDistance(x, y) - expected) <= 1e-12);
    }

    void kidSubsetsAreSeeded() {
        Eigen::MatrixXd a(50, 3), b(60, 3);
        for (int i = 0; i < a.rows(); ++i) a.row(i) << std::sin(i), std::cos(i), std::sin(2.0 * i);
        for (int i = 0; i < b.rows(); ++i) b.row(i) << std::sin(i) + 0.3, std::cos(3.0 * i), 0.1 * i;
        cw::KidOptions o;
        o.maxSubsetSize = 20;
        o.subsets = 10;
        o.seed = 3;
        QCOMPARE(cw::kernelDistance(a, b, o), cw::kernelDistance(a, b, o));
        QVERIFY(cw::kernelDistance(a, b, o) > 0);
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::kernelDistance(a, Eigen::MatrixXd(5, 2)));
    }
};

QTEST_APPLESS_MAIN(TestFrechet)
#include "test_frechet.moc"
