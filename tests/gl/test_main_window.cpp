// The window's file handling: a structure file opens directly, a collection fills the browser
// and opens its first entry, errors reach the Messages panel, recent files are remembered, and
// the dock layout survives a restart. Needs an X server (the 3-D view is a QOpenGLWidget).
#include <QDir>
#include <QDockWidget>
#include <QMenuBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QtTest>

#include "core/parallel.h"
#include "jobs/job_threads.h"
#include "main_window.h"
#include "models/collection_model.h"
#include "panels/collection_browser.h"
#include "panels/crystens_panel.h"
#include "panels/log_panel.h"
#include "panels/slice_panel.h"
#include "viewer/crystal_view.h"
#include "viewer/vtk_bridge.h"

namespace {
const QString kLiFePO4 = QString(CW_SOURCE_DIR) + "/resources/examples/LiFePO4.cif";
const QString kCollections = QString(CW_TEST_DATA_DIR) + "/collections";
}  // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
public:
    /// Before the QApplication exists, as in the application.
    static void initMain() {
        QSurfaceFormat::setDefaultFormat(cw::VtkBridge::defaultFormat());
        QApplication::setOrganizationName("CrystalWorkbenchTest");
        QApplication::setApplicationName("test_main_window");
    }

private Q_SLOTS:
    void initTestCase() {
        if (QGuiApplication::platformName() != "xcb")
            QSKIP("GL tests need an X server (run under xvfb-run); platform is not xcb");
        QStandardPaths::setTestModeEnabled(true);  // QSettings away from the user's own
        QSettings().clear();
    }

    void structureFileOpensDirectly() {
        cw::MainWindow window;
        window.show();
        QVERIFY(window.openFile(kLiFePO4, true));
        QCOMPARE(QString::fromStdString(window.crystalView()->structure().reducedFormula()),
                 QString("LiFePO4"));
        QVERIFY(window.crysTensPanel()->hasEncoding());
        QCOMPARE(window.collectionBrowser()->model()->rowCount(), 0);
        QCOMPARE(QSettings().value("recentFiles").toStringList().value(0),
                 QFileInfo(kLiFePO4).absoluteFilePath());
    }

    void chgcarOpensWithItsRealSlice() {
        cw::MainWindow window;
        window.show();
        const QString chgcar = QString(CW_TEST_DATA_DIR) + "/ecd/CHGCAR.nospin.gz";
        QVERIFY(window.openFile(chgcar, true));
        QCOMPARE(window.crystalView()->structure().size(), std::size_t(1));
        cw::SlicePanel* panel = window.slicePanel();
        QVERIFY(panel->hasChgcar());
        QSignalSpy real(panel, &cw::SlicePanel::realSliceReady);
        // bcc Li has one site: three images of it define the plane.
        panel->setPicks({cw::Pick{0, {0, 0, 0}}, cw::Pick{0, {1, 0, 0}}, cw::Pick{0, {0, 1, 0}}});
        QVERIFY(real.wait(5000));
        QVERIFY(panel->currentRealSlice().has_value());
        QVERIFY(!panel->realImage().isNull());
        if (!qEnvironmentVariableIsEmpty("CW_KEEP_FIGURES")) {  // a picture to look at
            window.resize(1440, 900);
            QTest::qWait(300);
            window.grab().save(QDir::temp().filePath("cw_chgcar_window.png"));
        }
        // Another crystal drops the density.
        QVERIFY(window.openFile(kLiFePO4, true));
        QVERIFY(!panel->hasChgcar());
    }

    void exportMenuListsThePanels() {
        cw::MainWindow window;
        QStringList names;
        for (QAction* a : window.menuBar()->findChildren<QAction*>()) names << a->objectName();
        QVERIFY(names.contains("exportViewFigureMenu"));
        QVERIFY(names.contains("exportSliceFigureMenu"));
        QVERIFY(names.contains("exportCrysTensFigureMenu"));
    }

    // The Properties dock joins a tab group: the window keeps its 1440 × 900, and the Run menu
    // reaches the panel.
    void propertiesDockFitsTheWindow() {
        cw::MainWindow window;
        window.resize(1440, 900);
        window.show();
        window.showPropertiesPanel();
        QTest::qWait(100);
        auto* dock = window.findChild<QDockWidget*>("propertiesDock");
        QVERIFY(dock && dock->isVisible());
        QVERIFY(!window.tabifiedDockWidgets(dock).isEmpty());
        QCOMPARE(window.size(), QSize(1440, 900));
        QVERIFY(window.minimumSizeHint().width() <= 1440);
        QStringList names;
        for (QAction* a : window.menuBar()->findChildren<QAction*>()) names << a->objectName();
        for (const char* name :
             {"trainPropertiesAction", "openPropertyRunAction", "predictPropertiesAction"})
            QVERIFY2(names.contains(name), name);
        QVERIFY(!window.openPropertyRun(QDir::temp().filePath("no-such-props-run")));
    }

    // Run ▸ CPU Threads sets the thread count of the window's LibTorch jobs; Auto leaves a core
    // to the window.
    void threadsMenuSetsTheJobThreads() {
        cw::MainWindow window;
        auto* menu = window.menuBar()->findChild<QMenu*>("threadsMenu");
        QVERIFY(menu);
        QAction* one = nullptr;
        for (QAction* a : menu->actions())
            if (a->data().toInt() == 1) one = a;
        QVERIFY(one);
        one->trigger();
        QCOMPARE(cw::jobThreads(), 1);
        QVERIFY(cw::jobThreadsDescription().startsWith("1 thread "));
        menu->findChild<QAction*>("threadsAuto")->trigger();
        QCOMPARE(cw::jobThreadsSetting(), 0);
        const int cores = cw::resolveThreadCount(0);
        QVERIFY(cw::jobThreads() >= 1 && cw::jobThreads() <= std::max(1, cores - 1));
        QVERIFY(cw::jobThreadsDescription().startsWith("auto: "));
    }

    void collectionFillsTheBrowserAndOpensItsFirstEntry() {
        cw::MainWindow window;
        window.show();
        QSignalSpy finished(window.collectionBrowser(), &cw::CollectionBrowser::loadFinished);
        QVERIFY(window.openFile(kCollections + "/mp_small.json.gz", true));
        QVERIFY(finished.wait(10000));
        QCOMPARE(window.collectionBrowser()->model()->rowCount(), 12);
        QCOMPARE(QString::fromStdString(window.crystalView()->structure().id()),
                 QString("mp-1000"));
        QVERIFY(window.windowTitle().contains("mp-1000"));
        window.collectionBrowser()->setFilterText("Fe3O4");
        window.collectionBrowser()->activateRow(0);
        QCOMPARE(QString::fromStdString(window.crystalView()->structure().reducedFormula()),
                 QString("Fe3O4"));
    }

    void folderOpensInTheBrowser() {
        cw::MainWindow window;
        QSignalSpy finished(window.collectionBrowser(), &cw::CollectionBrowser::loadFinished);
        QVERIFY(window.openFile(kCollections + "/folder", true));
        QVERIFY(finished.wait(10000));
        QVERIFY(window.collectionBrowser()->model()->rowCount() >= 4);
        QVERIFY(window.logPanel()->messages().filter("skipped: ").size() >= 1);  // broken.cif
    }

    void errorsGoToTheLog() {
        cw::MainWindow window;
        QVERIFY(!window.openFile(kCollections + "/no-such-file.cif", true));
        QVERIFY(window.logPanel()->messages().last().startsWith("error: "));
        QSignalSpy finished(window.collectionBrowser(), &cw::CollectionBrowser::loadFinished);
        QVERIFY(window.openFile(kCollections + "/mp_broken.json", true));
        QVERIFY(finished.wait(10000));
        QCOMPARE(window.logPanel()->messages().filter("skipped: ").size(), 3);
    }

    void layoutIsRememberedAndViewMenuListsDocks() {
        {
            cw::MainWindow window;
            window.show();
            auto* messages = window.findChild<QDockWidget*>("messagesDock");
            QVERIFY(messages);
            messages->hide();
            window.close();  // saves the layout
        }
        cw::MainWindow window;
        window.restoreLayout();
        window.show();
        QVERIFY(!window.findChild<QDockWidget*>("messagesDock")->isVisible());
        QVERIFY(window.findChild<QDockWidget*>("crysTensDock")->isVisible());
        QMenu* view = nullptr;
        for (QAction* action : window.menuBar()->actions())
            if (action->text() == "&View") view = action->menu();
        QVERIFY(view);
        QStringList titles;
        for (QAction* action : view->actions()) titles << action->text();
        for (const char* dock : {"Structure", "ECD slice", "CrysTens / xtal2png", "Collection",
                                 "Messages", "Properties"})
            QVERIFY2(titles.contains(dock), qPrintable(titles.join(", ")));
        QSettings().clear();
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
