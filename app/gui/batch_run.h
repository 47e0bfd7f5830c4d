#pragma once
// The window's batch modes: write the figures of the picked plane, or a screenshot once what
// was asked for (a slice, an evaluation, a crystal report) is on screen, then exit. They wait
// for events (the slice, the job's end, an idle event loop), never for a fixed time.

#include <QString>
#include <functional>

namespace cw {

class MainWindow;

/// Calls `action` once the window has settled: no slice being computed and an event loop with
/// nothing left to deliver (layouts, repaints and queued results done).
void whenSettled(MainWindow& window, std::function<void()> action);

/// On the slice panel's next slice, writes view.png, slice.png, slice.npy and crystens.png to
/// `dir` and exits 0 (1 when it fails or no slice comes).
void exportFiguresWhenSliced(MainWindow& window, const QString& dir, int viewWidthPx,
                             bool transparent);

/// What the screenshot waits for before it settles.
enum class ScreenshotAfter { Start, Evaluation, CrystalReport };

/// Saves the window as a PNG at `path` and exits 0 (1 when saving fails, nothing was opened,
/// or the awaited job failed).
void screenshotWhenReady(MainWindow& window, const QString& path, bool opened,
                         ScreenshotAfter after);

}  // namespace cw
