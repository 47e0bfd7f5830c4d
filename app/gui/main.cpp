// crystal-workbench: the desktop workbench.
#include <QApplication>
#include <QDockWidget>
#include <QScreen>
#include <QSettings>
#include <QSurfaceFormat>
#include <cstdio>

#include "batch_run.h"
#include "controllers/evaluation_controller.h"
#include "core/error.h"
#include "core/library_versions.h"
#include "launch_options.h"
#include "main_window.h"
#include "panels/crystals_panel.h"
#include "panels/structure_panel.h"
#include "viewer/crystal_view.h"
#include "viewer/vtk_bridge.h"

namespace {

int fail(int code, const QString& message) {
    std::fprintf(stderr, "crystal-workbench: %s\n", qPrintable(message));
    return code;
}

}  // namespace

int main(int argc, char** argv) {
    // VTK renders through every path (figure export included) with an X server only: Debian's
    // VTK has neither OSMesa nor EGL. Say so instead of letting Qt or VTK abort.
    if (cw::hasFlag(argc, argv, "--export-figures") && qEnvironmentVariableIsEmpty("DISPLAY"))
        return fail(2,
                    "--export-figures renders with VTK and needs an X server; run it under "
                    "xvfb-run -a (DISPLAY is not set)");
    // Before the QApplication exists: the VTK bridge's OpenGL 3.2 core format.
    QSurfaceFormat::setDefaultFormat(cw::VtkBridge::defaultFormat());
    QApplication app(argc, argv);
    QApplication::setApplicationName("Crystal Workbench");
    QApplication::setOrganizationName("CrystalWorkbench");
    QApplication::setApplicationVersion(QString::fromStdString(cw::workbenchVersion()));

    cw::LaunchOptions options;
    try {
        options = cw::parseLaunchOptions(app);
    } catch (const cw::ConfigError& e) {
        return fail(2, QString::fromStdString(e.what()));
    }
    const bool batch = options.batch();

    if (options.resetSettings) QSettings().clear();
    cw::MainWindow window;
    if (options.windowSize.isValid())
        window.resize(options.windowSize);
    else if (batch)
        window.resize(1440, 900);
    else if (const QScreen* screen = QGuiApplication::primaryScreen())
        window.resize(cw::MainWindow::defaultSize(screen->availableGeometry().size()));
    // Batch runs (screenshots, figures) use the default layout, so that they are reproducible.
    if (!batch) window.restoreLayout();
    window.crystalView()->setRepeats(options.repeats);
    if (!options.workspace.isEmpty()) window.openWorkspace(options.workspace);
    if (!options.propsRun.isEmpty() && !window.openPropertyRun(options.propsRun) && batch)
        return fail(1, "cannot show " + options.propsRun);
    bool opened = true;
    if (!options.files.isEmpty()) opened = window.openFile(options.files.first(), batch);
    if (batch && !opened) return fail(1, "cannot open " + options.files.first());
    window.show();
    if (options.evaluation) {
        window.evaluationController()->setErrorDialogs(!batch);
        window.evaluationController()->startEvaluation(*options.evaluation);
    }
    if (!options.crystals.isEmpty()) {
        cw::CrystalsPanel* crystals = window.crystalsPanel();
        window.showCrystalsPanel();
        crystals->setInputs(options.crystals[0], options.crystals[1], options.crystals[2],
                            options.crystals[3]);
        // Open the first valid crystal (an invalid one may have no cell to show).
        QObject::connect(crystals, &cw::CrystalsPanel::reportFinished, crystals, [crystals] {
            crystals->setFilter({}, true);
            crystals->activateRow(0);
        });
        crystals->start();
    }

    if (!options.exportDir.isEmpty()) {
        cw::exportFiguresWhenSliced(window, options.exportDir, options.exportWidth,
                                    options.exportTransparent);
    } else if (!options.screenshot.isEmpty()) {
        const cw::ScreenshotAfter after = !options.crystals.isEmpty()
                                              ? cw::ScreenshotAfter::CrystalReport
                                          : options.evaluation ? cw::ScreenshotAfter::Evaluation
                                                               : cw::ScreenshotAfter::Start;
        cw::screenshotWhenReady(window, options.screenshot, opened, after);
    }
    // After the export's connections: a fast slice is ready before setPicks returns.
    if (options.picks && opened) {
        window.crystalView()->setPicks(*options.picks);
        // The picked plane's slice in front, also when a workspace raised the Samples tab.
        if (auto* slice = window.findChild<QDockWidget*>("sliceDock")) slice->raise();
    }
    // After the picks, which select their own rows.
    if (!options.select.isEmpty() && opened) {
        QString error;
        if (!window.structurePanel()->selectSpec(options.select, &error)) {
            fail(2, "--select: " + error);
            if (batch) return 2;
        }
    }
    return app.exec();
}
