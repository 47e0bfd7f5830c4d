// Slice enumeration for data sets (engine/ecd/enumerate.h): N(N−1)(N−2) ordered triples minus
// the collinear ones, reproducible seeded sampling, duplicate-plane keys.
#include <QtTest>
#include <set>

#include "core/error.h"
#include "ecd/enumerate.h"
#include "known_structures.h"

namespace {

using cw::Pick;
using cw::PickTriple;

cw::Structure fourInARow() {
    // Sites 0, 1, 2 on one line along a (x = 0, ¼, ½), site 3 off it.
    cw::Structure s{cw::Lattice(Eigen::Matrix3d::Identity() * 4.0), {}};
    for (const Eigen::Vector3d& f : {Eigen::Vector3d(0, 0, 0), Eigen::Vector3d(0.25, 0, 0),
                                     Eigen::Vector3d(0.5, 0, 0), Eigen::Vector3d(0, 0.5, 0)}) {
        s.addSite({6, f, "C", 1.0});
    }
    return s;
}

}  // namespace

class TestEcdEnumerate : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void naclHasNoCollinearTriples() {
        // Every coordinate of the 8 sites is 0 or ½, and three distinct collinear points would need
        // a coordinate taking three values: all 8·7·6 = 336 ordered triples are planes.
        const cw::Slicer slicer(cw::test::rockSaltNaCl());
        const std::vector<PickTriple> all = cw::enumerateTriples(slicer);
        QCOMPARE(all.size(), std::size_t{336});
        std::set<std::array<int, 3>> distinct;
        for (const PickTriple& t : all) {
            QVERIFY(t[0].site != t[1].site && t[1].site != t[2].site && t[0].site != t[2].site);
            QVERIFY(t[0].translation.isZero() && t[1].translation.isZero() &&
                    t[2].translation.isZero());
            distinct.insert({t[0].site, t[1].site, t[2].site});
        }
        QCOMPARE(distinct.size(), std::size_t{336});
        // Lexicographic order.
        QCOMPARE(all.front()[1].site, 1);
        QCOMPARE(all.front()[2].site, 2);
        QCOMPARE(all.back()[0].site, 7);
    }

    void collinearTriplesAreDropped() {
        // 4·3·2 = 24 ordered triples; the 3! = 6 orderings of sites {0, 1, 2} are collinear.
        const cw::Slicer slicer(fourInARow());
        const std::vector<PickTriple> all = cw::enumerateTriples(slicer);
        QCOMPARE(all.size(), std::size_t{18});
        for (const PickTriple& t : all) QVERIFY(t[0].site == 3 || t[1].site == 3 || t[2].site == 3);
        // Every enumerated triple slices without error.
        for (const PickTriple& t : all) QVERIFY(slicer.findAtoms(t).metadata.atomsKept >= 3);
    }

    void fewerThanThreeSites() {
        cw::Structure s{cw::Lattice(Eigen::Matrix3d::Identity() * 3.0), {}};
        s.addSite({11, Eigen::Vector3d::Zero(), "Na", 1.0});
        s.addSite({17, Eigen::Vector3d::Constant(0.5), "Cl", 1.0});
        QVERIFY(cw::enumerateTriples(cw::Slicer(s)).empty());
    }

    void samplingIsReproducibleAndSeedDependent() {
        const cw::Slicer slicer(cw::test::rockSaltNaCl());
        cw::EnumerationOptions options;
        options.maxPerStructure = 50;
        options.seed = 42;
        const std::vector<PickTriple> a = cw::enumerateSlices(slicer, options);
        const std::vector<PickTriple> b = cw::enumerateSlices(slicer, options);
        QCOMPARE(a.size(), std::size_t{50});
        QVERIFY(a == b);
        options.seed = 43;
        const std::vector<PickTriple> c = cw::enumerateSlices(slicer, options);
        QCOMPARE(c.size(), std::size_t{50});
        QVERIFY(a != c);
        // A subset of all triples, without repeats, in enumeration order.
        const std::vector<PickTriple> all = cw::enumerateTriples(slicer);
        std::size_t cursor = 0;
        for (const PickTriple& t : a) {
            while (cursor < all.size() && !(all[cursor] == t)) ++cursor;
            QVERIFY(cursor < all.size());
            ++cursor;
        }
        // A cap at or above the count keeps everything.
        options.maxPerStructure = 1000;
        QCOMPARE(cw::enumerateSlices(slicer, options).size(), std::size_t{336});
    }

    void samplerIsPinned() {
        // std::mt19937_64 is fully specified by the standard (its 10000th output from the default
        // seed is 9981545732273789042, [rand.predef]); uniformBelow and the partial Fisher–Yates
        // are ours, so the sample is the same on every platform. Values recorded from this
        // implementation: a change here changes every data set built with a seed.
        std::mt19937_64 rng;
        rng.discard(9999);
        QCOMPARE(static_cast<unsigned long long>(rng()), 9981545732273789042ULL);
        const std::vector<std::size_t> s = cw::sampleIndices(1000, 5, 7);
        QCOMPARE(s, (std::vector<std::size_t>{15, 113, 493, 495, 548}));
        QCOMPARE(cw::sampleIndices(1000, 5, 7), s);
        QVERIFY(cw::sampleIndices(1000, 5, 8) != s);
        QCOMPARE(cw::sampleIndices(3, 10, 1), (std::vector<std::size_t>{0, 1, 2}));
        std::mt19937_64 r1(1);
        for (int i = 0; i < 1000; ++i) QVERIFY(cw::uniformBelow(r1, 7) < 7);
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::uniformBelow(r1, 0));
        QVERIFY(cw::structureSeed(1, 0) != cw::structureSeed(1, 1));
        QCOMPARE(static_cast<unsigned long long>(cw::structureSeed(1, 5)), 16247700015443706586ULL);
        // Uniformity, coarsely: 70 000 draws in 7 bins, each within 3 % of 10 000.
        std::mt19937_64 r2(2024);
        int bins[7] = {};
        for (int i = 0; i < 70000; ++i) ++bins[cw::uniformBelow(r2, 7)];
        for (int b : bins) QVERIFY(std::abs(b - 10000) < 300);
    }

    void duplicatePlaneKeys() {
        const cw::Slicer slicer(cw::test::rockSaltNaCl());
        const PickTriple t = {Pick{2}, Pick{5}, Pick{7}};
        // The same triple moved by one lattice vector: the same image, the same key.
        const Eigen::Vector3i shift(1, 0, -2);
        const PickTriple moved = {Pick{2, shift}, Pick{5, shift}, Pick{7, shift}};
        QVERIFY(cw::planeKey(slicer, t) == cw::planeKey(slicer, moved));
        // Another order changes e₁: a different key.
        QVERIFY(cw::planeKey(slicer, t) !=
                cw::planeKey(slicer, PickTriple{Pick{5}, Pick{2}, Pick{7}}));
        // Keys of NaCl's 336 triples: duplicates removed keep the first of each key.
        cw::EnumerationOptions options;
        options.dropDuplicates = true;
        const std::vector<PickTriple> unique = cw::enumerateSlices(slicer, options);
        std::set<std::array<long long, 9>> keys;
        for (const PickTriple& u : unique) QVERIFY(keys.insert(cw::planeKey(slicer, u)).second);
        QVERIFY(unique.size() <= 336);
    }

    void duplicatesFromTranslatedCopies() {
        // Sites 3–5 are sites 0–2 moved by the lattice vector a (coordinates are taken as given,
        // not wrapped). Triple (i+3, j+3, k+3) is (i, j, k) moved by a: the same image. Of the
        // 6·5·4 = 120 ordered triples, the 3! = 6 orderings within {3, 4, 5} duplicate those within
        // {0, 1, 2}; no other pair shares e₁ and the centre modulo the lattice.
        cw::Structure s{cw::Lattice(Eigen::Matrix3d::Identity() * 3.0), {}};
        const Eigen::Vector3d f[3] = {{0.1, 0.2, 0.3}, {0.4, 0.15, 0.25}, {0.3, 0.6, 0.1}};
        for (int copy = 0; copy < 2; ++copy)
            for (const Eigen::Vector3d& p : f)
                s.addSite({8, p + Eigen::Vector3d(copy, 0, 0), "O", 1.0});
        const cw::Slicer slicer(s);
        QCOMPARE(cw::enumerateTriples(slicer).size(), std::size_t{120});
        cw::EnumerationOptions options;
        options.dropDuplicates = true;
        const std::vector<PickTriple> unique = cw::enumerateSlices(slicer, options);
        QCOMPARE(unique.size(), std::size_t{114});
        for (const PickTriple& t : unique)
            QVERIFY(!(t[0].site >= 3 && t[1].site >= 3 && t[2].site >= 3));
    }
};

QTEST_APPLESS_MAIN(TestEcdEnumerate)
#include "test_ecd_enumerate.moc"
