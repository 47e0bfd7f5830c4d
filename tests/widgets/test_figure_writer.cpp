// Figure export of the 2-D panels (offscreen): the slice with its colour bar and the CrysTens
// images as PNG of the requested size, valid SVG and PDF, and the slice's .npy equal to the
// engine's slice.
#include <QAction>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QSignalSpy>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QtTest>

#include "core/error.h"
#include "core/image.h"
#include "core/npy.h"
#include "ecd/slicer.h"
#include "figures/figure_path.h"
#include "figures/figure_writer.h"
#include "known_structures.h"
#include "panels/crystens_panel.h"
#include "panels/slice_panel.h"

using cw::Pick;
using cw::PickTriple;

namespace {

PickTriple naclPicks() {
    return {Pick{0, {0, 0, 0}}, Pick{1, {0, 0, 0}}, Pick{6, {0, 0, 1}}};
}

// CW_KEEP_FIGURES=1 keeps the written figures for a look.
void keepIfAsked(QTemporaryDir& dir) {
    if (qEnvironmentVariableIsEmpty("CW_KEEP_FIGURES")) return;
    dir.setAutoRemove(false);
    qInfo("figures kept in %s", qPrintable(dir.path()));
}

QByteArray head(const QString& path, int n) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.read(n);
}

void checkFigures(const std::function<void(const QString&, int)>& write, const QString& dir,
                  const QString& stem, int width) {
    const QString png = dir + "/" + stem + ".png";
    write(png, width);
    const QImage image(png);
    QVERIFY(!image.isNull());
    QCOMPARE(image.width(), width);
    QVERIFY(image.height() > 0);
    // Not blank: more than a handful of colours.
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 7)
        for (int x = 0; x < image.width(); x += 7) colours.insert(image.pixel(x, y));
    QVERIFY2(colours.size() > 20, qPrintable(QString::number(colours.size())));

    const QString svg = dir + "/" + stem + ".svg";
    write(svg, 0);
    QSvgRenderer renderer(svg);
    QVERIFY(renderer.isValid());
    QVERIFY(head(svg, 200).contains("<svg") || head(svg, 400).contains("<svg"));

    const QString pdf = dir + "/" + stem + ".pdf";
    write(pdf, 0);
    QVERIFY(head(pdf, 5).startsWith("%PDF"));
    QVERIFY(QFileInfo(pdf).size() > 1000);
    // Images are deflated, never JPEG (whose artefacts shift a colour map's colours).
    const QByteArray bytes = head(pdf, 1 << 26);
    QVERIFY2(!bytes.contains("/DCTDecode"), qPrintable(pdf + " embeds a JPEG image"));
    QVERIFY(bytes.contains("/FlateDecode"));
}

}  // namespace

class TestFigureWriter : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void formatFollowsTheSuffix() {
        QCOMPARE(cw::figureFormatFor("a/b.PNG"), cw::FigureFormat::Png);
        QCOMPARE(cw::figureFormatFor("b.svg"), cw::FigureFormat::Svg);
        QCOMPARE(cw::figureFormatFor("b.pdf"), cw::FigureFormat::Pdf);
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, cw::figureFormatFor("b.jpg"));
    }

    // A name typed without an extension takes the chosen file type's.
    void extensionFromTheChosenFileType() {
        QCOMPARE(cw::pathWithFilterSuffix("/tmp/slice", "PDF document (*.pdf)"), QString("/tmp/slice.pdf"));
        QCOMPARE(cw::pathWithFilterSuffix("/tmp/slice.PDF", "PDF document (*.pdf)"), QString("/tmp/slice.PDF"));
        QCOMPARE(cw::pathWithFilterSuffix("/tmp/a.b/slice", "PNG image (*.png)"), QString("/tmp/a.b/slice.png"));
        QCOMPARE(cw::pathWithFilterSuffix("/tmp/slice.v2", "SVG drawing (*.svg)"), QString("/tmp/slice.v2.svg"));
        QCOMPARE(cw::pathWithFilterSuffix("/tmp/slice", "All files (*)"), QString("/tmp/slice"));
        QCOMPARE(cw::pathWithFilterSuffix("", "PNG image (*.png)"), QString());
        QCOMPARE(cw::figureFormatFor(cw::pathWithFilterSuffix("fig", "SVG drawing (*.svg)")), cw::FigureFormat::Svg);
    }

    void sliceFigures() {
        cw::SlicePanel panel;
        const cw::Structure nacl = cw::test::rockSaltNaCl();
        panel.setStructure(nacl);
        QTemporaryDir dir;
        keepIfAsked(dir);
        // No slice yet: nothing to export.
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, panel.exportFigure(dir.filePath("x.png")));
        QSignalSpy ready(&panel, &cw::SlicePanel::sliceReady);
        panel.setPicks(naclPicks());
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty(), 5000);
        for (int width : {300, 2400})
            checkFigures([&](const QString& path, int w) { panel.exportFigure(path, w ? w : 1200); },
                         dir.path(), QString("slice%1").arg(width), width);

        // The .npy is exactly the engine's slice.
        panel.exportFigure(dir.filePath("slice.npy"));
        const cw::SliceResult expected = cw::sliceStructure(nacl, naclPicks(), panel.parameters());
        const cw::Image npy = cw::readNpyImage(dir.filePath("slice.npy").toStdString());
        QCOMPARE(npy.rows, expected.image.rows);
        QCOMPARE(cw::maxAbsDifference(npy, expected.image), 0.0);

        // The context menu of the picture offers the exports.
        auto* picture = panel.findChild<QLabel*>("slicePicture");
        QVERIFY(picture);
        QCOMPARE(picture->contextMenuPolicy(), Qt::ActionsContextMenu);
        QStringList names;
        for (QAction* a : picture->actions()) names << a->objectName();
        QVERIFY(names.contains("exportSliceFigure"));
        QVERIFY(names.contains("exportSliceNpy"));
    }

    void crysTensFigures() {
        cw::CrysTensPanel panel;
        panel.setStructure(cw::test::rockSaltNaCl());
        QVERIFY(panel.hasEncoding());
        QVERIFY(panel.siteCount() > 0);
        QTemporaryDir dir;
        keepIfAsked(dir);
        checkFigures([&](const QString& path, int w) { panel.exportFigure(path, w ? w : 1600); },
                     dir.path(), "crystens", 1000);
        // The block outline is drawn: the PNG holds the block colour.
        const QImage image(dir.filePath("crystens.png"));
        bool found = false;
        for (int y = 0; y < image.height() && !found; ++y)
            for (int x = 0; x < image.width() && !found; ++x)
                found = QColor(image.pixel(x, y)) == cw::kEncodingBlockColor;
        QVERIFY(found);
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, panel.exportFigure(dir.filePath("c.bmp")));
    }
};

QTEST_MAIN(TestFigureWriter)
#include "test_figure_writer.moc"
