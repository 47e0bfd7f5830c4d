#pragma once
/// @file Simple scientific charts rendered without Qt (the CLI runs on servers without it):
/// line, point, step and bar series on linear or log axes with ticks, labels, a legend and
/// notes, written as PNG (own rasteriser and bitmap font) and SVG. Used by `cwb eval report` and
/// `cwb props report`; the window draws its own charts with Qt Charts.

#include <cstdint>
#include <string>
#include <vector>

namespace cw {

/// One data series.
struct ChartSeries {
    enum class Style {
        Line,    ///< polyline through the points
        Points,  ///< a small marker per point (scatter, parity plots)
        Bars,    ///< histogram bars: x are the bin edges (y.size() + 1 of them), drawn translucent
        Steps,   ///< histogram outline: x are the bin edges (y.size() + 1 of them)
    };
    std::string label;  ///< legend text; empty = not in the legend
    Style style = Style::Line;
    std::vector<double> x, y;
    std::uint32_t rgb = 0;  ///< 0xRRGGBB; 0 = the next colour of the default palette
};

/// A chart: series, axes and text.
struct Chart {
    std::string title;
    std::string xLabel, yLabel;
    bool logY = false;           ///< log₁₀ y axis (non-positive values skipped)
    bool diagonal = false;       ///< draw y = x (parity plots); both axes get the same range
    std::vector<ChartSeries> series;
    std::vector<std::string> notes;  ///< lines of text in the top-right corner, e.g. "KS D = 0.12"
};

/// Renders the chart as 8-bit RGB pixels, row-major, width × height × 3. Text uses a built-in
/// bitmap font (printable ASCII; other UTF-8 characters such as Å, σ, ², ≤ are drawn as their
/// closest ASCII spelling). Throws ValueError for a size below 200 × 150 or a series whose x and
/// y lengths do not fit its style.
std::vector<std::uint8_t> renderChartRgb(const Chart& chart, int width = 960, int height = 640);

/// renderChartRgb written as a PNG (atomically). Throws IoError / ValueError.
void writeChartPng(const Chart& chart, const std::string& path, int width = 960, int height = 640);

/// The same chart as standalone SVG text (real text elements, UTF-8 kept).
std::string chartSvg(const Chart& chart, int width = 960, int height = 640);

/// chartSvg written to `path` (atomically). Throws IoError / ValueError.
void writeChartSvg(const Chart& chart, const std::string& path, int width = 960, int height = 640);

/// Writes STEM.png and STEM.svg; returns their paths. Throws IoError / ValueError.
std::vector<std::string> writeChartPngAndSvg(const Chart& chart, const std::string& stem);

}  // namespace cw
