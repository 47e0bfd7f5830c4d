#include "plot/canvas.h"

#include <algorithm>
#include <cmath>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/png_image.h"
#include "plot/bitmap_font.h"

namespace cw {
namespace {

constexpr int kGlyphWidth = 5, kGlyphHeight = 9, kCellWidth = 6;  // rows 7–8: descenders

// Distance from (px, py) to the segment (x0, y0)–(x1, y1).
double segmentDistance(double px, double py, double x0, double y0, double x1, double y1) {
    const double dx = x1 - x0, dy = y1 - y0;
    const double lengthSquared = dx * dx + dy * dy;
    double t = lengthSquared > 0 ? ((px - x0) * dx + (py - y0) * dy) / lengthSquared : 0.0;
    t = std::clamp(t, 0.0, 1.0);
    return std::hypot(px - (x0 + t * dx), py - (y0 + t * dy));
}

}  // namespace

Canvas::Canvas(int width, int height, std::uint32_t background) : m_width(width), m_height(height) {
    if (width <= 0 || height <= 0)
        throw ValueError("a canvas needs a positive size, not " + std::to_string(width) + " x " +
                         std::to_string(height) + " pixels");
    m_rgb.resize(static_cast<std::size_t>(width) * height * 3);
    for (std::size_t i = 0; i < m_rgb.size(); i += 3) {
        m_rgb[i] = static_cast<std::uint8_t>(background >> 16);
        m_rgb[i + 1] = static_cast<std::uint8_t>(background >> 8);
        m_rgb[i + 2] = static_cast<std::uint8_t>(background);
    }
    resetClip();
}

void Canvas::setClip(int x, int y, int w, int h) {
    m_clipX0 = std::clamp(x, 0, m_width);
    m_clipY0 = std::clamp(y, 0, m_height);
    m_clipX1 = std::clamp(x + std::max(w, 0), m_clipX0, m_width);
    m_clipY1 = std::clamp(y + std::max(h, 0), m_clipY0, m_height);
}

void Canvas::blend(int x, int y, std::uint32_t rgb, double alpha) {
    if (x < m_clipX0 || y < m_clipY0 || x >= m_clipX1 || y >= m_clipY1 || !(alpha > 0)) return;
    alpha = std::min(alpha, 1.0);
    std::uint8_t* pixel = &m_rgb[(static_cast<std::size_t>(y) * m_width + x) * 3];
    for (int c = 0; c < 3; ++c) {
        const double source = static_cast<double>((rgb >> (16 - 8 * c)) & 0xFF);
        pixel[c] = static_cast<std::uint8_t>(std::lround(alpha * source + (1 - alpha) * pixel[c]));
    }
}

void Canvas::fillRect(int x, int y, int w, int h, std::uint32_t rgb, double alpha) {
    const int x0 = std::max(x, m_clipX0), x1 = std::min(x + w, m_clipX1);
    const int y0 = std::max(y, m_clipY0), y1 = std::min(y + h, m_clipY1);
    for (int row = y0; row < y1; ++row)
        for (int col = x0; col < x1; ++col) blend(col, row, rgb, alpha);
}

void Canvas::drawRect(int x, int y, int w, int h, std::uint32_t rgb) {
    if (w <= 0 || h <= 0) return;
    fillRect(x, y, w, 1, rgb);
    if (h > 1) fillRect(x, y + h - 1, w, 1, rgb);
    fillRect(x, y + 1, 1, h - 2, rgb);
    if (w > 1) fillRect(x + w - 1, y + 1, 1, h - 2, rgb);
}

// Coverage of a pixel centre at distance d from the line's axis: 1 inside, a one-pixel ramp at
// the edge, which keeps axis-aligned 1-px lines on integer coordinates crisp.
void Canvas::drawLine(double x0, double y0, double x1, double y1, std::uint32_t rgb, double width) {
    if (!std::isfinite(x0) || !std::isfinite(y0) || !std::isfinite(x1) || !std::isfinite(y1))
        return;
    const double reach = width / 2 + 1;
    const int colLo = std::max(m_clipX0, static_cast<int>(std::floor(std::min(x0, x1) - reach)));
    const int colHi = std::min(m_clipX1 - 1, static_cast<int>(std::ceil(std::max(x0, x1) + reach)));
    const int rowLo = std::max(m_clipY0, static_cast<int>(std::floor(std::min(y0, y1) - reach)));
    const int rowHi = std::min(m_clipY1 - 1, static_cast<int>(std::ceil(std::max(y0, y1) + reach)));
    for (int row = rowLo; row <= rowHi; ++row)
        for (int col = colLo; col <= colHi; ++col) {
            const double d = segmentDistance(col, row, x0, y0, x1, y1);
            blend(col, row, rgb, std::clamp(width / 2 + 0.5 - d, 0.0, 1.0));
        }
}

void Canvas::drawCircle(double cx, double cy, double radius, std::uint32_t rgb, double width) {
    const int reach = static_cast<int>(std::ceil(radius + width / 2 + 1));
    const int col0 = static_cast<int>(std::floor(cx)), row0 = static_cast<int>(std::floor(cy));
    for (int row = row0 - reach; row <= row0 + reach + 1; ++row)
        for (int col = col0 - reach; col <= col0 + reach + 1; ++col) {
            const double d = std::abs(std::hypot(col - cx, row - cy) - radius);
            blend(col, row, rgb, std::clamp(width / 2 + 0.5 - d, 0.0, 1.0));
        }
}

void Canvas::fillCircle(double cx, double cy, double radius, std::uint32_t rgb, double alpha) {
    const int reach = static_cast<int>(std::ceil(radius + 1));
    const int col0 = static_cast<int>(std::floor(cx)), row0 = static_cast<int>(std::floor(cy));
    for (int row = row0 - reach; row <= row0 + reach + 1; ++row)
        for (int col = col0 - reach; col <= col0 + reach + 1; ++col) {
            const double coverage =
                std::clamp(radius + 0.5 - std::hypot(col - cx, row - cy), 0.0, 1.0);
            blend(col, row, rgb, alpha * coverage);
        }
}

int Canvas::drawText(int x, int y, const std::string& text, std::uint32_t rgb, int scale) {
    scale = std::max(scale, 1);
    const std::string ascii = transliterateToAscii(text);
    for (std::size_t i = 0; i < ascii.size(); ++i) {
        const auto& columns = glyphColumns(ascii[i]);
        const int left = x + static_cast<int>(i) * kCellWidth * scale;
        for (int c = 0; c < kGlyphWidth; ++c)
            for (int r = 0; r < kGlyphHeight; ++r)
                if (columns[c] >> r & 1)
                    fillRect(left + c * scale, y + r * scale, scale, scale, rgb);
    }
    return textWidth(text, scale);
}

int Canvas::drawTextUp(int x, int y, const std::string& text, std::uint32_t rgb, int scale) {
    scale = std::max(scale, 1);
    const std::string ascii = transliterateToAscii(text);
    for (std::size_t i = 0; i < ascii.size(); ++i) {
        const auto& columns = glyphColumns(ascii[i]);
        const int along = static_cast<int>(i) * kCellWidth * scale;
        // Unrotated (u along the text, v down the glyph) lands at (x + v, y − 1 − u).
        for (int c = 0; c < kGlyphWidth; ++c)
            for (int r = 0; r < kGlyphHeight; ++r)
                if (columns[c] >> r & 1)
                    fillRect(x + r * scale, y - along - (c + 1) * scale, scale, scale, rgb);
    }
    return textWidth(text, scale);
}

int Canvas::textWidth(const std::string& text, int scale) {
    const int count = static_cast<int>(transliterateToAscii(text).size());
    // No spacing column after the last glyph: the width is exactly the ink's extent.
    return count == 0 ? 0 : (count * kCellWidth - 1) * std::max(scale, 1);
}

void Canvas::drawImage(const Image& image, int x, int y, int w, int h) {
    if (image.empty() || w <= 0 || h <= 0) return;
    for (int row = 0; row < h; ++row) {
        const int r = std::min(image.rows - 1, static_cast<int>((row + 0.5) * image.rows / h));
        for (int col = 0; col < w; ++col) {
            const int k = std::min(image.cols - 1, static_cast<int>((col + 0.5) * image.cols / w));
            const float value = image(r, k);
            const auto gray = static_cast<std::uint32_t>(
                std::lround(255.0 * std::clamp(std::isfinite(value) ? value : 0.0f, 0.0f, 1.0f)));
            blend(x + col, y + row, gray << 16 | gray << 8 | gray);
        }
    }
}

void Canvas::writePng(const std::string& path) const {
    writeFileAtomically(path, encodePng(m_width, m_height, 3, 8, m_rgb.data()));
}

}  // namespace cw
