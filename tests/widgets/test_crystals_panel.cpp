// The Crystals panel on real Perov-5 crystals: the report runs in the worker thread and fills
// the table; a set judged against itself is covered, unique and never novel, each crystal's
// nearest training crystal is itself; filtering, opening a crystal or its nearest training
// crystal, export and cancel work as a user uses them.
#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include "models/crystal_report_model.h"
#include "panels/crystals_panel.h"
#include "test_paths.h"

namespace {
QString perovHead() {
    return QString::fromStdString(cw::test::testDataPath("collections/perov_5_head.csv"));
}
}  // namespace

class TestCrystalsPanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void judgesASetAgainstItself() {
        cw::CrystalsPanel panel;
        panel.resize(900, 600);
        panel.show();
        QSignalSpy finished(&panel, &cw::CrystalsPanel::reportFinished);
        panel.setInputs(perovHead(), perovHead(), perovHead(), "perov5");
        panel.start();
        QVERIFY(panel.isRunning());
        QVERIFY(finished.wait(120000));
        QVERIFY(!panel.isRunning());
        // Three readable crystals (the third row of the file is broken and skipped).
        QCOMPARE(panel.model()->rowCount(), 3);
        // The broken row is skipped once in each of the three roles.
        QVERIFY2(panel.statusText().contains("3 unreadable"), qPrintable(panel.statusText()));
        const auto data = panel.model()->reportData();
        QCOMPARE(data->report.unique, std::size_t(3));
        QCOMPARE(data->report.novel.value_or(99), std::size_t(0));
        QVERIFY(data->report.coverage);
        QCOMPARE(data->report.coverage->recall, 1.0);
        QCOMPARE(data->report.coverage->precision, 1.0);
        for (const cw::CrystalVerdict& v : data->report.crystals) {
            QCOMPARE(v.nearestTrainingId, v.id);
            QVERIFY(v.nearestTrainingRms && v.nearestTrainingRms->rms < 1e-6);
        }
        // The summary stands beside the published rows of Perov-5.
        QVERIFY(panel.summaryText().contains("CDVAE") && panel.summaryText().contains("this set"));

        // Filter by formula: TiOsNOF alone contains Os.
        panel.setFilter("Os", false);
        QCOMPARE(panel.proxyModel()->rowCount(), 1);
        QSignalSpy opened(&panel, &cw::CrystalsPanel::structureActivated);
        panel.activateRow(0);
        QCOMPARE(opened.count(), 1);
        const auto generated = opened.takeFirst().at(0).value<cw::Structure>();
        QCOMPARE(generated.reducedFormula(), std::string("TiOsNOF"));
        // The toggle opens the nearest training crystal instead: here the same crystal.
        panel.setShowNearestTraining(true);
        panel.activateRow(0);
        QCOMPARE(opened.count(), 1);
        const QList<QVariant> training = opened.takeFirst();
        QCOMPARE(training.at(0).value<cw::Structure>().id(), std::string("3961"));
        QVERIFY(training.at(1).toString().startsWith("training 3961"));
        panel.setFilter("", false);
        QCOMPARE(panel.proxyModel()->rowCount(), 3);

        // Sorting by formula orders the rows by it.
        panel.view()->sortByColumn(cw::CrystalReportModel::Formula, Qt::AscendingOrder);
        QCOMPARE(panel.proxyModel()->index(0, cw::CrystalReportModel::Formula).data().toString(),
                 QString("BiPtN2O"));  // pymatgen orders by electronegativity

        QTemporaryDir dir;
        const QStringList written = panel.exportTo(dir.path());
        QVERIFY(written.contains(dir.filePath("report.json")));
        QVERIFY(written.contains(dir.filePath("crystals.csv")));
        QVERIFY(QFileInfo(dir.filePath("space_groups.png")).size() > 0);
        QVERIFY(QFileInfo(dir.filePath("unique/3961.cif")).exists());
        QCOMPARE(QDir(dir.filePath("novel")).entryList(QDir::Files).size(), 0);
    }

    void cancelLeavesThePanelUsable() {
        cw::CrystalsPanel panel;
        panel.setInputs(perovHead(), perovHead(), QString(), "perov5");
        panel.start();
        panel.cancel();
        QVERIFY(!panel.isRunning());
        QCOMPARE(panel.statusText(), QString("Cancelled."));
        // A missing reference is said, not run.
        panel.setInputs(perovHead(), QString(), QString(), QString());
        panel.start();
        QVERIFY(!panel.isRunning());
        QVERIFY(panel.statusText().contains("reference"));
    }
};

QTEST_MAIN(TestCrystalsPanel)
#include "test_crystals_panel.moc"
