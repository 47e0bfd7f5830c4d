#pragma once
// Drawing of the Gallery: a generated slice beside its nearest training slice (thumbnails, the
// enlarged view) with optional blob overlays, and the grid of such pairs as a figure (PNG, SVG,
// PDF through figure_writer). Channel 0 of each image, gray, 0 black to 1 white.

#include <QColor>
#include <QImage>
#include <QRectF>
#include <QSizeF>
#include <QString>
#include <vector>

#include "eval/eval_images.h"
#include "metrics/blob_count.h"

class QPainter;

namespace cw {

/// The overlay colour of blob circles (red on the gray slices).
inline const QColor kBlobOverlayColor(255, 40, 40);

/// Channel 0 of image `index` as an 8-bit gray QImage (values clamped to [0, 1]).
QImage evalImageGray(const EvalImages& images, std::size_t index);

/// Draws `gray` into `target` (pixels kept sharp when enlarged, smoothed when reduced) and, if
/// `blobs` is given, a circle of `blobRadius` image pixels (at least 2.5 drawn pixels) around
/// each blob centre (pixel coordinates of `gray`).
void paintSliceTile(QPainter& painter, const QRectF& target, const QImage& gray,
                    const std::vector<Blob>* blobs, double blobRadius = 2.0);

/// Where the two tiles of a pair lie in an image of pairImageSize(tileSide).
QRectF pairTileRect(int tileSide, bool training);
QSize pairImageSize(int tileSide);

/// A pair as one image: the generated slice on the left, the training slice on the right
/// (`training` null: a gray placeholder), each `tileSide` pixels, blobs drawn when given.
QImage pairImage(const QImage& generated, const QImage& training, int tileSide,
                 const std::vector<Blob>* generatedBlobs, const std::vector<Blob>* trainingBlobs,
                 double blobRadius = 2.0);

/// One pair of the grid figure.
struct GalleryFigureItem {
    QImage generated, training;
    std::vector<Blob> generatedBlobs, trainingBlobs;  ///< drawn when the figure has overlays
    QString caption;
};

/// Logical size (points) of a grid of `items` pairs in `columns` columns, with a title line.
QSizeF galleryFigureSize(int items, int columns);
/// Paints the grid (row by row, in the items' order) scaled into `target`.
void paintGalleryFigure(QPainter& painter, const QRectF& target,
                        const std::vector<GalleryFigureItem>& items, int columns,
                        const QString& title, bool overlays, double blobRadius = 2.0);

}  // namespace cw
