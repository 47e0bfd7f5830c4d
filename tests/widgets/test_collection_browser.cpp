// The collection browser reads MP collections off the GUI thread into a filterable, sortable
// table; a bad entry is skipped and reported.
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSignalSpy>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QtTest>
#include <algorithm>

#include "io/structure_stream.h"
#include "models/collection_model.h"
#include "panels/collection_browser.h"
#include "panels/log_panel.h"

namespace {
const QString kCollections = QString(CW_TEST_DATA_DIR) + "/collections";
}  // namespace

class TestCollectionBrowser : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void loadsFiltersSortsAndActivates() {
        const QString path = kCollections + "/mp_small.json";
        const std::size_t entries = cw::readStructures(path.toStdString()).size();
        QCOMPARE(entries, std::size_t(12));

        cw::CollectionBrowser browser;
        QSignalSpy finished(&browser, &cw::CollectionBrowser::loadFinished);
        browser.load(path);
        QVERIFY(browser.isLoading());
        QVERIFY(finished.wait(10000));
        QVERIFY(!browser.isLoading());
        QCOMPARE(browser.model()->rowCount(), int(entries));
        QCOMPARE(finished.first().at(1).toLongLong(), 0);  // nothing skipped

        // Columns: the fixed ones, then every numeric property; space group from the source.
        const int bandGap = browser.model()->propertyColumn("band_gap");
        QVERIFY(bandGap >= cw::CollectionModel::kFixedColumns);
        QVERIFY(browser.model()->propertyColumn("formation_energy_per_atom") > 0);
        QCOMPARE(browser.model()->propertyColumn("symmetry_number"), -1);
        QCOMPARE(browser.model()->index(0, cw::CollectionModel::SpaceGroupColumn).data().toString(),
                 QString("225"));  // mp-1000, BaTe

        // Filtering by formula, then by element.
        browser.setFilterText("TiAgF6");
        QCOMPARE(browser.proxyModel()->rowCount(), 1);
        browser.setFilterText("si");
        QCOMPARE(browser.proxyModel()->rowCount(), 2);  // Nb4CoSi, ThSi2: the element, any case
        // "N" is nitrogen, which none has (as text it matched Nb4CoSi, and as "n" many more).
        browser.setFilterText("N");
        QCOMPARE(browser.proxyModel()->rowCount(), 0);
        browser.setFilterText("O band_gap>1.7 sg:1-230");
        QCOMPARE(browser.proxyModel()->rowCount(), 2);  // Li2O2, Rb2O2
        QCOMPARE(browser.filterDescription(),
                 QString("contains O; band_gap > 1.7; space group 1–230"));
        // A bad word keeps the last rows and says what is wrong, next to the count.
        browser.setFilterText("O sg:999");
        QCOMPARE(browser.proxyModel()->rowCount(), 2);
        QVERIFY(browser.filterDescription().startsWith("sg:999: "));
        QVERIFY2(browser.findChild<QLabel*>("collectionCount")->text().contains("sg:999"),
                 qPrintable(browser.findChild<QLabel*>("collectionCount")->text()));
        browser.setFilterText("bandgap>1");
        QVERIFY(browser.findChild<QLabel*>("collectionCount")->text().contains("no property 'bandgap'"));
        browser.setFilterText("");
        QCOMPARE(browser.proxyModel()->rowCount(), int(entries));

        // Sorting by a property orders numerically (not as text: "10" > "9").
        browser.proxyModel()->sort(bandGap, Qt::AscendingOrder);
        std::vector<double> shown;
        for (int row = 0; row < browser.proxyModel()->rowCount(); ++row)
            shown.push_back(browser.proxyModel()
                                ->index(row, bandGap)
                                .data(cw::CollectionModel::kSortRole)
                                .toDouble());
        QVERIFY(std::is_sorted(shown.begin(), shown.end()));
        QVERIFY(shown.back() > shown.front());
        QCOMPARE(browser.proxyModel()->index(0, bandGap).data().toString(),
                 QString::number(shown.front(), 'g', 6));

        // Activating a row of the sorted, filtered view opens that entry.
        QString activated;
        connect(
            &browser, &cw::CollectionBrowser::structureActivated, this,
            [&activated](const cw::Structure& s) { activated = QString::fromStdString(s.id()); });
        browser.setFilterText("Fe3O4");
        QCOMPARE(browser.proxyModel()->rowCount(), 1);
        browser.activateRow(0);
        QCOMPARE(activated, QString("mp-19306"));
        browser.setFilterText("");
        browser.activateRow(browser.proxyModel()->rowCount() - 1);  // the largest band gap
        const auto last = browser.proxyModel()->index(browser.proxyModel()->rowCount() - 1, 0);
        QCOMPARE(activated, last.data().toString());
    }

    void opensTheFirstEntryOfACompressedCollection() {
        cw::CollectionBrowser browser;
        QString first;
        connect(&browser, &cw::CollectionBrowser::structureActivated, this,
                [&first](const cw::Structure& s) {
                    if (first.isEmpty()) first = QString::fromStdString(s.id());
                });
        QSignalSpy finished(&browser, &cw::CollectionBrowser::loadFinished);
        browser.load(kCollections + "/mp_small.json.gz", true);
        QVERIFY(finished.wait(10000));
        QCOMPARE(first, QString("mp-1000"));
        QCOMPARE(browser.model()->rowCount(), 12);
    }

    void brokenEntriesGoToTheLog() {
        cw::CollectionBrowser browser;
        cw::LogPanel log;
        connect(&browser, &cw::CollectionBrowser::entrySkipped, &log, &cw::LogPanel::warning);
        connect(&browser, &cw::CollectionBrowser::loadFailed, &log, &cw::LogPanel::error);
        QSignalSpy finished(&browser, &cw::CollectionBrowser::loadFinished);
        browser.load(kCollections + "/mp_broken.json");
        QVERIFY(finished.wait(10000));
        QCOMPARE(browser.model()->rowCount(), 3);  // 6 documents, 3 damaged
        QCOMPARE(finished.first().at(1).toLongLong(), 3);
        const QStringList lines = log.messages();
        QCOMPARE(lines.size(), 3);
        for (const char* entry : {"entry 1", "entry 3", "entry 4"})
            QVERIFY2(lines.filter(entry).size() == 1, qPrintable(lines.join('\n')));
        QVERIFY(lines.first().startsWith("skipped: "));
        QVERIFY(lines.first().contains("mp_broken.json"));
    }

    void aTruncatedFileKeepsItsEntriesAndSaysWhy() {
        cw::CollectionBrowser browser;
        QSignalSpy failed(&browser, &cw::CollectionBrowser::loadFailed);
        QSignalSpy finished(&browser, &cw::CollectionBrowser::loadFinished);
        browser.load(kCollections + "/mp_truncated.json.gz");
        QVERIFY(finished.wait(10000));
        QCOMPARE(failed.size(), 1);
        QVERIFY(browser.model()->rowCount() >= 1);
        QVERIFY(browser.model()->rowCount() <= 7);
    }

    void aNewLoadReplacesTheOldOne() {
        cw::CollectionBrowser browser;
        QSignalSpy finished(&browser, &cw::CollectionBrowser::loadFinished);
        browser.load(kCollections + "/mp_small.json");
        browser.load(kCollections + "/mp_broken.json");  // the first load's results are dropped
        QVERIFY(finished.wait(10000));
        QTest::qWait(100);
        QCOMPARE(finished.size(), 1);
        QCOMPARE(browser.model()->rowCount(), 3);
    }

    // The real MP collection (about 27,000 entries) stays usable: read off the GUI thread,
    // filtered and sorted quickly. Skipped when the shared data are absent.
    void largeCollectionStaysFast() {
        const QString path = QString(CW_SHARED_DATA_DIR) + "/mp/mp_dev_summary.json.gz";
        if (!QFileInfo::exists(path)) QSKIP("shared MP collection absent");
        cw::CollectionBrowser browser;
        browser.resize(800, 600);
        browser.show();
        QSignalSpy finished(&browser, &cw::CollectionBrowser::loadFinished);
        QElapsedTimer timer;
        timer.start();
        browser.load(path);
        // The GUI thread keeps turning while the loader reads: count event-loop turns.
        int turns = 0;
        while (finished.isEmpty() && timer.elapsed() < 120000) {
            QTest::qWait(20);
            ++turns;
        }
        QVERIFY(!finished.isEmpty());
        const qint64 loadMs = timer.elapsed();
        const int rows = browser.model()->rowCount();
        QVERIFY(rows > 20000);
        timer.restart();
        browser.setFilterText("Fe");
        const qint64 filterMs = timer.elapsed();
        QVERIFY(browser.proxyModel()->rowCount() > 0);
        browser.setFilterText("");
        timer.restart();
        browser.proxyModel()->sort(browser.model()->propertyColumn("band_gap"));
        const qint64 sortMs = timer.elapsed();
        qInfo(
            "%d entries: loaded in %lld ms (%d GUI event-loop turns meanwhile), filter %lld ms, "
            "sort %lld ms",
            rows, loadMs, turns, filterMs, sortMs);
        QVERIFY(turns > 10);
        QVERIFY(filterMs < 2000);
        QVERIFY(sortMs < 2000);
    }
};

QTEST_MAIN(TestCollectionBrowser)
#include "test_collection_browser.moc"
