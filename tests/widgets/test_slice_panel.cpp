// The ECD slice panel computes on its worker thread exactly the engine's slice for the picks and
// parameters it holds, drops stale requests and reports bad planes.
#include <QApplication>
#include <QComboBox>
#include <QMouseEvent>
#include <QWheelEvent>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QSignalSpy>
#include <QtTest>

#include "core/image.h"
#include "ecd/chgcar.h"
#include "ecd/slicer.h"
#include "known_structures.h"
#include "panels/slice_panel.h"

using cw::Pick;
using cw::PickTriple;

namespace {
// Na(0,0,0), Na(½,½,0), Cl(0,0,½) image at +c: the (1-10)-ish plane through three sites.
PickTriple naclPicks() {
    return {Pick{0, {0, 0, 0}}, Pick{1, {0, 0, 0}}, Pick{6, {0, 0, 1}}};
}
}  // namespace

class TestSlicePanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sliceEqualsEngine() {
        cw::SlicePanel panel;
        const cw::Structure nacl = cw::test::rockSaltNaCl();
        panel.setStructure(nacl);
        QSignalSpy ready(&panel, &cw::SlicePanel::sliceReady);
        panel.setPicks(naclPicks());
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty(), 5000);
        QVERIFY(panel.currentSlice().has_value());
        const cw::SliceResult expected = cw::sliceStructure(nacl, naclPicks(), panel.parameters());
        QCOMPARE(cw::maxAbsDifference(panel.currentSlice()->image, expected.image), 0.0);
        QCOMPARE(panel.currentSlice()->metadata.atomsInWindow, expected.metadata.atomsInWindow);
        QCOMPARE(panel.image(), cw::SlicePanel::toQImage(expected.image, cw::ColorMap::Viridis));
        QCOMPARE(panel.image().size(), QSize(256, 256));
        const auto* atoms = panel.findChild<QLabel*>("atomsInWindow");
        QVERIFY(atoms->text().contains(QString::number(expected.metadata.atomsInWindow)));
        // Delivered once, whichever came first: the bounded wait or the worker's queued signal.
        QTest::qWait(100);
        QCOMPARE(ready.count(), 1);
        // The signal carries the same slice.
        const auto fromSignal = ready.takeFirst().at(0).value<cw::SliceResult>();
        QCOMPARE(cw::maxAbsDifference(fromSignal.image, expected.image), 0.0);
        qInfo("latency from request to picture: %.2f ms", panel.lastLatencyMs());
    }

    void parameterChangeRecomputes() {
        cw::SlicePanel panel;
        const cw::Structure nacl = cw::test::rockSaltNaCl();
        panel.setStructure(nacl);
        QSignalSpy ready(&panel, &cw::SlicePanel::sliceReady);
        QSignalSpy changed(&panel, &cw::SlicePanel::parametersChanged);
        panel.setPicks(naclPicks());
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty(), 5000);
        auto* sigma = panel.findChild<QDoubleSpinBox*>("sigma");
        auto* window = panel.findChild<QDoubleSpinBox*>("window");
        QVERIFY(sigma && window);
        ready.clear();
        // A burst of edits: only the latest parameters may end up on screen.
        sigma->setValue(0.4);
        window->setValue(20.0);
        sigma->setValue(0.5);
        QCOMPARE(changed.count(), 3);
        QTRY_VERIFY_WITH_TIMEOUT(
            panel.currentSlice() && panel.currentSlice()->metadata.parameters == panel.parameters(),
            5000);
        QVERIFY(ready.count() >= 1 && ready.count() <= 3);
        cw::SliceParameters p;
        p.sigma = 0.5;
        p.window = 20.0;
        QCOMPARE(panel.parameters(), p);
        const cw::SliceResult expected = cw::sliceStructure(nacl, naclPicks(), p);
        QCOMPARE(cw::maxAbsDifference(panel.currentSlice()->image, expected.image), 0.0);

        // The colour map only recolours.
        ready.clear();
        panel.setColorMap(cw::ColorMap::Gray);
        QCOMPARE(panel.image(), cw::SlicePanel::toQImage(expected.image, cw::ColorMap::Gray));
        QCOMPARE(ready.count(), 0);

        // Volume per atom "off" keeps the cell.
        panel.findChild<QDoubleSpinBox*>("volumePerAtom")->setValue(0.0);
        QVERIFY(!panel.parameters().volumePerAtom.has_value());
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty(), 5000);
        p.volumePerAtom.reset();
        QCOMPARE(cw::maxAbsDifference(panel.currentSlice()->image,
                                      cw::sliceStructure(nacl, naclPicks(), p).image),
                 0.0);
    }

    void collinearPicksReportAnError() {
        cw::SlicePanel panel;
        panel.setStructure(cw::test::rockSaltNaCl());
        QSignalSpy failed(&panel, &cw::SlicePanel::sliceFailed);
        // Na(0,0,0), Cl(½,0,0), Na(0,0,0)+a: one line.
        panel.setPicks({Pick{0, {0, 0, 0}}, Pick{4, {0, 0, 0}}, Pick{0, {1, 0, 0}}});
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 5000);
        QVERIFY(!panel.currentSlice().has_value());
        QVERIFY(panel.findChild<QLabel*>("sliceStatus")->text().contains("ollinear"));
    }

    void newStructureClearsSlice() {
        cw::SlicePanel panel;
        panel.setStructure(cw::test::rockSaltNaCl());
        QSignalSpy ready(&panel, &cw::SlicePanel::sliceReady);
        panel.setPicks(naclPicks());
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty(), 5000);
        panel.setStructure(cw::test::diamondSilicon());
        QVERIFY(!panel.currentSlice().has_value());
        QVERIFY(panel.image().isNull());
    }

    void wheelZoomsAndDragPans() {
        cw::SlicePanel panel;
        panel.resize(400, 700);
        panel.show();
        panel.setStructure(cw::test::rockSaltNaCl());
        QSignalSpy ready(&panel, &cw::SlicePanel::sliceReady);
        panel.setPicks(naclPicks());
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty(), 5000);
        QCOMPARE(panel.visibleRect(), QRectF(0, 0, 256, 256));
        auto* picture = panel.findChild<QLabel*>("slicePicture");
        QVERIFY(picture);
        const QPointF middle(picture->contentsRect().center());
        // Two wheel steps in at the middle: 1.25² zoom, still centred.
        QWheelEvent wheel(middle, picture->mapToGlobal(middle), QPoint(), QPoint(0, 240),
                          Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(picture, &wheel);
        QVERIFY(std::abs(panel.zoom() - 1.5625) < 1e-9);
        const QRectF zoomed = panel.visibleRect();
        QVERIFY(std::abs(zoomed.width() - 256 / 1.5625) < 1e-6);
        QVERIFY(std::abs(zoomed.center().x() - 128.0) < 1.0);
        // The picture shows the zoomed part: the pixmap's pixels come from the middle.
        QVERIFY(!picture->pixmap().isNull());
        // A drag to the right pans to the left part of the slice.
        QMouseEvent press(QEvent::MouseButtonPress, middle, picture->mapToGlobal(middle),
                          Qt::LeftButton, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(picture, &press);
        const QPointF to = middle + QPointF(40, 0);
        QMouseEvent move(QEvent::MouseMove, to, picture->mapToGlobal(to), Qt::NoButton,
                         Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(picture, &move);
        QMouseEvent release(QEvent::MouseButtonRelease, to, picture->mapToGlobal(to),
                            Qt::LeftButton, Qt::NoButton, Qt::NoModifier);
        QApplication::sendEvent(picture, &release);
        QVERIFY(panel.visibleRect().center().x() < zoomed.center().x() - 1.0);
        QCOMPARE(panel.visibleRect().width(), zoomed.width());
        // Panning never leaves the image; zoom is clamped to 1…32.
        panel.pan(-10000, -10000);
        QVERIFY(std::abs(panel.visibleRect().left()) < 1e-9);
        QVERIFY(std::abs(panel.visibleRect().top()) < 1e-9);
        panel.setZoom(1000);
        QCOMPARE(panel.zoom(), 32.0);
        // A double click shows the whole slice again.
        QMouseEvent dbl(QEvent::MouseButtonDblClick, middle, picture->mapToGlobal(middle),
                        Qt::LeftButton, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(picture, &dbl);
        QCOMPARE(panel.visibleRect(), QRectF(0, 0, 256, 256));
    }

    void chgcarSliceBesideTheSynthetic() {
        const auto data = std::make_shared<const cw::ChgcarData>(
            cw::readChgcar(std::string(CW_TEST_DATA_DIR) + "/ecd/CHGCAR.nospin.gz"));
        cw::SlicePanel panel;
        panel.setStructure(data->structure);
        panel.setChgcar(data);
        QVERIFY(panel.hasChgcar());
        QSignalSpy ready(&panel, &cw::SlicePanel::sliceReady);
        QSignalSpy real(&panel, &cw::SlicePanel::realSliceReady);
        const PickTriple picks{Pick{0, {0, 0, 0}}, Pick{0, {1, 0, 0}}, Pick{0, {0, 1, 0}}};
        panel.setPicks(picks);
        QVERIFY(real.wait(5000));
        QCOMPARE(ready.count(), 1);
        const cw::SliceResult expected = cw::sliceChgcar(*data, picks, panel.parameters());
        QVERIFY(panel.currentRealSlice().has_value());
        QCOMPARE(cw::maxAbsDifference(panel.currentRealSlice()->image, expected.image), 0.0);
        QCOMPARE(panel.realImage().size(), QSize(expected.image.cols, expected.image.rows));
        QVERIFY(panel.findChild<QLabel*>("realSlicePicture")->isVisibleTo(&panel));
        // A new structure forgets the density.
        panel.setStructure(cw::test::rockSaltNaCl());
        QVERIFY(!panel.hasChgcar());
        QVERIFY(!panel.currentRealSlice().has_value());
        QVERIFY(!panel.findChild<QLabel*>("realSlicePicture")->isVisibleTo(&panel));
    }
};

QTEST_MAIN(TestSlicePanel)
#include "test_slice_panel.moc"
