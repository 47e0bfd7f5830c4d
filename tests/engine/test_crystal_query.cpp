// The collection filter's query language: element words are elements (not text), formulas are
// compositions, space groups by number, range or symbol, property comparisons, text in ids; bad
// words are errors that name them. Counts on the shipped 12-entry MP collection were read off its
// JSON by hand; those on the shared 26,959-entry set come from Python's json module over the
// same file (see sharedCollectionCountsMatchAnIndependentCount).
#include <QtTest>

#include <string>
#include <vector>

#include "core/error.h"
#include "io/crystal_query.h"
#include "io/structure_stream.h"
#include "symmetry/space_group.h"
#include "test_paths.h"

namespace {

std::vector<cw::CrystalRecord> recordsOf(const std::string& path) {
    std::vector<cw::CrystalRecord> records;
    cw::ProblemLog problems;
    cw::forEachStructure(
        path,
        [&](cw::Structure&& s, std::size_t) {
            records.push_back(cw::CrystalRecord::of(s));
            return true;
        },
        problems);
    return records;
}

int count(const std::vector<cw::CrystalRecord>& records, const char* query) {
    const cw::CrystalQuery q = cw::CrystalQuery::parse(query);
    int n = 0;
    for (const auto& r : records) n += q.matches(r) ? 1 : 0;
    return n;
}

QStringList idsOf(const std::vector<cw::CrystalRecord>& records, const char* query) {
    const cw::CrystalQuery q = cw::CrystalQuery::parse(query);
    QStringList ids;
    for (const auto& r : records)
        if (q.matches(r)) ids << QString::fromStdString(r.id);
    return ids;
}

}  // namespace

class TestCrystalQuery : public QObject {
    Q_OBJECT
    std::vector<cw::CrystalRecord> m_small;

private Q_SLOTS:
    void initTestCase() {
        m_small = recordsOf(cw::test::testDataPath("collections/mp_small.json.gz"));
        QCOMPARE(m_small.size(), std::size_t(12));
    }

    void elementsAreElementsNotText() {
        // "O" as text would also match nothing more here, but "Co" as text matches "co" in
        // Nb4CoSi and ErCoC2 only by luck: "C" as text would match them too.
        QCOMPARE(idsOf(m_small, "C"), QStringList({"mp-13501"}));  // ErCoC2
        QCOMPARE(idsOf(m_small, "Co"), QStringList({"mp-10003", "mp-13501"}));
        QCOMPARE(count(m_small, "O"), 4);  // Fe3O4, Li2O2, O2, Rb2O2
        QCOMPARE(count(m_small, "o"), 4);  // any case
        QCOMPARE(idsOf(m_small, "Fe O"), QStringList({"mp-19306"}));
        QCOMPARE(count(m_small, "-O"), 8);
        QCOMPARE(count(m_small, "!O Mg"), 2);  // MgSe, LuMg3
    }

    void formulasAreCompositions() {
        QCOMPARE(idsOf(m_small, "Fe3O4"), QStringList({"mp-19306"}));
        QCOMPARE(idsOf(m_small, "O4Fe3"), QStringList({"mp-19306"}));
        QCOMPARE(idsOf(m_small, "LiO"), QStringList({"mp-841"}));  // Li2O2 reduces to LiO
        QCOMPARE(count(m_small, "Fe2O3"), 0);
    }

    void spaceGroupsByNumberRangeAndSymbol() {
        QCOMPARE(idsOf(m_small, "sg:194"), QStringList({"mp-10000", "mp-841", "mp-973684"}));
        QCOMPARE(idsOf(m_small, "sg:225"), QStringList({"mp-1000"}));
        QCOMPARE(idsOf(m_small, "sg:Fm-3m"), QStringList({"mp-1000"}));
        QCOMPARE(count(m_small, "sg:150-230"), 6);  // 225, 194, 166, 194, 186, 194
        QCOMPARE(cw::spaceGroupNumberOfSymbol("P2_1/c"), 14);
        QCOMPARE(cw::spaceGroupNumberOfSymbol("p21/c"), 14);
        QCOMPARE(cw::spaceGroupNumberOfSymbol("P 6_3/m m c"), 194);
        QCOMPARE(cw::spaceGroupNumberOfSymbol("Xy-1"), 0);
    }

    void propertyComparisons() {
        // band gaps 1.593 (BaTe), 1.9748 (Li2O2), 1.7601 (Rb2O2), 2.5855 (MgSe) exceed 1.5.
        QCOMPARE(idsOf(m_small, "band_gap>1.5"), QStringList({"mp-1000", "mp-841", "mp-7895", "mp-1018040"}));
        QCOMPARE(idsOf(m_small, "band_gap>2"), QStringList({"mp-1018040"}));
        QCOMPARE(count(m_small, "band_gap=0"), 6);
        QCOMPARE(count(m_small, "nelements=3"), 3);  // Nb4CoSi, TiAgF6, ErCoC2
        QCOMPARE(count(m_small, "nsites<=2"), 2);    // BaTe, O2
        QCOMPARE(idsOf(m_small, "O band_gap>=1.7"), QStringList({"mp-841", "mp-7895"}));
        QCOMPARE(count(m_small, "no_such_property>0"), 0);
        QCOMPARE(cw::CrystalQuery::parse("no_such_property>0 sg:1").propertyNames(),
                 std::vector<std::string>{"no_such_property"});
        QCOMPARE(cw::CrystalQuery::parse("formation_energy_per_atom<-1").describe(),
                 std::string("formation_energy_per_atom < -1"));
    }

    void textMatchesIdsAndFormulas() {
        QCOMPARE(idsOf(m_small, "mp-1000"), QStringList({"mp-1000", "mp-10000", "mp-10003"}));
        QCOMPARE(idsOf(m_small, "lumg"), QStringList({"mp-973684"}));
        QVERIFY(cw::CrystalQuery::parse("  ").empty());
        QCOMPARE(count(m_small, ""), 12);
    }

    void badWordsAreNamed() {
        for (const char* bad : {"sg:999", "sg:0", "sg:Qq", "band_gap>x", "nsites<=", "sg:230-221"}) {
            try {
                cw::CrystalQuery::parse(std::string("Fe ") + bad);
                QFAIL(qPrintable(QString("no error for %1").arg(bad)));
            } catch (const cw::ValueError& e) {
                QVERIFY2(QString(e.what()).startsWith(bad), e.what());
            }
        }
    }

    // The counts the issue reported as wrong ("N" showed 9,246 rows for 1,290 nitrogen
    // compounds), against Python's json module over the same file:
    //   python3 -c "import json,gzip; d=json.load(gzip.open('mp_dev_summary.json.gz'));
    //     els=lambda e:{sp['element'] for s in e['structure']['sites'] for sp in s['species']};
    //     print(sum('N' in els(e) for e in d), sum('C' in els(e) for e in d),
    //           sum({'Fe','O'}<=els(e) for e in d), sum(e['symmetry']['number']==225 for e in d),
    //           sum((e.get('band_gap') or 0)>2 for e in d))"
    //   → 1290 992 915 2309 7560
    void sharedCollectionCountsMatchAnIndependentCount() {
        if (!cw::test::sharedDataAvailable()) QSKIP("../shared/data is absent: the 26,959-entry MP set is not here");
        const auto all = recordsOf(cw::test::sharedDataPath("mp/mp_dev_summary.json.gz"));
        QCOMPARE(all.size(), std::size_t(26959));
        QCOMPARE(count(all, "N"), 1290);
        QCOMPARE(count(all, "C"), 992);
        QCOMPARE(count(all, "Fe O"), 915);
        QCOMPARE(count(all, "sg:225"), 2309);
        QCOMPARE(count(all, "sg:Fm-3m"), 2309);
        QCOMPARE(count(all, "band_gap>2"), 7560);
    }
};

QTEST_APPLESS_MAIN(TestCrystalQuery)
#include "test_crystal_query.moc"
