#pragma once
/// @file An RGB pixel canvas with the few drawing operations the charts and image galleries need:
/// filled rectangles, lines (1–3 px), small markers, text in a built-in 5×7 bitmap font scaled
/// by an integer factor, and grayscale images blitted with nearest-neighbour scaling.

#include <cstdint>
#include <string>
#include <vector>

#include "core/image.h"

namespace cw {

/// 8-bit RGB pixels, row-major, (0, 0) at the top left.
class Canvas {
public:
    /// Throws ValueError for a non-positive size.
    Canvas(int width, int height, std::uint32_t background = 0xFFFFFF);
    int width() const { return m_width; }
    int height() const { return m_height; }
    const std::vector<std::uint8_t>& rgb() const { return m_rgb; }

    /// Blends `rgb` over the pixel with opacity `alpha` ∈ [0, 1]; outside the canvas or the clip
    /// rectangle: ignored.
    void blend(int x, int y, std::uint32_t rgb, double alpha = 1.0);
    void fillRect(int x, int y, int w, int h, std::uint32_t rgb, double alpha = 1.0);
    void drawRect(int x, int y, int w, int h, std::uint32_t rgb);
    /// Anti-aliased line of the given width in pixels, clipped to the canvas.
    void drawLine(double x0, double y0, double x1, double y1, std::uint32_t rgb,
                  double width = 1.0);
    void drawCircle(double cx, double cy, double radius, std::uint32_t rgb, double width = 1.0);
    /// Anti-aliased filled disc (scatter markers) with opacity `alpha`.
    void fillCircle(double cx, double cy, double radius, std::uint32_t rgb, double alpha = 1.0);
    /// Text with its top-left corner at (x, y); `scale` ≥ 1 multiplies the 5×7 glyphs (6×9 cell;
    /// the descenders of g j p q y use its last two rows). Non-ASCII UTF-8 is transliterated (see
    /// chart.h). Returns the width drawn in pixels, which is textWidth (no trailing spacing).
    int drawText(int x, int y, const std::string& text, std::uint32_t rgb, int scale = 1);
    /// Text turned 90° anticlockwise (reading upwards, as y-axis titles), with the bottom-left
    /// corner of its box at (x, y): it covers columns x … x + textHeight − 1 and rows
    /// y − textWidth … y − 1. Returns the length drawn in pixels.
    int drawTextUp(int x, int y, const std::string& text, std::uint32_t rgb, int scale = 1);
    /// Width in pixels that drawText would use.
    static int textWidth(const std::string& text, int scale = 1);
    static int textHeight(int scale = 1) { return 9 * scale; }
    /// Draws `image` (values in [0, 1], gray) into the rectangle, nearest-neighbour scaled.
    void drawImage(const Image& image, int x, int y, int w, int h);

    /// Restricts all drawing to a rectangle (chart data stays inside the plot area).
    void setClip(int x, int y, int w, int h);
    void resetClip() { setClip(0, 0, m_width, m_height); }

    /// Writes the canvas as an RGB PNG (atomically). Throws IoError.
    void writePng(const std::string& path) const;

private:
    int m_width, m_height;
    int m_clipX0 = 0, m_clipY0 = 0, m_clipX1 = 0, m_clipY1 = 0;  ///< half-open clip rectangle
    std::vector<std::uint8_t> m_rgb;
};

}  // namespace cw
