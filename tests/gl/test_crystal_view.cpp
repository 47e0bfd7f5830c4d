// The VTK crystal viewer inside the main window, with a real GL context (run under Xvfb; skips
// on any platform but xcb, since Qt's offscreen platform gives QOpenGLWidget no context).
#include <vtkCamera.h>
#include <vtkCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkGenericRenderWindowInteractor.h>
#include <vtkInteractorObserver.h>
#include <vtkRenderer.h>
#include <QApplication>
#include <QClipboard>
#include <QMenu>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QSurfaceFormat>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QStandardPaths>
#include <QtTest>
#include <Eigen/Geometry>
#include <random>

#include "core/error.h"
#include "core/image.h"
#include "core/npy.h"
#include "crystal/elements.h"
#include "ecd/slicer.h"
#include "io/structure_stream.h"
#include "main_window.h"
#include "panels/slice_panel.h"
#include "panels/structure_panel.h"
#include "viewer/crystal_view.h"
#include "viewer/figure_export.h"
#include "viewer/vtk_bridge.h"

using cw::Pick;
using cw::PickTriple;

namespace {

const QString kLiFePO4 = QString(CW_SOURCE_DIR) + "/resources/examples/LiFePO4.cif";

// Displayed atoms whose projected centre picks themselves (not hidden behind another sphere),
// nearest the middle of the view first.
std::vector<int> visibleAtoms(cw::CrystalView& view) {
    std::vector<std::pair<double, int>> found;
    const QPointF middle(view.bridge()->width() / 2.0, view.bridge()->height() / 2.0);
    for (int i = 0; i < static_cast<int>(view.atoms().size()); ++i) {
        const QPointF p = view.projectToWidget(view.atoms()[static_cast<std::size_t>(i)].position);
        if (view.atomAt(QPointF(qRound(p.x()), qRound(p.y()))) == i)
            found.emplace_back(QLineF(p, middle).length(), i);
    }
    std::sort(found.begin(), found.end());
    std::vector<int> out;
    for (const auto& f : found) out.push_back(f.second);
    return out;
}

void click(cw::CrystalView& view, int atom, Qt::KeyboardModifiers modifiers) {
    const QPointF p = view.projectToWidget(view.atoms()[static_cast<std::size_t>(atom)].position);
    QTest::mouseClick(view.bridge(), Qt::LeftButton, modifiers, p.toPoint());
}

// The main window at 1280 × 800, exposed, with the LiFePO4 example open.
bool showExample(cw::MainWindow& window) {
    window.resize(1280, 800);
    window.show();
    return QTest::qWaitForWindowExposed(&window) && window.openFile(kLiFePO4, true);
}

Pick pickOf(const cw::CrystalView& view, int atom) {
    const auto& a = view.atoms()[static_cast<std::size_t>(atom)];
    return Pick{a.site, a.translation};
}

}  // namespace

class TestCrystalView : public QObject {
    Q_OBJECT
public:
    /// Before the QApplication exists, as in the application.
    static void initMain() { QSurfaceFormat::setDefaultFormat(cw::VtkBridge::defaultFormat()); }

private Q_SLOTS:
    void initTestCase() {
        // MainWindow remembers recent files in QSettings: keep them out of the user's own.
        QStandardPaths::setTestModeEnabled(true);
        if (QGuiApplication::platformName() != "xcb")
            QSKIP("GL tests need an X server (run under xvfb-run); platform is not xcb");
    }

    void openFileShowsOneSpherePerAtom() {
        cw::MainWindow window;
        QVERIFY(showExample(window));
        const cw::Structure structure = cw::readStructure(kLiFePO4.toStdString());
        cw::CrystalView* view = window.crystalView();
        QCOMPARE(view->sphereCount(), static_cast<int>(structure.size()));
        QCOMPARE(view->atoms().size(), structure.size());
        view->setRepeats({2, 1, 3});
        QCOMPARE(view->sphereCount(), static_cast<int>(structure.size()) * 6);
        view->setRepeats({9, 0, 1});  // clamped to 1…5
        QCOMPARE(view->repeats(), (std::array<int, 3>{5, 1, 1}));
        QCOMPARE(view->sphereCount(), static_cast<int>(structure.size()) * 5);
        // Every displayed atom is a Pick of the file's structure at its drawn position.
        for (const auto& a : view->atoms())
            QVERIFY((cw::pickPosition(structure, Pick{a.site, a.translation}) - a.position).norm() <
                    1e-9);
        // The picture is VTK's: not blank.
        const QImage picture = view->grabView();
        QVERIFY(!picture.isNull());
        QSet<QRgb> colours;
        for (int y = 0; y < picture.height(); y += 7)
            for (int x = 0; x < picture.width(); x += 7) colours.insert(picture.pixel(x, y));
        QVERIFY2(colours.size() > 50, "the rendered view looks blank");
        view->setBondsVisible(true);
        view->viewAlong(2);
        view->setOrthographic(true);
        QVERIFY(view->isOrthographic());
        QVERIFY(!view->grabView().isNull());
    }

    void clicksPickAtomsAndSliceMatchesEngine() {
        cw::MainWindow window;
        QVERIFY(showExample(window));
        cw::CrystalView* view = window.crystalView();
        cw::SlicePanel* panel = window.slicePanel();
        view->grabView();  // one render so that the camera matches the widget size
        const std::vector<int> visible = visibleAtoms(*view);
        QVERIFY(visible.size() >= 3);
        // Three visible atoms that are not collinear.
        const cw::Structure& s = view->structure();
        int a = visible[0], b = visible[1], c = -1;
        for (std::size_t k = 2; k < visible.size() && c < 0; ++k) {
            const int cand = visible[k];
            if (!cw::areCollinear(view->atoms()[a].position, view->atoms()[b].position,
                                  view->atoms()[cand].position))
                c = cand;
        }
        QVERIFY(c >= 0);

        QSignalSpy picksChanged(view, &cw::CrystalView::picksChanged);
        QSignalSpy ready(panel, &cw::SlicePanel::sliceReady);
        click(*view, a, Qt::NoModifier);
        QCOMPARE(view->picks().size(), std::size_t(1));
        QVERIFY(view->selectionText().contains("site " + QString::number(pickOf(*view, a).site)));
        click(*view, b, Qt::ShiftModifier);
        QCOMPARE(view->picks().size(), std::size_t(2));
        QVERIFY(view->selectionText().contains("d(1,2)"));
        QCOMPARE(picksChanged.count(), 0);
        click(*view, c, Qt::ShiftModifier);
        QCOMPARE(picksChanged.count(), 1);
        const PickTriple expectedPicks{pickOf(*view, a), pickOf(*view, b), pickOf(*view, c)};
        QCOMPARE(view->picks(), std::vector<Pick>(expectedPicks.begin(), expectedPicks.end()));
        QVERIFY(view->selectionText().contains("angle 1-2-3"));

        // The plane is the one through those atoms; they are highlighted on it.
        QVERIFY(view->planeFrame().has_value());
        const cw::PlaneFrame frame = cw::planeFromPicks(s, expectedPicks);
        QVERIFY((view->planeFrame()->normal - frame.normal).norm() < 1e-12);
        QVERIFY(view->inPlaneCount() >= 3);

        // The slice panel shows the engine's slice for those picks, pixel for pixel.
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty(), 5000);
        const cw::SliceResult expected = cw::sliceStructure(s, expectedPicks, panel->parameters());
        QVERIFY(panel->currentSlice().has_value());
        QCOMPARE(panel->currentSlice()->metadata.picks, expectedPicks);
        QCOMPARE(cw::maxAbsDifference(panel->currentSlice()->image, expected.image), 0.0);
        QCOMPARE(panel->image(), cw::SlicePanel::toQImage(expected.image, panel->colorMap()));
        qInfo("slice latency after the third click: %.2f ms", panel->lastLatencyMs());

        // Changing a parameter updates the slice (and the quad / highlight tolerance).
        ready.clear();
        auto* window40 = panel->findChild<QDoubleSpinBox*>("window");
        window40->setValue(12.0);
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty(), 5000);
        cw::SliceParameters p = panel->parameters();
        QCOMPARE(p.window, 12.0);
        QCOMPARE(cw::maxAbsDifference(panel->currentSlice()->image,
                                      cw::sliceStructure(s, expectedPicks, p).image),
                 0.0);
        ready.clear();
        panel->findChild<QSpinBox*>("size")->setValue(64);
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty(), 5000);
        QCOMPARE(panel->image().size(), QSize(64, 64));

        // Figure export writes the three files; the .npy is the engine's slice.
        QTemporaryDir dir;
        cw::exportFigures(dir.path(), *view, *panel->currentSlice(), panel->colorMap());
        QVERIFY(QFile::exists(dir.filePath("view.png")));
        QVERIFY(QFile::exists(dir.filePath("slice.png")));
        const cw::Image npy = cw::readNpyImage(dir.filePath("slice.npy").toStdString());
        QCOMPARE(cw::maxAbsDifference(npy, panel->currentSlice()->image), 0.0);

        // At a chosen resolution, independent of the window: view.png 4000 px wide, not blank,
        // plus the CrysTens figure; the widget's own picture is unchanged afterwards.
        const QSize before = view->grabView().size();
        QTemporaryDir big;
        cw::exportFigures(big.path(), *view, *panel->currentSlice(), panel->colorMap(),
                          window.crysTensPanel(), 4000);
        const QImage hires(big.filePath("view.png"));
        QCOMPARE(hires.width(), 4000);
        QVERIFY(hires.height() > 1000);
        QSet<QRgb> colours;
        for (int y = 0; y < hires.height(); y += 23)
            for (int x = 0; x < hires.width(); x += 23) colours.insert(hires.pixel(x, y));
        QVERIFY2(colours.size() > 50, "the 4000-px view looks blank");
        QVERIFY(!QImage(big.filePath("crystens.png")).isNull());
        QCOMPARE(view->grabView().size(), before);

        // Esc clears the picks and the slice.
        QSignalSpy cleared(view, &cw::CrystalView::picksCleared);
        QTest::keyClick(view->bridge(), Qt::Key_Escape);
        QCOMPARE(view->picks().size(), std::size_t(0));
        QCOMPARE(cleared.count(), 1);
        QVERIFY(!panel->currentSlice().has_value());
        QVERIFY(!view->planeFrame().has_value());

        // A plain click starts a new selection.
        click(*view, b, Qt::NoModifier);
        QCOMPARE(view->picks(), std::vector<Pick>{pickOf(*view, b)});
    }

    void atomHoverAndContextMenu() {
        cw::MainWindow window;
        QVERIFY(showExample(window));
        cw::CrystalView* view = window.crystalView();
        view->grabView();
        const std::vector<int> visible = visibleAtoms(*view);
        QVERIFY(!visible.empty());
        const int atom = visible.front();
        const cw::DisplayedAtom& a = view->atoms()[static_cast<std::size_t>(atom)];
        const cw::Site& site = view->structure().site(static_cast<std::size_t>(a.site));
        const QString tip = view->atomToolTip(atom);
        QVERIFY2(tip.startsWith(cw::element(site.z).symbol), qPrintable(tip));
        QVERIFY(tip.contains(QString("site %1").arg(a.site)));
        QVERIFY(tip.contains("translation ("));
        QVERIFY(view->atomToolTip(-1).isEmpty());

        std::unique_ptr<QMenu> menu(view->atomMenu(atom));
        QStringList names;
        for (QAction* action : menu->actions()) names << action->objectName();
        for (const char* name : {"centreOnAtom", "copyCoordinates", "selectAtom"})
            QVERIFY2(names.contains(name), name);
        auto action = [&](const char* name) {
            return menu->findChild<QAction*>(name) ? menu->findChild<QAction*>(name)
                                                   : menu->actions()[names.indexOf(name)];
        };

        // Copy Coordinates: fractional and Cartesian on the clipboard.
        QGuiApplication::clipboard()->clear();
        action("copyCoordinates")->trigger();
        const QString copied = QGuiApplication::clipboard()->text();
        const Eigen::Vector3d frac = site.frac + a.translation.cast<double>();
        const Eigen::Vector3d cart = view->structure().lattice().toCartesian(frac);
        QCOMPARE(copied, view->atomCoordinatesText(atom));
        QVERIFY2(copied.contains(QString("frac: (%1, %2, %3)")
                                     .arg(frac.x(), 0, 'f', 6)
                                     .arg(frac.y(), 0, 'f', 6)
                                     .arg(frac.z(), 0, 'f', 6)),
                 qPrintable(copied));
        QVERIFY(copied.contains(QString("cart: (%1, %2, %3) Å")
                                    .arg(cart.x(), 0, 'f', 6)
                                    .arg(cart.y(), 0, 'f', 6)
                                    .arg(cart.z(), 0, 'f', 6)));

        // Centre View on Atom: the focal point is the atom, the atom projects to the middle.
        action("centreOnAtom")->trigger();
        double focal[3];
        view->bridge()->renderer()->GetActiveCamera()->GetFocalPoint(focal);
        QVERIFY((Eigen::Vector3d(focal[0], focal[1], focal[2]) - a.position).norm() < 1e-9);
        view->grabView();
        const QPointF centre = view->projectToWidget(a.position);
        QVERIFY(std::abs(centre.x() - view->bridge()->width() / 2.0) < 3.0);
        QVERIFY(std::abs(centre.y() - view->bridge()->height() / 2.0) < 3.0);

        // Select: the atom is the one pick.
        action("selectAtom")->trigger();
        QCOMPARE(view->picks(), (std::vector<Pick>{Pick{a.site, a.translation}}));

        // A right click without drag on an atom opens the menu.
        const QPointF p = view->projectToWidget(a.position);
        QTest::mouseClick(view->bridge(), Qt::RightButton, Qt::NoModifier, p.toPoint());
        QTRY_VERIFY_WITH_TIMEOUT(qobject_cast<QMenu*>(QApplication::activePopupWidget()), 2000);
        QApplication::activePopupWidget()->close();
    }

    // After a plane is picked, Reset, View along and the next file frame the atoms, not the
    // slice window's quad (88 Å here against a 10 Å cell).
    void cameraFramesTheAtomsNotTheSliceWindow() {
        cw::MainWindow window;
        QVERIFY(showExample(window));
        cw::CrystalView* view = window.crystalView();
        cw::SliceParameters wide;
        wide.window = 88.0;
        view->setSliceParameters(wide);
        view->setPicks(cw::PickTriple{Pick{0, {0, 0, 0}}, Pick{1, {0, 0, 0}}, Pick{2, {0, 0, 0}}});
        auto framedShare = [view] {
            view->grabView();
            vtkRenderer* renderer = view->bridge()->renderer();
            const std::array<double, 6> b = view->framedBounds();
            double lo[2] = {1e9, 1e9}, hi[2] = {-1e9, -1e9};
            for (int corner = 0; corner < 8; ++corner) {
                renderer->SetWorldPoint(b[(corner & 1) ? 1 : 0], b[(corner & 2) ? 3 : 2], b[(corner & 4) ? 5 : 4], 1.0);
                renderer->WorldToDisplay();
                const double* d = renderer->GetDisplayPoint();
                for (int i = 0; i < 2; ++i) {
                    lo[i] = std::min(lo[i], d[i]);
                    hi[i] = std::max(hi[i], d[i]);
                }
            }
            const int* size = renderer->GetSize();
            return std::max((hi[0] - lo[0]) / size[0], (hi[1] - lo[1]) / size[1]);
        };
        for (int action = 0; action < 4; ++action) {
            if (action == 0) view->resetView();
            if (action == 1) view->viewAlong(0);
            if (action == 2) view->setRepeats({2, 1, 1});
            if (action == 3)
                QVERIFY(window.openFile(QString(CW_TEST_DATA_DIR) + "/cif/Li2O.cif", true));
            const double share = framedShare();
            QVERIFY2(share > 0.35 && share < 1.2, qPrintable(QString("action %1: the atoms span %2 of the view")
                                                                 .arg(action)
                                                                 .arg(share)));
        }
    }

    // The 3D view as a PNG with no background: the corners are fully transparent, the atoms
    // opaque with the colours of the ordinary picture.
    void transparentViewExport() {
        cw::MainWindow window;
        QVERIFY(showExample(window));
        cw::CrystalView* view = window.crystalView();
        const QImage opaque = view->renderImage(480).convertToFormat(QImage::Format_RGB32);
        const QImage clear = view->renderImage(480, true);
        QCOMPARE(clear.size(), opaque.size());
        if (!qEnvironmentVariableIsEmpty("CW_KEEP_FIGURES")) {
            clear.save(QDir::temp().filePath("cw_view_transparent.png"));
            opaque.save(QDir::temp().filePath("cw_view_opaque.png"));
        }
        QVERIFY(clear.hasAlphaChannel());
        QCOMPARE(qAlpha(clear.pixel(0, clear.height() - 1)), 0);
        QCOMPARE(qAlpha(clear.pixel(clear.width() - 1, 0)), 0);
        int sampled = 0, solid = 0, same = 0;
        for (int y = 0; y < clear.height(); y += 3)
            for (int x = 0; x < clear.width(); x += 3, ++sampled) {
                const QRgb c = clear.pixel(x, y);
                if (qAlpha(c) < 255) continue;
                ++solid;
                const QRgb o = opaque.pixel(x, y);
                same += std::abs(qRed(c) - qRed(o)) + std::abs(qGreen(c) - qGreen(o)) + std::abs(qBlue(c) - qBlue(o)) <= 9;
            }
        QVERIFY2(solid > sampled / 50, qPrintable(QString("%1 of %2").arg(solid).arg(sampled)));
        QVERIFY2(same >= solid * 95 / 100, qPrintable(QString("%1 of %2").arg(same).arg(solid)));
        QTemporaryDir dir;
        const QString path = dir.filePath("view.png");
        cw::exportViewImage(*view, path, 640, true);
        const QImage written(path);
        QCOMPARE(written.width(), 640);
        QVERIFY(written.hasAlphaChannel());
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, cw::exportViewImage(*view, dir.filePath("view.jpg"), 640, true));
    }

    // Distinct colours tell LiFePO4's Fe and P apart in the spheres and the legend.
    void distinctElementColours() {
        cw::MainWindow window;
        QVERIFY(showExample(window));
        cw::CrystalView* view = window.crystalView();
        view->setElementColorScheme(cw::ElementColorScheme::Jmol);
        QVERIFY(cw::colorDifference(view->elementColorMap().at(26), view->elementColorMap().at(15)) < 30);
        view->setElementColorScheme(cw::ElementColorScheme::Distinct);
        const auto& colors = view->elementColorMap();
        QVERIFY(cw::colorDifference(colors.at(26), colors.at(15)) >= cw::kDistinctDeltaE);
        for (const auto& a : view->atoms())
            QCOMPARE(a.color, colors.at(view->structure().site(static_cast<std::size_t>(a.site)).z));
        QCOMPARE(QSettings().value("view/elementColors").toString(), QString("distinct"));
        view->setElementColorScheme(cw::ElementColorScheme::Jmol);
    }

    void dragRotatesWithoutPicking() {
        cw::MainWindow window;
        QVERIFY(showExample(window));
        cw::CrystalView* view = window.crystalView();
        view->grabView();
        double before[3];
        view->bridge()->renderer()->GetActiveCamera()->GetPosition(before);
        QWidget* w = view->bridge();
        const QPoint start(w->width() / 2, w->height() / 2);
        QTest::mousePress(w, Qt::LeftButton, Qt::NoModifier, start);
        for (int i = 1; i <= 10; ++i) QTest::mouseMove(w, start + QPoint(8 * i, 3 * i));
        QTest::mouseRelease(w, Qt::LeftButton, Qt::NoModifier, start + QPoint(80, 30));
        double after[3];
        view->bridge()->renderer()->GetActiveCamera()->GetPosition(after);
        QVERIFY(std::abs(after[0] - before[0]) + std::abs(after[1] - before[1]) > 1e-3);
        QCOMPARE(view->picks().size(), std::size_t(0));
    }

    void badFileShowsErrorAndKeepsCrystal() {
        cw::MainWindow window;
        QVERIFY(showExample(window));
        const int spheres = window.crystalView()->sphereCount();
        QTemporaryDir dir;
        const QString bad = dir.filePath("broken.cif");
        {
            QFile f(bad);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("data_broken\n_cell_length_a 5\n_cell_length_b\nloop_\n_atom_site_label\n");
        }
        QString shown;
        QTimer::singleShot(200, [&shown] {
            if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
                shown = box->text();
                box->close();
            }
        });
        QVERIFY(!window.openFile(bad, false));
        QVERIFY2(!shown.isEmpty(), "no error dialog was shown");
        QVERIFY(shown.contains("broken.cif"));
        QCOMPARE(window.crystalView()->sphereCount(), spheres);
        QCOMPARE(QString::fromStdString(window.crystalView()->structure().reducedFormula()),
                 QString("LiFePO4"));
        QVERIFY(window.windowTitle().contains("LiFePO4.cif"));
    }

    // 20,000 impostor spheres render and turn (their speed is measured by workbench-bench, not
    // here): the picture is not blank and changes when the camera moves.
    void largeSupercellRenders() {
        cw::Lattice lattice(Eigen::Matrix3d::Identity() * 10.0);
        cw::Structure big(lattice, {});
        std::mt19937 rng(7);
        std::uniform_real_distribution<double> u(0.0, 1.0);
        const int zs[4] = {8, 26, 15, 3};
        for (int i = 0; i < 160; ++i) big.addSite({zs[i % 4], {u(rng), u(rng), u(rng)}, "", 1.0});
        cw::CrystalView view;
        view.resize(1024, 768);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setStructure(big);
        view.setRepeats({5, 5, 5});
        QCOMPARE(view.sphereCount(), 20000);
        const QImage before = view.grabView();
        QSet<QRgb> colours;
        for (int y = 0; y < before.height(); y += 5)
            for (int x = 0; x < before.width(); x += 5) colours.insert(before.pixel(x, y));
        QVERIFY2(colours.size() > 200, "20,000 spheres rendered a blank view");
        view.bridge()->renderer()->GetActiveCamera()->Azimuth(30.0);
        view.bridge()->requestRender();
        QVERIFY(view.grabView() != before);
        QCOMPARE(view.sphereCount(), 20000);
    }

    // Spheres are exact at any size: the pixel under an atom's projected centre has that atom's
    // element colour (shaded), and the pixel just beyond its projected radius does not belong to
    // it, in perspective and in orthographic views.
    void impostorSpheresHaveTheAtomsSize() {
        cw::Structure single(cw::Lattice(Eigen::Matrix3d::Identity() * 6.0), {});
        single.addSite({26, {0.5, 0.5, 0.5}, "", 1.0});  // one Fe atom in the middle
        cw::CrystalView view;
        view.resize(640, 480);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setStructure(single);
        for (bool ortho : {false, true}) {
            view.setOrthographic(ortho);
            const QImage picture = view.grabView();
            const cw::DisplayedAtom& fe = view.atoms().front();
            const QPointF centre = view.projectToWidget(fe.position);
            const double r = view.bridge()->pixelRatio();
            const QRgb middle = picture.pixel(int(centre.x() * r), int(centre.y() * r));
            // Lit from the camera: the sphere's centre is the element's colour, not darker than
            // 60 % nor a background grey.
            const auto& rgb = cw::element(26).colorRgb;
            QVERIFY2(qRed(middle) > 0.6 * rgb[0] && qGreen(middle) > 0.6 * rgb[1] &&
                         qBlue(middle) > 0.6 * rgb[2],
                     qPrintable(QString::number(middle, 16)));
            // Radius on screen: the distance to where the ray misses the sphere.
            const Eigen::Vector3d right = [&] {
                double up[3];
                view.bridge()->renderer()->GetActiveCamera()->GetViewUp(up);
                double dop[3];
                view.bridge()->renderer()->GetActiveCamera()->GetDirectionOfProjection(dop);
                return Eigen::Vector3d(dop[0], dop[1], dop[2])
                    .cross(Eigen::Vector3d(up[0], up[1], up[2]))
                    .normalized();
            }();
            const QPointF edge = view.projectToWidget(fe.position + right * fe.radius);
            const double radiusPx = QLineF(centre, edge).length() * r;
            QVERIFY(radiusPx > 8);
            const QRgb inside = picture.pixel(int(centre.x() * r + 0.8 * radiusPx), int(centre.y() * r));
            const QRgb outside = picture.pixel(int(centre.x() * r + 1.25 * radiusPx + 2), int(centre.y() * r));
            QVERIFY2(view.atomAt(QPointF(centre.x() + 0.8 * radiusPx / r, centre.y())) == 0,
                     "the analytic pick disagrees with the projected radius");
            QVERIFY2(inside != outside, qPrintable(QString("%1 %2").arg(inside, 0, 16).arg(outside, 0, 16)));
            QVERIFY2(qAbs(qRed(outside) - qBlue(outside)) < 40,
                     "beyond the sphere's radius the picture should be the grey-blue background");
        }
    }

    // A change is answered by an aliased frame at once; a still scene is refined with MSAA, which
    // changes the pixels along sphere edges and leaves the rest of the picture alone.
    void stillSceneIsRefinedWithAntiAliasing() {
        cw::CrystalView view;
        view.resize(640, 480);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setStructure(cw::readStructure(kLiFePO4.toStdString()));
        view.bridge()->requestRender();
        const QImage aliased = view.grabView();
        QVERIFY(!view.bridge()->isRefined());
        QTRY_VERIFY_WITH_TIMEOUT(view.bridge()->isRefined(), 5000);
        const QImage refined = view.grabView();  // not dirty: the refined frame, blitted again
        QVERIFY(view.bridge()->isRefined());
        QCOMPARE(refined.size(), aliased.size());
        qint64 changed = 0;
        for (int y = 0; y < refined.height(); ++y)
            for (int x = 0; x < refined.width(); ++x)
                changed += refined.pixel(x, y) != aliased.pixel(x, y);
        const qint64 all = qint64(refined.width()) * refined.height();
        qInfo("MSAA refinement changed %lld of %lld pixels", changed, all);
        QVERIFY2(changed > 300 && changed < all / 5, qPrintable(QString::number(changed)));
        // Turned off, nothing is refined.
        view.bridge()->setAntiAliasingSamples(0);
        view.grabView();
        QTest::qWait(cw::VtkBridge::kRefineDelayMs * 2);
        QVERIFY(!view.bridge()->isRefined());
    }

    // The Structure panel's rows and the 3D view share one selection.
    void siteTableAndViewShareTheSelection() {
        cw::MainWindow window;
        QVERIFY(showExample(window));
        cw::CrystalView* view = window.crystalView();
        view->setRepeats({2, 1, 1});
        auto* panel = window.findChild<cw::StructurePanel*>();
        QVERIFY(panel);
        const cw::Structure& s = view->structure();
        // All iron sites chosen in the table: every displayed image of them lights up.
        int ironSites = 0;
        for (std::size_t i = 0; i < s.size(); ++i) ironSites += s.site(i).z == 26;
        QVERIFY(ironSites > 0);
        panel->selectElement(26);
        QCOMPARE(static_cast<int>(view->highlightedSites().size()), ironSites);
        QCOMPARE(view->highlightedAtomCount(), 2 * ironSites);
        // A pick in the view selects its row and replaces the table's highlight.
        const std::vector<int> visible = visibleAtoms(*view);
        QVERIFY(!visible.empty());
        click(*view, visible[0], Qt::NoModifier);
        const int pickedSite = view->atoms()[static_cast<std::size_t>(visible[0])].site;
        QCOMPARE(panel->selectedSites(), std::vector<int>{pickedSite});
        QVERIFY(view->highlightedSites().empty());
        QCOMPARE(view->highlightedAtomCount(), 0);
        // Three rows → "Plane through selected" → the view's picks and the slice.
        auto* slicePanel = window.findChild<cw::SlicePanel*>();
        QSignalSpy ready(slicePanel, &cw::SlicePanel::sliceReady);
        int a = -1, b = -1, c = -1;
        for (int i = 0; i < int(s.size()) && c < 0; ++i)
            for (int j = i + 1; j < int(s.size()) && c < 0; ++j)
                for (int k = j + 1; k < int(s.size()) && c < 0; ++k)
                    if (!cw::areCollinear(s.lattice().toCartesian(s.site(i).frac),
                                          s.lattice().toCartesian(s.site(j).frac),
                                          s.lattice().toCartesian(s.site(k).frac))) {
                        a = i;
                        b = j;
                        c = k;
                    }
        panel->setSelectedSites({a, b, c});
        auto* planeButton = panel->findChild<QPushButton*>("planeThroughSelected");
        QVERIFY(planeButton->isEnabled());
        planeButton->click();
        const Eigen::Vector3i home = Eigen::Vector3i::Zero();
        QCOMPARE(view->picks(), (std::vector<Pick>{Pick{a, home}, Pick{b, home}, Pick{c, home}}));
        QVERIFY(view->planeFrame().has_value());
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty(), 5000);
        QCOMPARE(slicePanel->currentSlice()->metadata.picks,
                 (PickTriple{Pick{a, home}, Pick{b, home}, Pick{c, home}}));
        QCOMPARE(panel->selectedSites(), (std::vector<int>{a, b, c}));
    }
};

QTEST_MAIN(TestCrystalView)
#include "test_crystal_view.moc"
