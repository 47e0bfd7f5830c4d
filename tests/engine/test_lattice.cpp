// Lattice geometry against closed forms and pymatgen's conventions.
#include <QtTest>
#include <cmath>

#include "core/error.h"
#include "crystal/lattice.h"

namespace {
bool near(double a, double b, double tol = 1e-9) { return std::abs(a - b) <= tol; }
}

class TestLattice : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fromParametersMatchesPymatgen() {
        // pymatgen: Lattice.from_parameters(3, 4, 5, 80, 95, 100).matrix (vesta=False)
        const cw::Lattice l = cw::Lattice::fromParameters({3, 4, 5, 80, 95, 100});
        const auto p = l.parameters();
        QVERIFY(near(p.a, 3) && near(p.b, 4) && near(p.c, 5));
        QVERIFY(near(p.alpha, 80) && near(p.beta, 95) && near(p.gamma, 100));
        // c along z, a in the xz plane: the convention xtal2png decoding relies on.
        QVERIFY(near(l.matrix()(2, 0), 0) && near(l.matrix()(2, 1), 0) && near(l.matrix()(2, 2), 5));
        QVERIFY(near(l.matrix()(0, 1), 0));
        QVERIFY(near(l.matrix()(0, 0), 3 * std::sin(95 * M_PI / 180)));
        // Triclinic volume formula.
        const double ca = std::cos(80 * M_PI / 180), cb = std::cos(95 * M_PI / 180),
                     cg = std::cos(100 * M_PI / 180);
        const double v = 60 * std::sqrt(1 - ca * ca - cb * cb - cg * cg + 2 * ca * cb * cg);
        QVERIFY(near(l.volume(), v, 1e-9));
    }
    void fractionalCartesianRoundTrip() {
        const cw::Lattice l = cw::Lattice::fromParameters({5.1, 6.2, 7.3, 71, 83, 97});
        const Eigen::Vector3d f(0.123, -0.75, 1.5);
        QVERIFY((l.toFractional(l.toCartesian(f)) - f).norm() < 1e-12);
        // Reciprocal rows satisfy a_i · b_j = δ_ij.
        const Eigen::Matrix3d product = l.matrix() * l.reciprocalRows().transpose();
        QVERIFY((product - Eigen::Matrix3d::Identity()).norm() < 1e-12);
    }
    void minimumImageDistance() {
        const cw::Lattice cubic(Eigen::Matrix3d::Identity() * 4.0);
        QVERIFY(near(cubic.minimumImageDistance({0.05, 0, 0}, {0.95, 0, 0}), 0.4));
        QVERIFY(near(cubic.minimumImageDistance({0, 0, 0}, {0.5, 0.5, 0.5}), std::sqrt(12.0)));
        // A very skewed cell describing the same 4 Å cubic lattice (a' = a + 3b): the
        // minimum image must not depend on the basis chosen.
        Eigen::Matrix3d skewRows;
        skewRows << 4, 12, 0, 0, 4, 0, 0, 0, 4;
        const cw::Lattice skew(skewRows);
        const Eigen::Vector3d cart1(0.2, 0.2, 0.2), cart2(3.9, 3.9, 3.9);
        const double d = skew.minimumImageDistance(skew.toFractional(cart1), skew.toFractional(cart2));
        QVERIFY(near(d, std::sqrt(3 * 0.3 * 0.3)));
    }
    void badLatticesAreRejected() {
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::Lattice(Eigen::Matrix3d::Zero()));
        Eigen::Matrix3d nan = Eigen::Matrix3d::Identity();
        nan(1, 1) = std::nan("");
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::Lattice{nan});
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::Lattice::fromParameters({0, 1, 1, 90, 90, 90}));
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::Lattice().scaledToVolume(-1));
    }
    void scaleToVolume() {
        const cw::Lattice l = cw::Lattice::fromParameters({3, 4, 5, 90, 90, 120});
        const cw::Lattice s = l.scaledToVolume(10.0);
        QVERIFY(near(s.volume(), 10.0, 1e-12));
        QVERIFY(near(s.parameters().gamma, 120));
        QVERIFY(near(s.parameters().b / s.parameters().a, 4.0 / 3.0));
    }
};

QTEST_APPLESS_MAIN(TestLattice)
#include "test_lattice.moc"
