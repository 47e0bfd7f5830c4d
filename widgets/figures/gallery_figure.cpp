#include "figures/gallery_figure.h"

#include <QPainter>
#include <algorithm>
#include <cmath>

namespace cw {

namespace {

constexpr int kPairGap = 4;  // pixels between the two tiles of a pair

// Grid figure layout, in points.
constexpr double kMargin = 16, kTitle = 30, kTile = 110, kCaption = 18, kColumnGap = 18,
                 kRowGap = 10;
constexpr double kPairWidth = 2 * kTile + kPairGap;

}  // namespace

QImage evalImageGray(const EvalImages& images, std::size_t index) {
    QImage out(images.width, images.height, QImage::Format_Grayscale8);
    const float* pixels = images.item(index);  // channel 0 comes first (CHW)
    for (int r = 0; r < images.height; ++r) {
        uchar* line = out.scanLine(r);
        for (int c = 0; c < images.width; ++c) {
            const float v = pixels[static_cast<std::size_t>(r) * images.width + c];
            const float clamped = std::isfinite(v) ? std::clamp(v, 0.0f, 1.0f) : 0.0f;
            line[c] = static_cast<uchar>(std::lround(clamped * 255.0f));
        }
    }
    return out;
}

void paintSliceTile(QPainter& p, const QRectF& target, const QImage& gray,
                    const std::vector<Blob>* blobs, double blobRadius) {
    if (gray.isNull()) {
        p.fillRect(target, QColor(200, 200, 200));
        return;
    }
    p.save();
    // Enlarged slices keep their pixels (the blobs are what is judged); reduced ones are
    // averaged so that small atoms do not vanish between sampled pixels.
    p.setRenderHint(QPainter::SmoothPixmapTransform, target.width() < gray.width());
    p.drawImage(target, gray);
    if (blobs) {
        const double sx = target.width() / gray.width(), sy = target.height() / gray.height();
        const double radius = std::max(2.5, blobRadius * std::min(sx, sy));
        p.setRenderHint(QPainter::Antialiasing, true);
        p.setPen(QPen(kBlobOverlayColor, std::max(1.0, radius / 5.0)));
        p.setBrush(Qt::NoBrush);
        p.setClipRect(target);
        for (const Blob& b : *blobs)
            p.drawEllipse(
                QPointF(target.left() + (b.col + 0.5) * sx, target.top() + (b.row + 0.5) * sy),
                radius, radius);
    }
    p.restore();
}

QSize pairImageSize(int tileSide) {
    return {2 * tileSide + kPairGap, tileSide};
}

QRectF pairTileRect(int tileSide, bool training) {
    return QRectF(training ? tileSide + kPairGap : 0, 0, tileSide, tileSide);
}

QImage pairImage(const QImage& generated, const QImage& training, int tileSide,
                 const std::vector<Blob>* generatedBlobs, const std::vector<Blob>* trainingBlobs,
                 double blobRadius) {
    QImage out(pairImageSize(tileSide), QImage::Format_RGB32);
    out.fill(Qt::white);
    QPainter p(&out);
    paintSliceTile(p, pairTileRect(tileSide, false), generated, generatedBlobs, blobRadius);
    paintSliceTile(p, pairTileRect(tileSide, true), training, trainingBlobs, blobRadius);
    return out;
}

QSizeF galleryFigureSize(int items, int columns) {
    columns = std::max(1, std::min(columns, std::max(items, 1)));
    const int rows = std::max(1, (items + columns - 1) / columns);
    return {2 * kMargin + columns * kPairWidth + (columns - 1) * kColumnGap,
            2 * kMargin + kTitle + rows * (kTile + kCaption) + (rows - 1) * kRowGap};
}

void paintGalleryFigure(QPainter& p, const QRectF& target,
                        const std::vector<GalleryFigureItem>& items, int columns,
                        const QString& title, bool overlays, double blobRadius) {
    const int count = static_cast<int>(items.size());
    columns = std::max(1, std::min(columns, std::max(count, 1)));
    const QSizeF natural = galleryFigureSize(count, columns);
    p.save();
    p.translate(target.topLeft());
    p.scale(target.width() / natural.width(), target.height() / natural.height());
    p.fillRect(QRectF(QPointF(0, 0), natural), Qt::white);
    QFont font = p.font();
    font.setPointSizeF(12.0);
    p.setFont(font);
    p.setPen(Qt::black);
    p.drawText(QRectF(kMargin, kMargin, natural.width() - 2 * kMargin, kTitle - 6),
               Qt::AlignLeft | Qt::AlignVCenter, title);
    font.setPointSizeF(8.5);
    p.setFont(font);
    for (int i = 0; i < count; ++i) {
        const GalleryFigureItem& item = items[static_cast<std::size_t>(i)];
        const double x = kMargin + (i % columns) * (kPairWidth + kColumnGap);
        const double y = kMargin + kTitle + (i / columns) * (kTile + kCaption + kRowGap);
        paintSliceTile(p, QRectF(x, y, kTile, kTile), item.generated,
                       overlays ? &item.generatedBlobs : nullptr, blobRadius);
        paintSliceTile(p, QRectF(x + kTile + kPairGap, y, kTile, kTile), item.training,
                       overlays ? &item.trainingBlobs : nullptr, blobRadius);
        p.setPen(Qt::black);
        p.drawText(QRectF(x, y + kTile, kPairWidth, kCaption), Qt::AlignCenter, item.caption);
    }
    p.restore();
}

}  // namespace cw
