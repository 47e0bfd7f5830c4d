// Space groups, standardised cells and Niggli reduction on textbook crystals with published
// answers (International Tables; the same answers pymatgen/spglib 2.0.2 give).
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>

#include "core/error.h"
#include "crystal/supercell.h"
#include "known_structures.h"
#include "symmetry/space_group.h"
#include "symmetry/standardize.h"

namespace {

bool near(double a, double b, double tol = 1e-6) {
    return std::abs(a - b) <= tol;
}

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

/// Perovskite-like cell with the same element on the A (1a) and B (1b) sites, labelled apart:
/// Si1 at the corner, Si2 at the body centre octahedrally surrounded by O at a/2 = 2 Å.
cw::Structure twoSiliconOrbits() {
    cw::Structure s =
        cw::test::makeStructure(Eigen::Matrix3d::Identity() * 4.0, {{"Si", {0, 0, 0}},
                                                                    {"Si", {0.5, 0.5, 0.5}},
                                                                    {"O", {0.5, 0.5, 0}},
                                                                    {"O", {0.5, 0, 0.5}},
                                                                    {"O", {0, 0.5, 0.5}}});
    s.sites()[0].label = "Si1";
    s.sites()[1].label = "Si2";
    return s;
}

/// Distance (Å) from site i to the nearest site of element z.
double nearestOf(const cw::Structure& s, std::size_t i, int z) {
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < s.size(); ++j) {
        if (j == i || s.site(j).z != z) continue;
        best = std::min(best, s.lattice().minimumImageDistance(s.site(i).frac, s.site(j).frac));
    }
    return best;
}

/// True if every operation maps every site onto a site of the same element (mod lattice).
/// Independent of spglib: it checks the operations against the geometry itself.
bool operationsMapStructureOntoItself(const cw::Structure& s, const cw::SpaceGroupInfo& info) {
    for (const cw::SymmetryOperation& op : info.operations) {
        for (const cw::Site& site : s.sites()) {
            const Eigen::Vector3d image = op.rotation.cast<double>() * site.frac + op.translation;
            bool found = false;
            for (const cw::Site& other : s.sites()) {
                if (other.z == site.z && s.lattice().minimumImageDistance(image, other.frac) < 1e-6)
                    found = true;
            }
            if (!found) return false;
        }
    }
    return true;
}

void verifyAllWrapped(const cw::Structure& s) {
    for (const cw::Site& site : s.sites()) {
        for (int d = 0; d < 3; ++d) QVERIFY(site.frac[d] >= 0.0 && site.frac[d] < 1.0);
    }
}

}  // namespace

class TestSymmetry : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void knownSpaceGroups_data() {
        QTest::addColumn<int>("which");
        QTest::addColumn<int>("number");
        QTest::addColumn<QString>("symbol");
        QTest::addColumn<QString>("full");
        QTest::addColumn<QString>("hall");
        QTest::addColumn<int>("hallNumber");
        QTest::addColumn<QString>("pointGroup");
        QTest::addColumn<QString>("system");
        QTest::addColumn<int>("operations");
        // Si: spglib's default setting of Fd-3m is origin choice 1 (Hall 525).
        QTest::newRow("NaCl") << 0 << 225 << "Fm-3m"
                              << "F 4/m -3 2/m"
                              << "-F 4 2 3" << 523 << "m-3m"
                              << "cubic" << 192;
        QTest::newRow("Si") << 1 << 227 << "Fd-3m"
                            << "F 4_1/d -3 2/m"
                            << "F 4d 2 3 -1d" << 525 << "m-3m"
                            << "cubic" << 192;
        QTest::newRow("rutile") << 2 << 136 << "P4_2/mnm"
                                << "P 4_2/m 2_1/n 2/m"
                                << "-P 4n 2n" << 419 << "4/mmm"
                                << "tetragonal" << 16;
        QTest::newRow("wurtzite") << 3 << 186 << "P6_3mc"
                                  << "P 6_3 m c"
                                  << "P 6c -2c" << 480 << "6mm"
                                  << "hexagonal" << 12;
    }
    void knownSpaceGroups() {
        QFETCH(int, which);
        const cw::Structure s = which == 0   ? cw::test::rockSaltNaCl()
                                : which == 1 ? cw::test::diamondSilicon()
                                : which == 2 ? cw::test::rutileTiO2()
                                             : cw::test::wurtziteZnO();
        const cw::SpaceGroupInfo info = cw::analyzeSpaceGroup(s);
        QTEST(info.number, "number");
        QTEST(q(info.international), "symbol");
        QTEST(q(info.internationalFull), "full");
        QTEST(q(info.hallSymbol), "hall");
        QTEST(info.hallNumber, "hallNumber");
        QTEST(q(info.pointGroup), "pointGroup");
        QTEST(q(info.crystalSystem), "system");
        QTEST(static_cast<int>(info.operations.size()), "operations");
        QVERIFY(operationsMapStructureOntoItself(s, info));
        QCOMPARE(info.wyckoffLetters.size(), s.size());
        QCOMPARE(info.equivalentAtoms.size(), s.size());
    }
    void wyckoffPositionsAndOrbits() {
        const cw::SpaceGroupInfo nacl = cw::analyzeSpaceGroup(cw::test::rockSaltNaCl());
        QCOMPARE(q(std::string(nacl.wyckoffLetters.begin(), nacl.wyckoffLetters.end())),
                 QString("aaaabbbb"));
        QCOMPARE(nacl.equivalentAtoms, (std::vector<int>{0, 0, 0, 0, 4, 4, 4, 4}));
        QCOMPARE(q(nacl.siteSymmetries[4]), QString("m-3m"));
        QCOMPARE(q(nacl.schoenflies), QString("Oh^5"));
        // Rutile: Ti on 2a (site symmetry m.mm), O on 4f (m.2m).
        const cw::SpaceGroupInfo rutile = cw::analyzeSpaceGroup(cw::test::rutileTiO2());
        QCOMPARE(q(std::string(rutile.wyckoffLetters.begin(), rutile.wyckoffLetters.end())),
                 QString("aaffff"));
        QCOMPARE(q(rutile.siteSymmetries[0]), QString("m.mm"));
        QCOMPARE(q(rutile.siteSymmetries[2]), QString("m.2m"));
        QCOMPARE(rutile.equivalentAtoms, (std::vector<int>{0, 0, 2, 2, 2, 2}));
        // Same element, two orbits: 1a and 1b of Pm-3m are not equivalent.
        const cw::SpaceGroupInfo perovskite = cw::analyzeSpaceGroup(twoSiliconOrbits());
        QCOMPARE(perovskite.number, 221);
        QVERIFY(perovskite.equivalentAtoms[0] != perovskite.equivalentAtoms[1]);
        QCOMPARE(perovskite.equivalentAtoms[2], perovskite.equivalentAtoms[4]);
    }
    void cellsFlatterThanSymprecHaveNoGroup() {
        // A generated crystal whose cell is 0.05 Å thick (angles summing to almost 360°) made
        // spglib 2.0 segfault in its space-group search; it is now "no group" with the reason.
        const cw::Lattice flat = cw::Lattice::fromParameters({5.0, 5.0, 5.0, 119.999, 119.999, 119.999});
        cw::Structure s{flat, {}};
        s.addSite({26, Eigen::Vector3d(0, 0, 0), "Fe", 1.0});
        s.addSite({8, Eigen::Vector3d(0.5, 0.5, 0.5), "O", 1.0});
        const cw::SpaceGroupInfo info = cw::analyzeSpaceGroup(s, {0.1, 5.0});
        QCOMPARE(info.number, 0);
        QVERIFY2(info.failure.find("thick in one direction") != std::string::npos, info.failure.c_str());
        // A normal cell is untouched.
        cw::Structure cubic{cw::Lattice::fromParameters({4.0, 4.0, 4.0, 90, 90, 90}), s.sites()};
        QCOMPARE(cw::analyzeSpaceGroup(cubic, {0.1, 5.0}).number, 221);
    }

    void crystalSystemBoundaries() {
        const std::vector<std::pair<int, const char*>> cases = {
            {1, "triclinic"},     {2, "triclinic"},     {3, "monoclinic"},  {15, "monoclinic"},
            {16, "orthorhombic"}, {74, "orthorhombic"}, {75, "tetragonal"}, {142, "tetragonal"},
            {143, "trigonal"},    {167, "trigonal"},    {168, "hexagonal"}, {194, "hexagonal"},
            {195, "cubic"},       {230, "cubic"}};
        for (const auto& [number, name] : cases) {
            QCOMPARE(q(cw::crystalSystemOf(number)), QString(name));
        }
        QCOMPARE(q(cw::crystalSystemOf(0)), QString());
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::crystalSystemOf(231));
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::crystalSystemOf(-1));
    }
    void primitiveCellsOfFccCrystals() {
        for (const cw::Structure& conventional :
             {cw::test::rockSaltNaCl(), cw::test::diamondSilicon()}) {
            const cw::SpaceGroupInfo before = cw::analyzeSpaceGroup(conventional);
            const cw::Structure primitive = cw::primitiveStandardCell(conventional);
            QCOMPARE(primitive.size(), std::size_t(2));
            QVERIFY(near(primitive.lattice().volume(), conventional.lattice().volume() / 4));
            QCOMPARE(cw::analyzeSpaceGroup(primitive).number, before.number);
            QCOMPARE(cw::analyzeSpaceGroup(primitive).operations.size(), std::size_t(48));
            QCOMPARE(q(primitive.reducedFormula()), q(conventional.reducedFormula()));
            // Nearest-neighbour distance is a property of the crystal, not of the cell.
            QVERIFY(near(primitive.minimumInteratomicDistance(),
                         conventional.minimumInteratomicDistance()));
            verifyAllWrapped(primitive);
        }
    }
    void conventionalOfPrimitiveGivesTheCubeBack() {
        cw::Structure nacl = cw::test::rockSaltNaCl();
        nacl.setId("mp-22862");
        nacl.setProperty("band_gap", 5.0);
        const cw::Structure primitive = cw::primitiveStandardCell(nacl);
        QCOMPARE(q(primitive.id()), QString("mp-22862"));
        QCOMPARE(primitive.properties().at("band_gap"), 5.0);
        const cw::Structure conventional = cw::conventionalStandardCell(primitive);
        QCOMPARE(conventional.size(), std::size_t(8));
        QCOMPARE(q(conventional.fullFormula()), QString("Na4Cl4"));
        const cw::LatticeParameters p = conventional.lattice().parameters();
        QVERIFY(near(p.a, 5.64) && near(p.b, 5.64) && near(p.c, 5.64));
        QVERIFY(near(p.alpha, 90) && near(p.beta, 90) && near(p.gamma, 90));
        QVERIFY(near(conventional.lattice().volume(), std::pow(5.64, 3)));
        QCOMPARE(cw::analyzeSpaceGroup(conventional).number, 225);
        QCOMPARE(q(conventional.id()), QString("mp-22862"));
        QCOMPARE(conventional.properties().at("band_gap"), 5.0);
        for (const cw::Site& site : conventional.sites()) {
            QCOMPARE(q(site.label), q(cw::element(site.z).symbol));
            QCOMPARE(site.occupancy, 1.0);
        }
        verifyAllWrapped(conventional);
    }
    void conventionalOfHexagonalAndTetragonal() {
        const cw::Structure zno = cw::conventionalStandardCell(cw::test::wurtziteZnO());
        QCOMPARE(zno.size(), std::size_t(4));
        const cw::LatticeParameters p = zno.lattice().parameters();
        QVERIFY(near(p.a, 3.25) && near(p.b, 3.25) && near(p.c, 5.207));
        QVERIFY(near(p.gamma, 120));
        // A 2×1×1 supercell of rutile standardises back to the 6-atom cell.
        const cw::Structure rutile =
            cw::conventionalStandardCell(cw::makeSupercell(cw::test::rutileTiO2(), 2, 1, 1));
        QCOMPARE(rutile.size(), std::size_t(6));
        QVERIFY(near(rutile.lattice().volume(), 4.594 * 4.594 * 2.959));
        QCOMPARE(cw::analyzeSpaceGroup(rutile).number, 136);
    }
    void labelsFollowTheirSites() {
        // Same element on two orbits: each output Si must keep the label of the site it comes
        // from, recognisable by its O neighbours (Si2 has O at 2 Å, Si1 at 2.83 Å).
        const cw::Structure input = cw::makeSupercell(twoSiliconOrbits(), 2, 1, 1);
        for (const cw::Structure& out :
             {cw::primitiveStandardCell(input), cw::conventionalStandardCell(input)}) {
            QCOMPARE(out.size(), std::size_t(5));
            int seen = 0;
            for (std::size_t i = 0; i < out.size(); ++i) {
                const cw::Site& site = out.site(i);
                if (site.z == 8) {
                    QCOMPARE(q(site.label), QString("O"));
                    continue;
                }
                const double d = nearestOf(out, i, 8);
                QCOMPARE(q(site.label), near(d, 2.0) ? QString("Si2") : QString("Si1"));
                ++seen;
            }
            QCOMPARE(seen, 2);
        }
        // One label per element carries over as it is.
        cw::Structure rutile = cw::test::rutileTiO2();
        for (cw::Site& site : rutile.sites()) site.label = site.z == 8 ? "O1" : "Ti1";
        for (const cw::Site& site : cw::primitiveStandardCell(rutile).sites()) {
            QCOMPARE(q(site.label), site.z == 8 ? QString("O1") : QString("Ti1"));
        }
    }
    void niggliReducesSkewedSupercell() {
        const cw::Structure nacl = cw::test::rockSaltNaCl();
        Eigen::Matrix3i skew;
        skew << 1, 3, 0, 0, 1, 0, 2, 0, 1;  // unimodular: same lattice, a' = a + 3b, c' = 2a + c
        const cw::Structure skewed = cw::makeSupercell(nacl, skew);
        QCOMPARE(skewed.size(), std::size_t(8));
        QVERIFY(skewed.lattice().parameters().a > 17.0);  // |a + 3b| = 5.64·√10

        const cw::Structure reduced = cw::niggliReducedCell(skewed);
        QCOMPARE(reduced.size(), std::size_t(8));
        QVERIFY(near(reduced.lattice().volume(), skewed.lattice().volume()));
        QVERIFY(reduced.lattice().determinant() > 0);
        const cw::LatticeParameters p = reduced.lattice().parameters();
        QVERIFY(near(p.a, 5.64) && near(p.b, 5.64) && near(p.c, 5.64));
        QVERIFY(near(p.alpha, 90) && near(p.beta, 90) && near(p.gamma, 90));
        QCOMPARE(cw::analyzeSpaceGroup(reduced).number, 225);
        QCOMPARE(q(reduced.fullFormula()), QString("Na4Cl4"));
        QVERIFY(near(reduced.minimumInteratomicDistance(), 2.82));
        verifyAllWrapped(reduced);
        // Every site keeps its Cartesian position (modulo the lattice) and its label.
        for (std::size_t i = 0; i < skewed.size(); ++i) {
            const Eigen::Vector3d f = reduced.lattice().toFractional(skewed.cartesian(i));
            QVERIFY(reduced.lattice().minimumImageDistance(f, reduced.site(i).frac) < 1e-9);
            QCOMPARE(q(reduced.site(i).label), q(skewed.site(i).label));
        }
    }
    void niggliConditionsAndHandedness() {
        // A triclinic lattice in a bad basis: the result must satisfy Niggli's main
        // conditions (Křivý & Gruber 1976): a·a ≤ b·b ≤ c·c, |2 b·c| ≤ b·b, |2 a·c| ≤ a·a,
        // |2 a·b| ≤ a·a, and keep the volume.
        cw::Structure tri{cw::Lattice::fromParameters({3.1, 4.3, 5.2, 81, 97, 104}), {}};
        tri.addSite({6, {0.1, 0.2, 0.3}, "C", 1.0});
        Eigen::Matrix3i skew;
        skew << 1, 3, 0, 0, 1, 0, 2, 0, 1;
        for (int mirror = 0; mirror < 2; ++mirror) {
            Eigen::Matrix3i m = skew;
            if (mirror) m.row(0).swap(m.row(1));  // det -1: a left-handed basis
            const cw::Structure bad = cw::makeSupercell(tri, m);
            const cw::Structure reduced = cw::niggliReducedCell(bad);
            const Eigen::Matrix3d g =
                reduced.lattice().matrix() * reduced.lattice().matrix().transpose();
            const double tol = 1e-6;
            QVERIFY(g(0, 0) <= g(1, 1) + tol && g(1, 1) <= g(2, 2) + tol);
            QVERIFY(std::abs(2 * g(1, 2)) <= g(1, 1) + tol);
            QVERIFY(std::abs(2 * g(0, 2)) <= g(0, 0) + tol);
            QVERIFY(std::abs(2 * g(0, 1)) <= g(0, 0) + tol);
            QVERIFY(near(reduced.lattice().volume(), tri.lattice().volume()));
            QCOMPARE(reduced.lattice().determinant() > 0, bad.lattice().determinant() > 0);
            // The shortest lattice vector of the crystal is a (3.1 Å here).
            QVERIFY(near(reduced.lattice().parameters().a, 3.1));
            verifyAllWrapped(reduced);
        }
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::niggliReducedCell(tri, 0.0));
    }
    void symprecMatters() {
        cw::Structure nacl = cw::test::rockSaltNaCl();
        nacl.sites()[0].frac.x() += 0.02 / 5.64;  // one Na displaced 0.02 Å along x
        cw::SymmetryOptions loose;
        loose.symprecA = 0.1;
        cw::SymmetryOptions tight;
        tight.symprecA = 1e-3;
        QCOMPARE(cw::analyzeSpaceGroup(nacl, loose).number, 225);
        const cw::SpaceGroupInfo lower = cw::analyzeSpaceGroup(nacl, tight);
        QVERIFY(lower.number > 0 && lower.number < 225);
        QCOMPARE(lower.number, 99);  // the displacement along x leaves a 4-fold axis: P4mm
        QCOMPARE(q(lower.international), QString("P4mm"));
        // The loose cell is idealised: the displaced atom goes back to a symmetric position.
        QCOMPARE(cw::analyzeSpaceGroup(cw::conventionalStandardCell(nacl, loose), tight).number,
                 225);
    }
    void failuresAndBadInput() {
        const cw::Structure empty{cw::Lattice(Eigen::Matrix3d::Identity() * 5), {}};
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::analyzeSpaceGroup(empty));
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::conventionalStandardCell(empty));
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::primitiveStandardCell(empty));
        // Niggli reduction only needs the lattice.
        QCOMPARE(cw::niggliReducedCell(empty).size(), std::size_t(0));

        // Two atoms 0.005 Å apart: spglib finds no space group. analyze reports it, the cell
        // builders throw.
        cw::Structure tooClose = empty;
        tooClose.addSite({11, {0, 0, 0}, "Na", 1.0});
        tooClose.addSite({11, {0.001, 0, 0}, "Na", 1.0});
        const cw::SpaceGroupInfo none = cw::analyzeSpaceGroup(tooClose);
        QCOMPARE(none.number, 0);
        QVERIFY(none.international.empty() && none.hallSymbol.empty() &&
                none.crystalSystem.empty());
        QVERIFY(none.operations.empty() && none.wyckoffLetters.empty());
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::conventionalStandardCell(tooClose));
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::primitiveStandardCell(tooClose));

        cw::SymmetryOptions zero;
        zero.symprecA = 0;
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError,
                                 cw::analyzeSpaceGroup(cw::test::rockSaltNaCl(), zero));
        cw::SymmetryOptions nanAngle;
        nanAngle.angleToleranceDeg = std::nan("");
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError,
                                 cw::primitiveStandardCell(cw::test::rockSaltNaCl(), nanAngle));
        cw::Structure nanSite = cw::test::rockSaltNaCl();
        nanSite.sites()[3].frac.y() = std::nan("");
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::analyzeSpaceGroup(nanSite));
        // A negative angle tolerance selects spglib's default and still works.
        cw::SymmetryOptions defaultAngle;
        defaultAngle.angleToleranceDeg = -1;
        QCOMPARE(cw::analyzeSpaceGroup(cw::test::rutileTiO2(), defaultAngle).number, 136);
    }
    void concurrentCallsAgree() {
        // The engine documents these functions as thread-safe (dataset building runs them in
        // parallel): results from several threads must equal the serial ones.
        const std::vector<cw::Structure> crystals = {
            cw::test::rockSaltNaCl(), cw::test::diamondSilicon(), cw::test::rutileTiO2(),
            cw::test::wurtziteZnO()};
        const std::vector<int> expected = {225, 227, 136, 186};
        std::vector<int> mismatches(4, 0);
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&, t] {
                for (int k = 0; k < 12; ++k) {
                    const std::size_t i = static_cast<std::size_t>((t + k) % 4);
                    const cw::Structure primitive = cw::primitiveStandardCell(crystals[i]);
                    const cw::Structure reduced = cw::niggliReducedCell(primitive);
                    if (cw::analyzeSpaceGroup(reduced).number != expected[i]) ++mismatches[t];
                }
            });
        }
        for (std::thread& thread : threads) thread.join();
        QCOMPARE(mismatches, (std::vector<int>{0, 0, 0, 0}));
    }
};

QTEST_APPLESS_MAIN(TestSymmetry)
#include "test_symmetry.moc"
