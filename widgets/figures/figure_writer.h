#pragma once
// Publication figures of the 2-D panels, painted once through QPainter and written as PNG (any
// width), SVG (QSvgGenerator) or PDF (QPdfWriter): the ECD slice with a colour bar, and the
// xtal2png / CrysTens images with their header and pairwise-block outlines.

#include <QColor>
#include <QImage>
#include <QRectF>
#include <QString>
#include <array>
#include <functional>

#include "core/image.h"
#include "core/png_image.h"

class QPainter;

namespace cw {

enum class FigureFormat { Png, Svg, Pdf };

/// The format a path's suffix names (.png, .svg, .pdf; case-insensitive). Throws ConfigError for
/// any other suffix.
FigureFormat figureFormatFor(const QString& path);

/// File-dialog filter for the figure formats ("PNG image (*.png);;SVG…;;PDF…").
QString figureFileFilter();

/// Outline colours of the encoding images: the header (rows/columns 0…11) and the pairwise block.
inline const QColor kEncodingHeaderColor(255, 170, 0);
inline const QColor kEncodingBlockColor(0, 200, 255);

/// Draws a 64 × 64 encoding image into `target` without smoothing, with the header strips and the
/// sites × sites pairwise block outlined (`sites` = 0 draws no outlines).
void paintEncodingImage(QPainter& painter, const QRectF& target, const QImage& image, int sites,
                        double penWidth = 1.0);

/// Logical size (points) of the slice figure: the image, a colour bar to its right, a title.
QSizeF sliceFigureSize();
/// Paints the slice through `map` into `target` (sliceFigureSize's aspect): title, image,
/// colour bar with ticks 0, 0.25, …, 1.
void paintSliceFigure(QPainter& painter, const QRectF& target, const Image& slice, ColorMap map,
                      const QString& title);

/// Logical size of the CrysTens figure (five images in a row with captions and a legend).
QSizeF crysTensFigureSize();
/// Paints the xtal2png image and the four CrysTens channels (`images`[0] = xtal2png) with their
/// outlines and captions.
void paintCrysTensFigure(QPainter& painter, const QRectF& target,
                         const std::array<QImage, 5>& images, int sites, const QString& title);

/// Writes a figure of logical size `size` to `path` in the suffix's format; a PNG is `pngWidth`
/// pixels wide (height by the aspect). `paint` draws into the rectangle it is given. Throws
/// ConfigError (suffix), IoError naming the file.
void writeFigure(const QString& path, const QSizeF& size, int pngWidth,
                 const std::function<void(QPainter&, const QRectF&)>& paint);

/// The slice figure (writeFigure with paintSliceFigure); `.npy` writes the float32 slice instead.
void writeSliceFigure(const QString& path, const Image& slice, ColorMap map,
                      const QString& title = {}, int pngWidth = 1200);
/// The CrysTens figure (writeFigure with paintCrysTensFigure).
void writeCrysTensFigure(const QString& path, const std::array<QImage, 5>& images, int sites,
                         const QString& title = {}, int pngWidth = 1600);

}  // namespace cw
