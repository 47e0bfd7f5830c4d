#include "figures/figure_writer.h"

#include <QFileInfo>
#include <QPainter>
#include <QPdfWriter>
#include <QSvgGenerator>
#include <cmath>
#include <cstring>

#include "core/error.h"
#include "core/npy.h"
#include "encoding/xtal2png.h"

namespace cw {

namespace {

constexpr const char* kEncodingTitles[5] = {"xtal2png", "CrysTens 0: |Δf|", "1: Δx", "2: Δy",
                                            "3: Δz"};

// The colour map as a QImage 1 pixel wide, value 1 at the top.
QImage colorBarImage(ColorMap map) {
    Image ramp(256, 1);
    for (int r = 0; r < 256; ++r) ramp(r, 0) = static_cast<float>(255 - r) / 255.0f;
    const std::vector<std::uint8_t> rgb = applyColorMap(ramp, map);
    QImage out(1, 256, QImage::Format_RGB888);
    for (int r = 0; r < 256; ++r)
        out.setPixelColor(0, r, QColor(rgb[3 * r], rgb[3 * r + 1], rgb[3 * r + 2]));
    return out;
}

QImage sliceImage(const Image& slice, ColorMap map) {
    const std::vector<std::uint8_t> rgb = applyColorMap(slice, map);
    QImage out(slice.cols, slice.rows, QImage::Format_RGB888);
    for (int r = 0; r < slice.rows; ++r)
        std::memcpy(out.scanLine(r), rgb.data() + static_cast<std::size_t>(r) * slice.cols * 3,
                    static_cast<std::size_t>(slice.cols) * 3);
    return out;
}

}  // namespace

FigureFormat figureFormatFor(const QString& path) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == "png") return FigureFormat::Png;
    if (suffix == "svg") return FigureFormat::Svg;
    if (suffix == "pdf") return FigureFormat::Pdf;
    throw ConfigError(path.toStdString() + ": unknown figure format '" + suffix.toStdString() +
                      "' (choose .png, .svg or .pdf)");
}

QString figureFileFilter() {
    return "PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)";
}

void paintEncodingImage(QPainter& p, const QRectF& r, const QImage& image, int sites,
                        double penWidth) {
    if (image.isNull()) return;
    p.save();
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
    p.drawImage(r, image);
    const double scale = r.width() / double(image.width());
    auto at = [&](int pixel) { return pixel * scale; };
    const int h = kEncodingHeaderWidth;
    p.setBrush(Qt::NoBrush);
    if (sites > 0) {
        QPen header(kEncodingHeaderColor, penWidth);
        header.setCosmetic(penWidth <= 1.0);
        p.setPen(header);
        p.drawRect(QRectF(r.left(), r.top() + at(h), at(h), at(sites)));
        p.drawRect(QRectF(r.left() + at(h), r.top(), at(sites), at(h)));
        QPen block(kEncodingBlockColor, penWidth);
        block.setCosmetic(penWidth <= 1.0);
        p.setPen(block);
        p.drawRect(QRectF(r.left() + at(h), r.top() + at(h), at(sites), at(sites)));
    }
    p.restore();
}

QSizeF sliceFigureSize() {
    return {620.0, 540.0};
}

void paintSliceFigure(QPainter& p, const QRectF& target, const Image& slice, ColorMap map,
                      const QString& title) {
    const QSizeF natural = sliceFigureSize();
    p.save();
    p.translate(target.topLeft());
    p.scale(target.width() / natural.width(), target.height() / natural.height());
    p.fillRect(QRectF(QPointF(0, 0), natural), Qt::white);
    QFont font = p.font();
    font.setPointSizeF(13.0);
    p.setFont(font);
    p.setPen(Qt::black);
    const QRectF imageRect(20, 40, 480, 480);
    p.drawText(QRectF(20, 6, 580, 30), Qt::AlignLeft | Qt::AlignVCenter,
               title.isEmpty() ? QString("ECD slice (%1 × %2)").arg(slice.rows).arg(slice.cols)
                               : title);
    if (!slice.empty()) {
        p.setRenderHint(QPainter::SmoothPixmapTransform, false);
        p.drawImage(imageRect, sliceImage(slice, map));
    }
    p.setPen(QPen(Qt::black, 1.0));
    p.drawRect(imageRect);
    // The colour bar, value 1 at the top.
    const QRectF bar(520, 40, 24, 480);
    p.setRenderHint(QPainter::SmoothPixmapTransform, true);
    p.drawImage(bar, colorBarImage(map));
    p.drawRect(bar);
    font.setPointSizeF(10.0);
    p.setFont(font);
    for (int i = 0; i <= 4; ++i) {
        const double v = i / 4.0;
        const double y = bar.bottom() - v * bar.height();
        p.drawLine(QPointF(bar.right(), y), QPointF(bar.right() + 5, y));
        p.drawText(QRectF(bar.right() + 8, y - 10, 60, 20), Qt::AlignLeft | Qt::AlignVCenter,
                   QString::number(v, 'f', 2));
    }
    p.restore();
}

QSizeF crysTensFigureSize() {
    return {5 * 260.0 + 20.0, 350.0};
}

void paintCrysTensFigure(QPainter& p, const QRectF& target, const std::array<QImage, 5>& images,
                         int sites, const QString& title) {
    const QSizeF natural = crysTensFigureSize();
    p.save();
    p.translate(target.topLeft());
    p.scale(target.width() / natural.width(), target.height() / natural.height());
    p.fillRect(QRectF(QPointF(0, 0), natural), Qt::white);
    QFont font = p.font();
    font.setPointSizeF(13.0);
    p.setFont(font);
    p.setPen(Qt::black);
    p.drawText(QRectF(20, 4, natural.width() - 40, 28), Qt::AlignLeft | Qt::AlignVCenter,
               title.isEmpty() ? QString("xtal2png and CrysTens (%1 sites)").arg(sites) : title);
    font.setPointSizeF(11.0);
    p.setFont(font);
    for (int i = 0; i < 5; ++i) {
        const QRectF r(20 + i * 260.0, 60, 240, 240);
        p.setPen(Qt::black);
        p.drawText(QRectF(r.left(), 34, r.width(), 24), Qt::AlignCenter, kEncodingTitles[i]);
        if (images[static_cast<std::size_t>(i)].isNull())
            p.fillRect(r, QColor(200, 200, 200));
        else
            paintEncodingImage(p, r, images[static_cast<std::size_t>(i)], sites, 1.5);
    }
    font.setPointSizeF(10.0);
    p.setFont(font);
    p.setPen(kEncodingHeaderColor);
    p.drawText(QRectF(20, 308, 600, 20), Qt::AlignLeft | Qt::AlignVCenter,
               "■ header (rows / columns 0–11)");
    p.setPen(kEncodingBlockColor);
    p.drawText(QRectF(320, 308, 700, 20), Qt::AlignLeft | Qt::AlignVCenter,
               "■ pairwise block from (12, 12)");
    p.restore();
}

void writeFigure(const QString& path, const QSizeF& size, int pngWidth,
                 const std::function<void(QPainter&, const QRectF&)>& paint) {
    const FigureFormat format = figureFormatFor(path);
    const std::string file = path.toStdString();
    switch (format) {
        case FigureFormat::Png: {
            if (pngWidth < 1 || pngWidth > 20000)
                throw ConfigError(file + ": PNG width must be 1…20000 pixels");
            const int height =
                std::max(1, static_cast<int>(std::lround(pngWidth * size.height() / size.width())));
            QImage image(pngWidth, height, QImage::Format_RGB32);
            image.fill(Qt::white);
            {
                QPainter p(&image);
                p.setRenderHint(QPainter::Antialiasing);
                p.setRenderHint(QPainter::TextAntialiasing);
                paint(p, QRectF(0, 0, pngWidth, height));
            }
            if (!image.save(path, "PNG")) throw IoError(file, "cannot write the PNG figure");
            break;
        }
        case FigureFormat::Svg: {
            QSvgGenerator generator;
            generator.setFileName(path);
            generator.setSize(size.toSize());
            generator.setViewBox(QRectF(QPointF(0, 0), size));
            generator.setTitle("Crystal Workbench figure");
            QPainter p;
            if (!p.begin(&generator)) throw IoError(file, "cannot write the SVG figure");
            paint(p, QRectF(QPointF(0, 0), size));
            p.end();
            break;
        }
        case FigureFormat::Pdf: {
            QPdfWriter writer(path);
            writer.setTitle("Crystal Workbench figure");
            writer.setCreator("Crystal Workbench");
            writer.setResolution(72);
            writer.setPageMargins(QMarginsF(0, 0, 0, 0));
            writer.setPageSize(QPageSize(size, QPageSize::Point));
            QPainter p;
            if (!p.begin(&writer)) throw IoError(file, "cannot write the PDF figure");
            // Images deflated, not JPEG: a colour map's colours must survive the PDF.
            p.setRenderHint(QPainter::LosslessImageRendering);
            const QRect page = writer.pageLayout().paintRectPixels(writer.resolution());
            paint(p, QRectF(QPointF(0, 0), QSizeF(page.size())));
            p.end();
            break;
        }
    }
    if (!QFileInfo::exists(path)) throw IoError(file, "the figure was not written");
}

void writeSliceFigure(const QString& path, const Image& slice, ColorMap map, const QString& title,
                      int pngWidth) {
    if (QFileInfo(path).suffix().compare("npy", Qt::CaseInsensitive) == 0) {
        writeNpy(path.toStdString(), slice);
        return;
    }
    writeFigure(path, sliceFigureSize(), pngWidth, [&](QPainter& p, const QRectF& r) {
        paintSliceFigure(p, r, slice, map, title);
    });
}

void writeCrysTensFigure(const QString& path, const std::array<QImage, 5>& images, int sites,
                         const QString& title, int pngWidth) {
    writeFigure(path, crysTensFigureSize(), pngWidth, [&](QPainter& p, const QRectF& r) {
        paintCrysTensFigure(p, r, images, sites, title);
    });
}

}  // namespace cw
