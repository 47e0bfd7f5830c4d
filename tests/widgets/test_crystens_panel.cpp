// The CrysTens / xtal2png panel shows the engine's encodings and says what each pixel holds.
#include <QLabel>
#include <QMouseEvent>
#include <QtTest>

#include "encoding/crystens.h"
#include "encoding/xtal2png.h"
#include "known_structures.h"
#include "panels/crystens_panel.h"

namespace {

// The centre of pixel (row, column) in a view that draws the 64 × 64 image as a centred square.
QPoint pixelCentre(const QWidget* view, int row, int column) {
    const int side = std::min(view->width(), view->height());
    const double scale = side / 64.0;
    return QPoint((view->width() - side) / 2 + static_cast<int>((column + 0.5) * scale),
                  (view->height() - side) / 2 + static_cast<int>((row + 0.5) * scale));
}

}  // namespace

class TestCrysTensPanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void xtal2pngPixelsAreTheEncoders() {
        cw::CrysTensPanel panel;
        const cw::Structure nacl = cw::test::rockSaltNaCl();
        panel.setStructure(nacl);
        QVERIFY(panel.hasEncoding());
        const cw::Xtal2PngImage expected = cw::encodeXtal2Png(nacl);
        const QImage shown = panel.xtal2pngImage();
        QCOMPARE(shown.width(), 64);
        QCOMPARE(shown.height(), 64);
        QCOMPARE(shown.format(), QImage::Format_Grayscale8);
        for (int r = 0; r < 64; ++r)
            for (int k = 0; k < 64; ++k)
                QCOMPARE(int(shown.constScanLine(r)[k]), int(expected(r, k)));
        // The published reference values (docs/spec/encodings.md).
        QCOMPARE(int(shown.constScanLine(12)[0]), 22);
        QCOMPARE(int(shown.constScanLine(12)[4]), 70);
        QCOMPARE(int(shown.constScanLine(12)[11]), 249);
        for (int ch = 0; ch < 4; ++ch) QCOMPARE(panel.crysTensImage(ch).size(), QSize(64, 64));
    }

    void hoverNamesSiteAndFeature() {
        cw::CrysTensPanel panel;
        panel.setStructure(cw::test::rockSaltNaCl());
        const QString text = panel.describeXtal2PngPixel(12, 0);
        QVERIFY2(text.contains("site 0 (Na)"), qPrintable(text));
        QVERIFY2(text.contains("E = Z − 1") && text.contains("atomic number"), qPrintable(text));
        QVERIFY2(text.contains("pixel 22"), qPrintable(text));
        QVERIFY(panel.describeXtal2PngPixel(12, 4).contains("a = 5.640 Å (pixel 70)"));
        // Mirror, pairwise block, padding, and a CrysTens channel.
        QVERIFY(panel.describeXtal2PngPixel(4, 16).contains("site 4 (Cl)"));
        QVERIFY(panel.describeXtal2PngPixel(12, 16).contains("distance = 2.820 Å"));
        QVERIFY(panel.describeXtal2PngPixel(30, 30).contains("padding"));
        const QString pair = panel.describeCrysTensPixel(0, 13, 15);
        QVERIFY2(pair.contains("pair (site 1, site 3): |Δf| = 0.707 (channel 0"), qPrintable(pair));

        // A real mouse move over the xtal2png view puts the same text in the status line.
        panel.resize(1000, 420);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        auto* view = panel.findChild<QWidget*>("crysTensView0");
        QVERIFY(view);
        const QPoint at = pixelCentre(view, 12, 0);
        QMouseEvent move(QEvent::MouseMove, at, view->mapToGlobal(at), Qt::NoButton, Qt::NoButton,
                         Qt::NoModifier);
        QApplication::sendEvent(view, &move);
        QCOMPARE(panel.statusText(), text);
    }

    void usesTheSourcesSpaceGroup() {
        cw::Structure nacl = cw::test::rockSaltNaCl();
        nacl.setProperty("symmetry_number", 221);  // deliberately not 225: the panel must trust it
        cw::CrysTensPanel panel;
        panel.setStructure(nacl);
        cw::Xtal2PngOptions options;
        options.knownSpaceGroup = 221;
        QCOMPARE(int(panel.xtal2pngImage().constScanLine(12)[11]),
                 int(cw::encodeXtal2Png(nacl, options)(12, 11)));
        QVERIFY(panel.describeXtal2PngPixel(12, 11).contains("space group = 221"));
    }

    void unencodableStructuresShowAMessage() {
        cw::Structure big{cw::Lattice(Eigen::Matrix3d::Identity() * 20.0), {}};
        for (int i = 0; i < 60; ++i)
            big.addSite({14, Eigen::Vector3d((i % 4) * 0.25, ((i / 4) % 4) * 0.25, (i / 16) * 0.25),
                         "", 1.0});
        cw::CrysTensPanel panel;
        panel.setStructure(big);
        QVERIFY(!panel.hasEncoding());
        QVERIFY(panel.xtal2pngImage().isNull());
        QVERIFY2(panel.errorMessage().contains("60"), qPrintable(panel.errorMessage()));
        auto* error = panel.findChild<QLabel*>("crysTensError");
        QVERIFY(error && error->isVisibleTo(&panel));
        QVERIFY(error->text().contains("Cannot encode"));
        QVERIFY(panel.describeXtal2PngPixel(12, 0).isEmpty());

        cw::Structure partial = cw::test::rockSaltNaCl();
        partial.sites()[0].occupancy = 0.5;
        panel.setStructure(partial);
        QVERIFY(!panel.hasEncoding());
        QVERIFY(panel.errorMessage().contains("occupan"));

        panel.setStructure(cw::test::rockSaltNaCl());  // recovers
        QVERIFY(panel.hasEncoding());
        QVERIFY(!error->isVisibleTo(&panel));
    }
};

QTEST_MAIN(TestCrysTensPanel)
#include "test_crystens_panel.moc"
