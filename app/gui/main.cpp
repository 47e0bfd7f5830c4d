// crystal-workbench: the desktop workbench.
#include <QApplication>
#include <QScreen>
#include <QCommandLineParser>
#include <QDockWidget>
#include <QFileInfo>
#include <QSettings>
#include <QSurfaceFormat>
#include <QTimer>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "core/library_versions.h"
#include "controllers/evaluation_controller.h"
#include "core/error.h"
#include "jobs/evaluation_data.h"
#include "main_window.h"
#include "panels/crystals_panel.h"
#include "panels/crystens_panel.h"
#include "panels/slice_panel.h"
#include "panels/structure_panel.h"
#include "viewer/crystal_view.h"
#include "viewer/figure_export.h"
#include "viewer/vtk_bridge.h"

namespace {

// "I,J,K" → three picks with zero translation (the CLI's convention).
bool parsePicks(const QString& text, cw::PickTriple& picks) {
    const QStringList parts = text.split(',');
    if (parts.size() != 3) return false;
    for (int i = 0; i < 3; ++i) {
        bool ok = false;
        picks[static_cast<std::size_t>(i)].site = parts[i].trimmed().toInt(&ok);
        if (!ok || picks[static_cast<std::size_t>(i)].site < 0) return false;
    }
    return true;
}

// Ends the event loop with `code` once it runs: the export can finish inside setPicks, before
// app.exec() has started (an exit() then would be lost).
void exitSoon(int code) {
    QMetaObject::invokeMethod(qApp, [code] { QApplication::exit(code); }, Qt::QueuedConnection);
}

bool wantsFlag(int argc, char** argv, const char* flag) {
    for (int i = 1; i < argc; ++i)
        if (QByteArray(argv[i]).startsWith(flag)) return true;
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    // VTK renders through every path (figure export included) with an X server only: Debian's
    // VTK has neither OSMesa nor EGL. Say so instead of letting Qt or VTK abort.
    const bool exporting = wantsFlag(argc, argv, "--export-figures");
    if (exporting && qEnvironmentVariableIsEmpty("DISPLAY")) {
        std::fprintf(stderr,
                     "crystal-workbench: --export-figures renders with VTK and needs an X server; "
                     "run it under xvfb-run -a (DISPLAY is not set)\n");
        return 2;
    }
    // Before the QApplication exists: the VTK bridge's OpenGL 3.2 core format.
    QSurfaceFormat::setDefaultFormat(cw::VtkBridge::defaultFormat());
    QApplication app(argc, argv);
    QApplication::setApplicationName("Crystal Workbench");
    QApplication::setOrganizationName("CrystalWorkbench");
    QApplication::setApplicationVersion(QString::fromStdString(cw::workbenchVersion()));

    QCommandLineParser parser;
    parser.setApplicationDescription("Crystal Workbench: crystals as images for machine learning");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        "file", "Crystal file, collection (MP / Alexandria JSON) or folder to open");
    QCommandLineOption screenshot("screenshot", "Save a PNG of the window to <path> and exit.",
                                  "path");
    QCommandLineOption pick("pick", "Pick sites I,J,K (zero translation) to define the plane.",
                            "I,J,K");
    QCommandLineOption exportFigures(
        "export-figures", "Write view.png, slice.png, slice.npy and crystens.png of the picks to <dir> and exit.",
        "dir");
    QCommandLineOption exportWidth(
        "export-width", "Width of the exported view.png in pixels (default 1600).", "px", "1600");
    QCommandLineOption exportTransparent(
        "export-transparent", "With --export-figures: view.png with no background (transparent).");
    parser.addOption(exportTransparent);
    QCommandLineOption cells("cells", "Show NA,NB,NC unit cells (1–5 each).", "NA,NB,NC");
    QCommandLineOption resetSettings("reset-settings",
                                     "Forget the saved window layout and recent files first.");
    QCommandLineOption workspace(
        "workspace",
        "List the training runs of <dir> in the Runs panel and show the training panels.", "dir");
    QCommandLineOption evaluate(
        "evaluate",
        "Evaluate the generated images GENERATED against the training slices of the data set REAL "
        "and show the Metrics and Gallery panels (with --screenshot: once it has finished).",
        "REAL,GENERATED");
    QCommandLineOption propsRun(
        "props-run", "Show the property-prediction run <dir> in the Properties panel.", "dir");
    QCommandLineOption select(
        "select", "Select sites in the Structure panel (and light them up in the 3D view): "
        "indices and element symbols, e.g. 0,3 or Fe.", "SITES");
    QCommandLineOption crystals(
        "crystals",
        "Judge generated crystals against a reference set (and a training set, for a benchmark: "
        "perov5, carbon24, mp20) in the Crystals panel and open the first crystal (with "
        "--screenshot: once it has finished).",
        "GENERATED,REFERENCE[,TRAINING[,DATASET]]");
    QCommandLineOption windowSize(
        "window-size",
        "Window size WxH in pixels (default: the screen's free area on a laptop, most of a large "
        "screen; 1440x900 with --screenshot or --export-figures).",
        "WxH");
    parser.addOption(windowSize);
    parser.addOption(crystals);
    parser.addOption(select);
    parser.addOption(cells);
    parser.addOption(evaluate);
    parser.addOption(propsRun);
    parser.addOption(workspace);
    parser.addOption(resetSettings);
    parser.addOption(screenshot);
    parser.addOption(pick);
    parser.addOption(exportFigures);
    parser.addOption(exportWidth);
    parser.process(app);

    cw::PickTriple picks;
    if (parser.isSet(pick) && !parsePicks(parser.value(pick), picks)) {
        std::fprintf(stderr, "crystal-workbench: --pick expects three site indices I,J,K\n");
        return 2;
    }
    std::array<int, 3> repeats{1, 1, 1};
    if (parser.isSet(cells)) {
        const QStringList parts = parser.value(cells).split(',');
        bool ok = parts.size() == 3;
        for (int i = 0; ok && i < 3; ++i) {
            repeats[static_cast<std::size_t>(i)] = parts[i].trimmed().toInt(&ok);
            ok = ok && repeats[static_cast<std::size_t>(i)] >= 1 &&
                 repeats[static_cast<std::size_t>(i)] <= 5;
        }
        if (!ok) {
            std::fprintf(stderr, "crystal-workbench: --cells expects NA,NB,NC, each 1 to 5\n");
            return 2;
        }
    }
    QSize requestedSize;
    if (parser.isSet(windowSize)) {
        const QStringList parts = parser.value(windowSize).toLower().split('x');
        bool wOk = false;
        bool hOk = false;
        if (parts.size() == 2)
            requestedSize = QSize(parts[0].toInt(&wOk), parts[1].toInt(&hOk));
        if (!wOk || !hOk || requestedSize.width() < 320 || requestedSize.height() < 240 ||
            requestedSize.width() > 16384 || requestedSize.height() > 16384) {
            std::fprintf(stderr, "crystal-workbench: --window-size expects WxH, e.g. 1366x768\n");
            return 2;
        }
    }
    bool widthOk = false;
    const int viewWidth = parser.value(exportWidth).toInt(&widthOk);
    if (!widthOk || viewWidth < 16 || viewWidth > 16384) {
        std::fprintf(stderr, "crystal-workbench: --export-width expects 16 to 16384 pixels\n");
        return 2;
    }
    const QStringList files = parser.positionalArguments();
    if (parser.isSet(exportFigures) && (files.isEmpty() || !parser.isSet(pick))) {
        std::fprintf(stderr, "crystal-workbench: --export-figures needs a FILE and --pick I,J,K\n");
        return 2;
    }
    const bool batch = parser.isSet(screenshot) || parser.isSet(exportFigures);

    if (parser.isSet(workspace) && !QFileInfo(parser.value(workspace)).isDir()) {
        std::fprintf(stderr, "crystal-workbench: --workspace %s is not a folder\n",
                     qPrintable(parser.value(workspace)));
        return 2;
    }
    if (parser.isSet(propsRun) && !QFileInfo(parser.value(propsRun)).isDir()) {
        std::fprintf(stderr, "crystal-workbench: --props-run %s is not a folder\n",
                     qPrintable(parser.value(propsRun)));
        return 2;
    }
    QStringList crystalInputs;
    if (parser.isSet(crystals)) {
        crystalInputs = parser.value(crystals).split(',');
        if (crystalInputs.size() < 2 || crystalInputs.size() > 4 || crystalInputs[0].isEmpty() ||
            crystalInputs[1].isEmpty()) {
            std::fprintf(stderr, "crystal-workbench: --crystals expects GENERATED,REFERENCE[,TRAINING[,DATASET]]\n");
            return 2;
        }
        while (crystalInputs.size() < 4) crystalInputs << QString();
    }
    cw::EvaluationRequest evaluation;
    if (parser.isSet(evaluate)) {
        const QStringList paths = parser.value(evaluate).split(',');
        if (paths.size() != 2 || paths[0].isEmpty() || paths[1].isEmpty()) {
            std::fprintf(stderr, "crystal-workbench: --evaluate expects REAL,GENERATED\n");
            return 2;
        }
        evaluation.realPath = paths[0];
        evaluation.generatedPath = paths[1];
    }
    if (parser.isSet(resetSettings)) QSettings().clear();
    cw::MainWindow window;
    if (requestedSize.isValid())
        window.resize(requestedSize);
    else if (batch)
        window.resize(1440, 900);
    else if (const QScreen* screen = QGuiApplication::primaryScreen())
        window.resize(cw::MainWindow::defaultSize(screen->availableGeometry().size()));
    // Batch runs (screenshots, figures) use the default layout, so that they are reproducible.
    if (!batch) window.restoreLayout();
    window.crystalView()->setRepeats(repeats);
    if (parser.isSet(workspace)) window.openWorkspace(parser.value(workspace));
    if (parser.isSet(propsRun) && !window.openPropertyRun(parser.value(propsRun)) && batch) {
        std::fprintf(stderr, "crystal-workbench: cannot show %s\n",
                     qPrintable(parser.value(propsRun)));
        return 1;
    }
    bool opened = true;
    if (!files.isEmpty()) opened = window.openFile(files.first(), batch);
    if (batch && !opened) {
        std::fprintf(stderr, "crystal-workbench: cannot open %s\n", qPrintable(files.first()));
        return 1;
    }
    window.show();
    cw::EvaluationController* evaluator = window.evaluationController();
    if (parser.isSet(evaluate)) {
        evaluator->setErrorDialogs(!batch);
        evaluator->startEvaluation(evaluation);
    }
    cw::CrystalsPanel* crystalsPanel = window.crystalsPanel();
    if (parser.isSet(crystals)) {
        window.showCrystalsPanel();
        crystalsPanel->setInputs(crystalInputs[0], crystalInputs[1], crystalInputs[2], crystalInputs[3]);
        // Open the first valid crystal (an invalid one may have no cell to show).
        QObject::connect(crystalsPanel, &cw::CrystalsPanel::reportFinished, crystalsPanel, [crystalsPanel] {
            crystalsPanel->setFilter({}, true);
            crystalsPanel->activateRow(0);
        });
        crystalsPanel->start();
    }

    if (parser.isSet(exportFigures)) {
        const QString dir = parser.value(exportFigures);
        const bool transparent = parser.isSet(exportTransparent);
        cw::SlicePanel* panel = window.slicePanel();
        QObject::connect(panel, &cw::SlicePanel::sliceReady, &window,
                         [&window, panel, dir, viewWidth, transparent](const cw::SliceResult& slice) {
                             try {
                                 const cw::CrysTensPanel* crysTens = window.crysTensPanel();
                                 if (!crysTens->hasEncoding()) {
                                     std::fprintf(stderr,
                                                  "crystal-workbench: no crystens.png: %s\n",
                                                  qPrintable(crysTens->errorMessage()));
                                     crysTens = nullptr;
                                 }
                                 cw::exportFigures(dir, *window.crystalView(), slice,
                                                   panel->colorMap(), crysTens, viewWidth, transparent);
                                 exitSoon(0);
                             } catch (const cw::Error& e) {
                                 std::fprintf(stderr, "crystal-workbench: %s\n", e.what());
                                 exitSoon(1);
                             }
                         });
        QObject::connect(panel, &cw::SlicePanel::sliceFailed, &window, [](const QString& message) {
            std::fprintf(stderr, "crystal-workbench: no slice: %s\n", qPrintable(message));
            exitSoon(1);
        });
    } else if (parser.isSet(screenshot)) {
        const QString path = parser.value(screenshot);
        // A failed evaluation is an error of the screenshot run too.
        auto failed = std::make_shared<bool>(false);
        auto shoot = [&window, path, opened, failed] {
            const bool saved = window.grab().save(path);
            QApplication::exit(saved && opened && !*failed ? 0 : 1);
        };
        if (parser.isSet(crystals)) {
            QObject::connect(crystalsPanel, &cw::CrystalsPanel::message, crystalsPanel,
                             [&window, failed, shoot](const QString& message) {
                                 std::fprintf(stderr, "crystal-workbench: %s\n", qPrintable(message));
                                 if (!message.startsWith("Crystal report failed")) return;
                                 *failed = true;
                                 QTimer::singleShot(0, &window, shoot);
                             });
            QObject::connect(crystalsPanel, &cw::CrystalsPanel::reportFinished, &window,
                             [&window, shoot] { QTimer::singleShot(1500, &window, shoot); });
        } else if (parser.isSet(evaluate)) {
            QObject::connect(evaluator, &cw::EvaluationController::errorReported, evaluator,
                             [failed](const QString& message) {
                                 std::fprintf(stderr, "crystal-workbench: %s\n",
                                              qPrintable(message));
                                 *failed = true;
                             });
            // The panels lay out and draw their thumbnails before the grab.
            QObject::connect(evaluator, &cw::EvaluationController::jobEnded, &window,
                             [&window, shoot] { QTimer::singleShot(1500, &window, shoot); });
        } else {
            QTimer::singleShot(1500, &window, shoot);
        }
    }
    // After the export's connections: a fast slice is ready before setPicks returns.
    if (parser.isSet(pick) && opened) {
        window.crystalView()->setPicks(picks);
        // The picked plane's slice in front, also when a workspace raised the Samples tab.
        if (auto* slice = window.findChild<QDockWidget*>("sliceDock")) slice->raise();
    }
    // After the picks, which select their own rows.
    if (parser.isSet(select) && opened) {
        QString error;
        if (!window.structurePanel()->selectSpec(parser.value(select), &error)) {
            std::fprintf(stderr, "crystal-workbench: --select: %s\n", qPrintable(error));
            if (batch) return 2;
        }
    }
    return app.exec();
}
