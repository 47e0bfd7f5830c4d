// workbench-bench: the workbench's speed figures (issue 5), printed, never asserted.
//   1. Frame time of the 3D viewer rotating 1,000 / 5,000 / 20,000 atoms (camera azimuth 3° a
//      frame, 1024 × 768, rendered and finished).
//   2. Click to picture: from the third synthetic click on an atom of the main window to both
//      the new ECD slice painted in its panel and the 3D view painted with the plane.
// It needs an X server (run it under xvfb-run -a); software GL there is Mesa's llvmpipe.
#include <vtkCamera.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkRenderer.h>
#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLabel>
#include <QOpenGLContext>
#include <QOpenGLFunctions>
#include <QStandardPaths>
#include <QSurfaceFormat>
#include <QTest>
#include <algorithm>
#include <cstdio>
#include <random>
#include <vector>

#include "ecd/plane.h"
#include "main_window.h"
#include "panels/slice_panel.h"
#include "viewer/crystal_view.h"
#include "viewer/vtk_bridge.h"

namespace {

struct Summary {
    double median = 0, mean = 0, min = 0, max = 0;
};

Summary summarize(std::vector<double> ms) {
    Summary s;
    if (ms.empty()) return s;
    std::sort(ms.begin(), ms.end());
    s.median = ms[ms.size() / 2];
    s.min = ms.front();
    s.max = ms.back();
    for (double v : ms) s.mean += v / static_cast<double>(ms.size());
    return s;
}

// A 10 Å cubic cell of `sites` random atoms (O, Fe, P, Li), repeated by the viewer.
cw::Structure randomCell(int sites, unsigned seed) {
    cw::Structure structure(cw::Lattice(Eigen::Matrix3d::Identity() * 10.0), {});
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const int zs[4] = {8, 26, 15, 3};
    for (int i = 0; i < sites; ++i)
        structure.addSite({zs[i % 4], {u(rng), u(rng), u(rng)}, "", 1.0});
    return structure;
}

// Milliseconds per frame while the camera turns, each frame rendered and finished by the GPU
// (or llvmpipe) before the clock reads.
std::vector<double> rotationFrames(cw::CrystalView& view, int frames) {
    vtkRenderer* renderer = view.bridge()->renderer();
    vtkGenericOpenGLRenderWindow* window = view.bridge()->renderWindow();
    std::vector<double> ms;
    view.bridge()->makeCurrent();
    QOpenGLFunctions* gl = QOpenGLContext::currentContext()->functions();
    for (int i = 0; i < frames; ++i) {
        QElapsedTimer timer;
        timer.start();
        renderer->GetActiveCamera()->Azimuth(3.0);
        window->Render();
        gl->glFinish();
        ms.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
    }
    view.bridge()->doneCurrent();
    return ms;
}

void benchRotation(int frames) {
    std::printf("Rotation, 1024 x 768, %d frames each (ms a frame):\n", frames);
    std::printf("%8s %9s %9s %9s %9s %8s\n", "atoms", "median", "mean", "min", "max", "fps");
    for (const auto& [sites, repeats] : std::vector<std::pair<int, int>>{{8, 5}, {40, 5}, {160, 5}}) {
        cw::CrystalView view;
        view.resize(1024, 768);
        view.show();
        if (!QTest::qWaitForWindowExposed(&view)) return;
        view.setStructure(randomCell(sites, 7));
        view.setRepeats({repeats, repeats, repeats});
        view.grabView();  // first frame: shader compilation and buffer upload
        const Summary s = summarize(rotationFrames(view, frames));
        std::printf("%8d %9.1f %9.1f %9.1f %9.1f %8.1f\n", view.sphereCount(), s.median, s.mean,
                    s.min, s.max, 1000.0 / s.median);
    }
}

// Time from a click to the moment `done` holds, processing events meanwhile.
template <class Done>
double waitMs(const QElapsedTimer& clock, qint64 startNs, Done done) {
    while (!done()) QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
    return static_cast<double>(clock.nsecsElapsed() - startNs) / 1e6;
}

void benchClickToPicture(const QString& file, int repeats, int rounds) {
    cw::MainWindow window;
    window.resize(1440, 900);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window)) return;
    if (!window.openFile(file, true)) {
        std::fprintf(stderr, "workbench-bench: cannot open %s\n", qPrintable(file));
        return;
    }
    cw::CrystalView* view = window.crystalView();
    view->setRepeats({repeats, repeats, repeats});
    view->grabView();
    cw::SlicePanel* panel = window.findChild<cw::SlicePanel*>();
    QLabel* picture = panel->findChild<QLabel*>("slicePicture");

    // Atoms whose centre picks themselves, nearest the middle first.
    std::vector<std::pair<double, int>> found;
    const QPointF middle(view->bridge()->width() / 2.0, view->bridge()->height() / 2.0);
    for (int i = 0; i < static_cast<int>(view->atoms().size()); ++i) {
        const QPointF p = view->projectToWidget(view->atoms()[static_cast<std::size_t>(i)].position);
        if (view->atomAt(QPointF(qRound(p.x()), qRound(p.y()))) == i)
            found.emplace_back(QLineF(p, middle).length(), i);
    }
    std::sort(found.begin(), found.end());
    if (found.size() < 6) {
        std::fprintf(stderr, "workbench-bench: too few visible atoms\n");
        return;
    }

    // Paints of the slice picture and frames of the 3D view, time-stamped.
    QElapsedTimer clock;
    clock.start();
    qint64 slicePaintedNs = -1, viewPaintedNs = -1;
    struct PaintWatch : QObject {
        qint64* stamp;
        const QElapsedTimer* clock;
        bool eventFilter(QObject*, QEvent* e) override {
            if (e->type() == QEvent::Paint) *stamp = clock->nsecsElapsed();
            return false;
        }
    } watch;
    watch.stamp = &slicePaintedNs;
    watch.clock = &clock;
    picture->installEventFilter(&watch);
    QObject::connect(view->bridge(), &QOpenGLWidget::frameSwapped,
                     [&] { viewPaintedNs = clock.nsecsElapsed(); });
    bool sliceReady = false;
    QObject::connect(panel, &cw::SlicePanel::sliceReady, [&] { sliceReady = true; });

    std::vector<double> handled, total, slice, frame;
    for (int round = 0; round < rounds; ++round) {
        // Three atoms, not collinear; the third click is the one timed.
        const std::size_t base = static_cast<std::size_t>(round) % (found.size() - 2);
        const int a = found[base].second, b = found[base + 1].second;
        int c = -1;
        for (std::size_t k = base + 2; k < found.size() && c < 0; ++k) {
            const int cand = found[k].second;
            if (!cw::areCollinear(view->atoms()[static_cast<std::size_t>(a)].position,
                                  view->atoms()[static_cast<std::size_t>(b)].position,
                                  view->atoms()[static_cast<std::size_t>(cand)].position))
                c = cand;
        }
        if (c < 0) continue;
        auto clickAt = [&](int atom, Qt::KeyboardModifiers m) {
            const QPointF p =
                view->projectToWidget(view->atoms()[static_cast<std::size_t>(atom)].position);
            QTest::mouseClick(view->bridge(), Qt::LeftButton, m, p.toPoint());
        };
        clickAt(a, Qt::NoModifier);
        clickAt(b, Qt::ShiftModifier);
        QTest::qWait(50);  // earlier frames out of the way
        sliceReady = false;
        slicePaintedNs = viewPaintedNs = -1;
        const qint64 start = clock.nsecsElapsed();
        clickAt(c, Qt::ShiftModifier);
        handled.push_back(static_cast<double>(clock.nsecsElapsed() - start) / 1e6);
        waitMs(clock, start, [&] {
            return sliceReady && slicePaintedNs > start && viewPaintedNs > start;
        });
        total.push_back(static_cast<double>(std::max(slicePaintedNs, viewPaintedNs) - start) / 1e6);
        slice.push_back(static_cast<double>(slicePaintedNs - start) / 1e6);
        frame.push_back(static_cast<double>(viewPaintedNs - start) / 1e6);
    }
    // The floor under every figure above: the window composed and swapped with the 3D view's
    // last picture blitted again, nothing rendered.
    std::vector<double> compose;
    for (int round = 0; round < rounds; ++round) {
        QTest::qWait(20);
        viewPaintedNs = -1;
        const qint64 start = clock.nsecsElapsed();
        view->bridge()->update();
        waitMs(clock, start, [&] { return viewPaintedNs > start; });
        compose.push_back(static_cast<double>(viewPaintedNs - start) / 1e6);
    }
    const Summary h = summarize(handled), t = summarize(total), s = summarize(slice),
                  f = summarize(frame);
    std::printf("Click to picture, %s, %d × %d × %d cells (%d atoms), %zu clicks (ms):\n",
                qPrintable(QFileInfo(file).fileName()), repeats, repeats, repeats,
                view->sphereCount(), total.size());
    std::printf("  %-34s median %7.1f  mean %7.1f  max %7.1f\n", "click handled (picks, slice ready)",
                h.median, h.mean, h.max);
    std::printf("  %-34s median %7.1f  mean %7.1f  max %7.1f\n", "slice painted in its panel",
                s.median, s.mean, s.max);
    std::printf("  %-34s median %7.1f  mean %7.1f  max %7.1f\n", "3D view painted with the plane",
                f.median, f.mean, f.max);
    std::printf("  %-34s median %7.1f  mean %7.1f  max %7.1f\n", "both (click to picture)",
                t.median, t.mean, t.max);
    const Summary c = summarize(compose);
    std::printf("  %-34s median %7.1f  mean %7.1f  max %7.1f\n", "window composed, nothing rendered",
                c.median, c.mean, c.max);
}

}  // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("DISPLAY")) {
        std::fprintf(stderr, "workbench-bench renders with VTK and needs an X server; run it "
                             "under xvfb-run -a\n");
        return 2;
    }
    QSurfaceFormat::setDefaultFormat(cw::VtkBridge::defaultFormat());
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);  // keep recent files out of the user's settings
    QCommandLineParser parser;
    parser.setApplicationDescription("Frame time and click-to-picture latency of the workbench");
    parser.addHelpOption();
    QCommandLineOption frames("frames", "Frames per rotation measurement (default 30).", "n", "30");
    QCommandLineOption clicks("clicks", "Timed clicks (default 20).", "n", "20");
    QCommandLineOption file("file", "Crystal for the click benchmark (default: the LiFePO4 example).",
                            "path", QString(CW_SOURCE_DIR) + "/resources/examples/LiFePO4.cif");
    parser.addOptions({frames, clicks, file});
    parser.process(app);
    std::printf("GL renderer: ");
    {
        cw::VtkBridge probe;
        probe.resize(64, 64);
        probe.show();
        if (QTest::qWaitForWindowExposed(&probe)) {
            probe.makeCurrent();
            const auto* renderer = reinterpret_cast<const char*>(
                QOpenGLContext::currentContext()->functions()->glGetString(GL_RENDERER));
            std::printf("%s\n", renderer ? renderer : "?");
            probe.doneCurrent();
        }
    }
    benchRotation(parser.value(frames).toInt());
    benchClickToPicture(parser.value(file), 1, parser.value(clicks).toInt());
    benchClickToPicture(parser.value(file), 3, parser.value(clicks).toInt());
    return 0;
}
