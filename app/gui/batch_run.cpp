#include "batch_run.h"

#include <QAbstractEventDispatcher>
#include <QApplication>
#include <QTimer>
#include <cstdio>
#include <memory>

#include "controllers/evaluation_controller.h"
#include "core/error.h"
#include "main_window.h"
#include "panels/crystals_panel.h"
#include "panels/crystens_panel.h"
#include "panels/slice_panel.h"
#include "viewer/figure_export.h"

namespace cw {

namespace {

// Ends the event loop with `code` once it runs: the export can finish inside setPicks, before
// app.exec() has started (an exit() then would be lost).
void exitSoon(int code) {
    QMetaObject::invokeMethod(
        qApp, [code] { QApplication::exit(code); }, Qt::QueuedConnection);
}

}  // namespace

void whenSettled(MainWindow& window, std::function<void()> action) {
    // aboutToBlock: the event loop has delivered everything and is about to wait. A slice on
    // the worker thread comes back as a queued signal, so wait until none is out.
    auto* dispatcher = QAbstractEventDispatcher::instance();
    auto connection = std::make_shared<QMetaObject::Connection>();
    auto done = std::make_shared<bool>(false);
    *connection = QObject::connect(dispatcher, &QAbstractEventDispatcher::aboutToBlock, &window,
                                   [&window, action, connection, done] {
                                       if (*done || window.slicePanel()->sliceComputing()) return;
                                       *done = true;
                                       QObject::disconnect(*connection);
                                       // Out of aboutToBlock: painting there would re-enter the
                                       // dispatcher.
                                       QTimer::singleShot(0, &window, action);
                                   });
}

void exportFiguresWhenSliced(MainWindow& window, const QString& dir, int viewWidthPx,
                             bool transparent) {
    SlicePanel* panel = window.slicePanel();
    QObject::connect(panel, &SlicePanel::sliceReady, &window,
                     [&window, panel, dir, viewWidthPx, transparent](const SliceResult& slice) {
                         try {
                             const CrysTensPanel* crysTens = window.crysTensPanel();
                             if (!crysTens->hasEncoding()) {
                                 std::fprintf(stderr, "crystal-workbench: no crystens.png: %s\n",
                                              qPrintable(crysTens->errorMessage()));
                                 crysTens = nullptr;
                             }
                             exportFigures(dir, *window.crystalView(), slice, panel->colorMap(),
                                           crysTens, viewWidthPx, transparent);
                             exitSoon(0);
                         } catch (const Error& e) {
                             std::fprintf(stderr, "crystal-workbench: %s\n", e.what());
                             exitSoon(1);
                         }
                     });
    QObject::connect(panel, &SlicePanel::sliceFailed, &window, [](const QString& message) {
        std::fprintf(stderr, "crystal-workbench: no slice: %s\n", qPrintable(message));
        exitSoon(1);
    });
}

void screenshotWhenReady(MainWindow& window, const QString& path, bool opened,
                         ScreenshotAfter after) {
    auto failed = std::make_shared<bool>(false);  // the awaited job failed: exit 1 too
    auto shoot = [&window, path, opened, failed] {
        const bool saved = window.grab().save(path);
        QApplication::exit(saved && opened && !*failed ? 0 : 1);
    };
    auto settleThenShoot = [&window, shoot] { whenSettled(window, shoot); };
    switch (after) {
        case ScreenshotAfter::Start:
            settleThenShoot();
            break;
        case ScreenshotAfter::Evaluation: {
            EvaluationController* evaluator = window.evaluationController();
            QObject::connect(evaluator, &EvaluationController::errorReported, evaluator,
                             [failed](const QString& message) {
                                 std::fprintf(stderr, "crystal-workbench: %s\n",
                                              qPrintable(message));
                                 *failed = true;
                             });
            QObject::connect(evaluator, &EvaluationController::jobEnded, &window, settleThenShoot);
            break;
        }
        case ScreenshotAfter::CrystalReport: {
            CrystalsPanel* crystals = window.crystalsPanel();
            QObject::connect(crystals, &CrystalsPanel::message, crystals,
                             [failed, settleThenShoot](const QString& message) {
                                 std::fprintf(stderr, "crystal-workbench: %s\n",
                                              qPrintable(message));
                                 if (!message.startsWith("Crystal report failed")) return;
                                 *failed = true;
                                 settleThenShoot();
                             });
            QObject::connect(crystals, &CrystalsPanel::reportFinished, &window, settleThenShoot);
            break;
        }
    }
}

}  // namespace cw
