// The Gallery panel (widgets/panels/gallery_panel.h) on evaluations of a tiny real ECD data set
// against itself and against a thinned copy: ordering by nearest distance and by atom count,
// each pair's right tile is the nearest training slice (checked against a brute-force search
// on the pixels), blob overlays drawn at findBlobs positions (pixel colours of thumbnails and
// of the grabbed view), click to enlarge, the figure export's size, and lazy thumbnails for a
// thousand images.
#include <QComboBox>
#include <QDialog>
#include <QImage>
#include <QListView>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <limits>

#include "core/atomic_file.h"
#include "core/error.h"
#include "figures/gallery_figure.h"
#include "models/gallery_model.h"
#include "panels/gallery_panel.h"
#include "tiny_evaluation.h"

using cw::GalleryModel;

namespace {

bool reddish(QColor c) {
    return c.red() - c.green() > 60 && c.red() - c.blue() > 60;
}

int reddishPixels(const QImage& image) {
    int count = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            if (reddish(image.pixelColor(x, y))) ++count;
    return count;
}

// Is there a reddish pixel within 1.5 px of the circle of radius r around (cx, cy)?
bool circleAt(const QImage& image, double cx, double cy, double r) {
    for (int y = static_cast<int>(cy - r - 2); y <= static_cast<int>(cy + r + 2); ++y)
        for (int x = static_cast<int>(cx - r - 2); x <= static_cast<int>(cx + r + 2); ++x) {
            if (x < 0 || y < 0 || x >= image.width() || y >= image.height()) continue;
            const double d = std::hypot(x + 0.5 - cx, y + 0.5 - cy);
            if (std::abs(d - r) <= 1.5 && reddish(image.pixelColor(x, y))) return true;
        }
    return false;
}

// Brute-force nearest training image by squared pixel difference.
std::size_t nearestByBruteForce(const cw::EvalImages& real, const cw::EvalImages& generated,
                                std::size_t g, double* bestDistance) {
    double best = std::numeric_limits<double>::infinity();
    std::size_t bestIndex = 0;
    for (std::size_t t = 0; t < real.count(); ++t) {
        double sum = 0;
        for (std::size_t k = 0; k < real.itemSize(); ++k) {
            const double d = double(real.item(t)[k]) - double(generated.item(g)[k]);
            sum += d * d;
        }
        if (sum < best) {
            best = sum;
            bestIndex = t;
        }
    }
    *bestDistance = std::sqrt(best / static_cast<double>(real.itemSize()));
    return bestIndex;
}

// A hand-made evaluation of `count` generated images (copies of the real ones), for the
// laziness test: no engine work, only what the panel draws.
cw::EvaluationDataPtr largeEvaluation(const cw::EvaluationData& base, std::size_t count) {
    auto data = std::make_shared<cw::EvaluationData>();
    data->request = base.request;
    data->real = base.real;
    auto generated = std::make_shared<cw::EvalImages>();
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t source = i % base.real->count();
        generated->append("copy-" + std::to_string(i), base.real->channels, base.real->height,
                          base.real->width, base.real->item(source));
        data->result.pixelNeighbours.push_back({source, 0.001 * static_cast<double>(i % 97)});
        data->result.generatedAtomCounts.push_back(base.result.realAtomCounts[source]);
    }
    data->generated = std::move(generated);
    data->result.realAtomCounts = base.result.realAtomCounts;
    data->result.realCount = base.real->count();
    data->result.generatedCount = count;
    return data;
}

}  // namespace

class TestGalleryPanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        const cw::test::TinyEvaluations tiny = cw::test::evaluateTiny(m_dir);
        m_self = tiny.self;
        m_other = tiny.other;
        QVERIFY(m_self && m_other);
    }

    void orderedByDistanceWithNearestOnTheRight() {
        cw::GalleryPanel panel;
        panel.setEvaluation(m_other);
        GalleryModel* model = panel.model();
        QCOMPARE(model->sort(), GalleryModel::Sort::DistanceAscending);
        const int rows = model->rowCount();
        QCOMPARE(rows, static_cast<int>(m_other->generated->count()));
        model->setTileSize(96);
        const int tile = model->tileSize();
        const int scale = tile / m_other->real->width;  // 96 / 32: whole pixels
        QCOMPARE(scale * m_other->real->width, tile);
        std::vector<bool> seen(static_cast<std::size_t>(rows), false);
        for (int row = 0; row < rows; ++row) {
            if (row > 0) QVERIFY(model->distance(row - 1) <= model->distance(row));
            const std::size_t g = model->generatedIndex(row);
            QVERIFY(!seen[g]);
            seen[g] = true;
            double distance = 0;
            const std::size_t expected =
                nearestByBruteForce(*m_other->real, *m_other->generated, g, &distance);
            QVERIFY(std::abs(model->distance(row) - distance) < 1e-5);
            const std::size_t t = model->trainingIndex(row);
            QCOMPARE(t, m_other->result.pixelNeighbours[g].index);
            // Another index is fine only as a tie (identical training slices exist).
            if (t != expected) {
                double tied = 0;
                for (std::size_t k = 0; k < m_other->real->itemSize(); ++k) {
                    const double d =
                        double(m_other->real->item(t)[k]) - double(m_other->generated->item(g)[k]);
                    tied += d * d;
                }
                QVERIFY(std::abs(std::sqrt(tied / double(m_other->real->itemSize())) - distance) <
                        1e-6);
            }
            // The thumbnail shows the generated slice left and training slice t right, pixel
            // for pixel (enlarged without smoothing).
            const QImage thumb = model->thumbnail(row);
            QCOMPARE(thumb.size(), cw::pairImageSize(tile));
            const QRectF right = cw::pairTileRect(tile, true);
            for (int r = 0; r < m_other->real->height; r += 3)
                for (int c = 0; c < m_other->real->width; c += 3) {
                    const auto expectValue = [&](const cw::EvalImages& images, std::size_t i) {
                        const float v =
                            images.item(i)[static_cast<std::size_t>(r) * images.width + c];
                        return static_cast<int>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f));
                    };
                    const int x = c * scale + scale / 2, y = r * scale + scale / 2;
                    QCOMPARE(qGray(thumb.pixel(x, y)), expectValue(*m_other->generated, g));
                    QCOMPARE(qGray(thumb.pixel(static_cast<int>(right.left()) + x, y)),
                             expectValue(*m_other->real, t));
                }
        }
        QVERIFY(model->distance(rows - 1) > 0.0);

        panel.setSort(GalleryModel::Sort::DistanceDescending);
        for (int row = 1; row < rows; ++row)
            QVERIFY(model->distance(row - 1) >= model->distance(row));
    }

    void selfEvaluationPairsIdenticalSlices() {
        cw::GalleryPanel panel;
        panel.setEvaluation(m_self);
        GalleryModel* model = panel.model();
        for (int row = 0; row < model->rowCount(); ++row) {
            QCOMPARE(model->distance(row), 0.0);
            const QImage thumb = model->thumbnail(row);
            const int tile = model->tileSize();
            QCOMPARE(thumb.copy(cw::pairTileRect(tile, false).toRect()),
                     thumb.copy(cw::pairTileRect(tile, true).toRect()));
        }
    }

    void sortedByAtomCount() {
        cw::GalleryPanel panel;
        panel.setEvaluation(m_other);
        GalleryModel* model = panel.model();
        panel.setSort(GalleryModel::Sort::CountAscending);
        const auto& counts = m_other->result.generatedAtomCounts;
        for (int row = 0; row < model->rowCount(); ++row) {
            QCOMPARE(model->atomCount(row), counts[model->generatedIndex(row)]);
            if (row > 0) QVERIFY(model->atomCount(row - 1) <= model->atomCount(row));
        }
        QVERIFY(model->atomCount(0) < model->atomCount(model->rowCount() - 1));
        QVERIFY2(model->caption(0).startsWith(QString("%1 atoms").arg(model->atomCount(0))),
                 qPrintable(model->caption(0)));
        panel.setSort(GalleryModel::Sort::CountDescending);
        for (int row = 1; row < model->rowCount(); ++row)
            QVERIFY(model->atomCount(row - 1) >= model->atomCount(row));
        panel.setSort(GalleryModel::Sort::FileOrder);
        for (int row = 0; row < model->rowCount(); ++row)
            QCOMPARE(model->generatedIndex(row), static_cast<std::size_t>(row));
        // The combo box follows and drives the order.
        auto* box = panel.findChild<QComboBox*>("gallerySortBox");
        QVERIFY(box);
        QCOMPARE(box->currentIndex(), static_cast<int>(GalleryModel::Sort::FileOrder));
        box->setCurrentIndex(static_cast<int>(GalleryModel::Sort::CountAscending));
        QCOMPARE(model->sort(), GalleryModel::Sort::CountAscending);
    }

    void blobOverlays() {
        cw::GalleryPanel panel;
        panel.setEvaluation(m_self);
        panel.setSort(GalleryModel::Sort::CountDescending);  // row 0 has the most atoms
        GalleryModel* model = panel.model();
        QVERIFY(model->atomCount(0) >= 2);
        const int tile = model->tileSize();
        const double scale = double(tile) / m_self->generated->width;
        const double radius = std::max(2.5, model->blobRadius() * scale);

        QCOMPARE(reddishPixels(model->thumbnail(0)), 0);
        panel.setOverlays(true);
        const QImage thumb = model->thumbnail(0);
        const std::vector<cw::Blob>& blobs = model->blobs(false, model->generatedIndex(0));
        QCOMPARE(static_cast<double>(blobs.size()), model->atomCount(0));
        const cw::Image slice = m_self->generated->channelImage(model->generatedIndex(0));
        QCOMPARE(blobs.size(), cw::findBlobs(slice, m_self->request.evaluation.counting).size());
        for (const cw::Blob& b : blobs) {
            // Circles of blobs at the tile's edge are clipped; test those inside.
            const double cx = (b.col + 0.5) * scale, cy = (b.row + 0.5) * scale;
            if (cx < radius + 2 || cy < radius + 2 || cx > tile - radius - 2 ||
                cy > tile - radius - 2)
                continue;
            QVERIFY2(circleAt(thumb, cx, cy, radius), qPrintable(QString("%1,%2").arg(cx).arg(cy)));
            // The right tile (the same slice: self evaluation) has its circles too.
            QVERIFY(circleAt(thumb, cx + cw::pairTileRect(tile, true).left(), cy, radius));
        }
        if (qEnvironmentVariableIsSet("CW_KEEP_TEST_OUTPUT"))
            thumb.save(m_dir.filePath("overlay-thumbnail.png"));
        // Red only on circles: every reddish pixel of the left tile lies on the circle of
        // some blob.
        for (int y = 0; y < tile; ++y)
            for (int x = 0; x < tile; ++x) {
                if (!reddish(thumb.pixelColor(x, y))) continue;
                bool onCircle = false;
                for (const cw::Blob& b : blobs)
                    onCircle = onCircle || std::abs(std::hypot(x + 0.5 - (b.col + 0.5) * scale,
                                                               y + 0.5 - (b.row + 0.5) * scale) -
                                                    radius) <= 1.5;
                QVERIFY2(onCircle, qPrintable(QString("red at %1,%2").arg(x).arg(y)));
            }

        // The view on screen shows the circles too; without overlays it has none.
        panel.resize(900, 600);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QApplication::processEvents();
        QVERIFY(reddishPixels(panel.view()->viewport()->grab().toImage()) > 50);
        panel.setOverlays(false);
        QApplication::processEvents();
        QCOMPARE(reddishPixels(panel.view()->viewport()->grab().toImage()), 0);
    }

    void clickEnlarges() {
        cw::GalleryPanel panel;
        panel.setEvaluation(m_other);
        panel.resize(900, 600);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QApplication::processEvents();
        QVERIFY(!panel.enlargedDialog());
        const QModelIndex index = panel.model()->index(2);
        const QRect rect = panel.view()->visualRect(index);
        QVERIFY(!rect.isEmpty());
        QTest::mouseClick(panel.view()->viewport(), Qt::LeftButton, {}, rect.center());
        QVERIFY(panel.enlargedDialog() && panel.enlargedDialog()->isVisible());
        QCOMPARE(panel.enlargedRow(), 2);
        // 32² slices are shown 12× (384 px) per tile.
        const QImage big = panel.enlargedImage();
        QCOMPARE(big.size(), cw::pairImageSize(384));
        QCOMPARE(big.convertToFormat(QImage::Format_RGB32),
                 panel.model()->renderPair(2, 384).convertToFormat(QImage::Format_RGB32));
        panel.enlargedDialog()->close();
    }

    void exportedFigureSize() {
        cw::GalleryPanel panel;
        panel.setEvaluation(m_other);
        panel.setOverlays(true);
        const QString png = m_dir.filePath("gallery.png"), svg = m_dir.filePath("gallery.svg"),
                      pdf = m_dir.filePath("gallery.pdf");
        panel.exportFigure(png, 12, 4, 1200);
        panel.exportFigure(svg, 12, 4);
        panel.exportFigure(pdf, 12, 4);
        const QSizeF logical = cw::galleryFigureSize(12, 4);
        const QImage image(png);
        QCOMPARE(image.width(), 1200);
        QCOMPARE(image.height(),
                 static_cast<int>(std::lround(1200 * logical.height() / logical.width())));
        QVERIFY(reddishPixels(image) > 100);  // overlays as shown
        QVERIFY(cw::readFileToString(svg.toStdString()).find("<svg") != std::string::npos);
        QVERIFY(cw::readFileToString(pdf.toStdString()).rfind("%PDF", 0) == 0);
        // Fewer images than asked: the figure holds what there is.
        const QString all = m_dir.filePath("all.png");
        panel.exportFigure(all, 1000, 6, 800);
        const QSizeF allSize = cw::galleryFigureSize(panel.model()->rowCount(), 6);
        QCOMPARE(QImage(all).height(),
                 static_cast<int>(std::lround(800 * allSize.height() / allSize.width())));

        cw::GalleryPanel empty;
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, empty.exportFigure(m_dir.filePath("none.png")));
    }

    void thousandImagesDrawnLazily() {
        cw::GalleryPanel panel;
        panel.setEvaluation(largeEvaluation(*m_self, 1000));
        GalleryModel* model = panel.model();
        QCOMPARE(model->rowCount(), 1000);
        panel.resize(900, 600);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QTRY_VERIFY(model->thumbnailsRendered() > 0);
        const int firstScreen = model->thumbnailsRendered();
        QVERIFY2(firstScreen < 100, qPrintable(QString::number(firstScreen)));
        // Scrolling to the end draws the last screen, not everything in between.
        panel.view()->scrollToBottom();
        QApplication::processEvents();
        panel.view()->viewport()->grab();
        QVERIFY(model->thumbnailsRendered() > firstScreen);
        QVERIFY2(model->thumbnailsRendered() < 250,
                 qPrintable(QString::number(model->thumbnailsRendered())));
        // Ordered by the hand-made distances: the first row has distance 0.
        QCOMPARE(model->distance(0), 0.0);
    }

private:
    QTemporaryDir m_dir;
    cw::EvaluationDataPtr m_self, m_other;
};

QTEST_MAIN(TestGalleryPanel)
#include "test_gallery_panel.moc"
