// The ECD slice panel computes on its worker thread exactly the engine's slice for the picks and
// parameters it holds, drops stale requests and reports bad planes.
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QSignalSpy>
#include <QtTest>

#include "core/image.h"
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
        QVERIFY(ready.wait(5000));
        QVERIFY(panel.currentSlice().has_value());
        const cw::SliceResult expected = cw::sliceStructure(nacl, naclPicks(), panel.parameters());
        QCOMPARE(cw::maxAbsDifference(panel.currentSlice()->image, expected.image), 0.0);
        QCOMPARE(panel.currentSlice()->metadata.atomsInWindow, expected.metadata.atomsInWindow);
        QCOMPARE(panel.image(), cw::SlicePanel::toQImage(expected.image, cw::ColorMap::Viridis));
        QCOMPARE(panel.image().size(), QSize(256, 256));
        const auto* atoms = panel.findChild<QLabel*>("atomsInWindow");
        QVERIFY(atoms->text().contains(QString::number(expected.metadata.atomsInWindow)));
        // The signal carries the same slice.
        const auto fromSignal = ready.takeFirst().at(0).value<cw::SliceResult>();
        QCOMPARE(cw::maxAbsDifference(fromSignal.image, expected.image), 0.0);
        qInfo("latency from request to picture: %.2f ms", panel.lastLatencyMs());
        QVERIFY(panel.lastLatencyMs() < 1000.0);
    }

    void parameterChangeRecomputes() {
        cw::SlicePanel panel;
        const cw::Structure nacl = cw::test::rockSaltNaCl();
        panel.setStructure(nacl);
        QSignalSpy ready(&panel, &cw::SlicePanel::sliceReady);
        QSignalSpy changed(&panel, &cw::SlicePanel::parametersChanged);
        panel.setPicks(naclPicks());
        QVERIFY(ready.wait(5000));
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
        QVERIFY(ready.wait(5000));
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
        QVERIFY(failed.wait(5000));
        QVERIFY(!panel.currentSlice().has_value());
        QVERIFY(panel.findChild<QLabel*>("sliceStatus")->text().contains("ollinear"));
    }

    void newStructureClearsSlice() {
        cw::SlicePanel panel;
        panel.setStructure(cw::test::rockSaltNaCl());
        QSignalSpy ready(&panel, &cw::SlicePanel::sliceReady);
        panel.setPicks(naclPicks());
        QVERIFY(ready.wait(5000));
        panel.setStructure(cw::test::diamondSilicon());
        QVERIFY(!panel.currentSlice().has_value());
        QVERIFY(panel.image().isNull());
    }
};

QTEST_MAIN(TestSlicePanel)
#include "test_slice_panel.moc"
