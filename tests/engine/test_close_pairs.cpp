// The periodic close-pair search (engine/crystal/close_pairs.h) against every pair tested by the
// exact minimum-image distance: real crystals (Cu7Te5, a triclinic V2O3 cell, CsPbI3) as read
// and as supercells large enough that the binned search runs, at cutoffs from below the
// shortest bond to beyond a cell length; sites outside [0, 1) and on cell faces count the same.
#include <QtTest>

#include <random>

#include "crystal/close_pairs.h"
#include "crystal/supercell.h"
#include "io/structure_stream.h"
#include "test_paths.h"

using namespace cw;

namespace {

using Pairs = std::vector<std::pair<std::size_t, std::size_t>>;

Pairs everyPairTested(const Structure& s, double cutoffA) {
    Pairs pairs;
    for (std::size_t i = 0; i < s.sites().size(); ++i)
        for (std::size_t j = i + 1; j < s.sites().size(); ++j)
            if (s.lattice().minimumImageDistance(s.sites()[i].frac, s.sites()[j].frac) < cutoffA)
                pairs.emplace_back(i, j);
    return pairs;
}

Structure firstStructure(const std::string& file) {
    return readStructures(test::testDataPath("cif/" + file)).at(0);
}

}  // namespace

class TestClosePairs : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void matchesEveryPairTested_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("repeat");
        for (const char* file : {"Cu7Te5.cif", "V2O3.cif", "CsI3Pb.cif"})
            for (int repeat : {1, 3}) QTest::addRow("%s ×%d", file, repeat) << file << repeat;
    }

    void matchesEveryPairTested() {
        QFETCH(QString, file);
        QFETCH(int, repeat);
        const Structure structure =
            makeSupercell(firstStructure(file.toStdString()), repeat, repeat, repeat);
        const PeriodicNearTest near(structure.lattice());
        std::size_t found = 0;
        for (double cutoffA : {1.0, 2.5, 3.2, 4.0, 7.5}) {
            const Pairs expected = everyPairTested(structure, cutoffA);
            const Pairs pairs = closeSitePairs(structure.sites(), near, cutoffA);
            QVERIFY2(pairs == expected, qPrintable(QString("cutoff %1 Å: %2 pairs, brute force %3")
                                                       .arg(cutoffA)
                                                       .arg(pairs.size())
                                                       .arg(expected.size())));
            found += pairs.size();
        }
        QVERIFY(found > 0);  // the cutoffs reach real bonds
    }

    // Sites shifted by whole cells, and onto the faces, are the same positions.
    void imagesOutsideTheCellAreTheSamePositions() {
        Structure s = makeSupercell(firstStructure("Cu7Te5.cif"), 3, 3, 3);
        const Pairs before = closeSitePairs(s.sites(), PeriodicNearTest(s.lattice()), 3.0);
        std::mt19937 random(7);
        std::uniform_int_distribution<int> shift(-2, 2);
        for (Site& site : s.sites())
            for (int i = 0; i < 3; ++i) site.frac[i] += shift(random);
        const Pairs after = closeSitePairs(s.sites(), PeriodicNearTest(s.lattice()), 3.0);
        QCOMPARE(after, before);
        QVERIFY(!before.empty());
        for (const Site& site : s.sites()) {
            const Eigen::Vector3d w = wrapFractional(site.frac);
            for (int i = 0; i < 3; ++i) QVERIFY(w[i] >= 0.0 && w[i] < 1.0);
        }
        QCOMPARE(wrapFractional(Eigen::Vector3d(-1e-18, 1.0, 2.5)), Eigen::Vector3d(0.0, 0.0, 0.5));
    }
};

QTEST_APPLESS_MAIN(TestClosePairs)
#include "test_close_pairs.moc"
