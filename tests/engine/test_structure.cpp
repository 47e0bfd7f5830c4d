// Structure: formulas, density, scaling, supercells and periodic distances on textbook crystals.
#include <QtTest>
#include <cmath>

#include "core/error.h"
#include "crystal/supercell.h"
#include "known_structures.h"

class TestStructure : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void formulasFollowPymatgen() {
        const cw::Structure nacl = cw::test::rockSaltNaCl();
        QCOMPARE(QString::fromStdString(nacl.reducedFormula()), QString("NaCl"));
        QCOMPARE(QString::fromStdString(nacl.fullFormula()), QString("Na4Cl4"));
        QCOMPARE(QString::fromStdString(cw::test::rutileTiO2().reducedFormula()), QString("TiO2"));
        QCOMPARE(QString::fromStdString(cw::test::diamondSilicon().reducedFormula()), QString("Si"));
        // pymatgen's molecular special cases: elemental oxygen is O2, LiO is Li2O2.
        cw::Structure oxygen{cw::Lattice(Eigen::Matrix3d::Identity() * 3), {}};
        oxygen.addSite({8, {0, 0, 0}, "O", 1});
        oxygen.addSite({8, {0.5, 0.5, 0.5}, "O", 1});
        QCOMPARE(QString::fromStdString(oxygen.reducedFormula()), QString("O2"));
        // Partial occupancy counts: Fe0.5Co0.5 on one site.
        cw::Structure alloy{cw::Lattice(Eigen::Matrix3d::Identity() * 3), {}};
        alloy.addSite({26, {0, 0, 0}, "Fe", 0.5});
        alloy.addSite({27, {0, 0, 0}, "Co", 0.5});
        QCOMPARE(QString::fromStdString(alloy.reducedFormula()), QString("Fe0.5Co0.5"));
        QVERIFY(!alloy.isOrdered());
        QVERIFY(nacl.isOrdered());
    }
    void densityOfRockSalt() {
        // 4 NaCl of 58.443 u in (5.64 Å)³: 2.1640 g/cm³ (handbook value 2.165).
        const double expected = 4 * (22.98977 + 35.453) / std::pow(5.64, 3) * 1.66053906660;
        QVERIFY(std::abs(cw::test::rockSaltNaCl().densityGPerCm3() - expected) < 1e-4);
        QVERIFY(std::abs(expected - 2.164) < 2e-3);
    }
    void scalingKeepsFractionalCoordinates() {
        const cw::Structure nacl = cw::test::rockSaltNaCl();
        const cw::Structure scaled = nacl.scaledToVolumePerSite(1.0);
        QVERIFY(std::abs(scaled.lattice().volume() - 8.0) < 1e-12);
        QCOMPARE(scaled.site(7).frac, nacl.site(7).frac);
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::Structure().scaledToVolumePerSite(1.0));
    }
    void minimumDistances() {
        QVERIFY(std::abs(cw::test::rockSaltNaCl().minimumInteratomicDistance() - 2.82) < 1e-12);
        // Si–Si bond: a·√3/4.
        QVERIFY(std::abs(cw::test::diamondSilicon().minimumInteratomicDistance() -
                         5.431 * std::sqrt(3.0) / 4) < 1e-12);
        // One atom alone: its nearest image is the shortest lattice vector.
        cw::Structure single{cw::Lattice::fromParameters({3, 4, 5, 90, 90, 90}), {}};
        single.addSite({29, {0.3, 0.3, 0.3}, "Cu", 1});
        QVERIFY(std::abs(single.minimumInteratomicDistance() - 3.0) < 1e-12);
    }
    void diagonalSupercell() {
        const cw::Structure nacl = cw::test::rockSaltNaCl();
        const cw::Structure big = cw::makeSupercell(nacl, 2, 3, 1);
        QCOMPARE(big.size(), std::size_t{48});
        QVERIFY(std::abs(big.lattice().volume() - 6 * nacl.lattice().volume()) < 1e-9);
        QVERIFY(std::abs(big.densityGPerCm3() - nacl.densityGPerCm3()) < 1e-12);
        QCOMPARE(QString::fromStdString(big.reducedFormula()), QString("NaCl"));
        QVERIFY(std::abs(big.minimumInteratomicDistance() - 2.82) < 1e-12);
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::makeSupercell(nacl, 0, 1, 1));
    }
    void matrixSupercell() {
        // √2 × √2 rotated cell: det 2, twice the atoms, same density and nearest distance.
        Eigen::Matrix3i m;
        m << 1, 1, 0, -1, 1, 0, 0, 0, 1;
        const cw::Structure nacl = cw::test::rockSaltNaCl();
        const cw::Structure big = cw::makeSupercell(nacl, m);
        QCOMPARE(big.size(), std::size_t{16});
        QVERIFY(std::abs(big.densityGPerCm3() - nacl.densityGPerCm3()) < 1e-12);
        QVERIFY(std::abs(big.minimumInteratomicDistance() - 2.82) < 1e-12);
        for (const cw::Site& s : big.sites()) {
            for (int d = 0; d < 3; ++d) QVERIFY(s.frac[d] >= 0 && s.frac[d] < 1);
        }
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::makeSupercell(nacl, Eigen::Matrix3i::Zero()));
    }
};

QTEST_APPLESS_MAIN(TestStructure)
#include "test_structure.moc"
