#pragma once
/// @file The geometry that the PNG and SVG charts share: input checks, text sizes, the plot
/// area, both axes, the data → pixel mapping, series colours, and where the legend and the
/// notes go (the corner of the plot area their boxes hide the least data in).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "plot/chart.h"
#include "plot/chart_ticks.h"

namespace cw {

/// A pixel rectangle: columns x … x + w − 1, rows y … y + h − 1. w = 0: absent.
struct PixelBox {
    int x = 0, y = 0, w = 0, h = 0;
    bool overlaps(const PixelBox& o) const {
        return w > 0 && o.w > 0 && x < o.x + o.w && o.x < x + w && y < o.y + o.h && o.y < y + h;
    }
};

/// Where everything of a chart goes, in pixels of a width × height image. Pixel coordinates are
/// continuous with integers at pixel centres.
struct ChartLayout {
    int width = 0, height = 0;
    int textScale = 1;  ///< tick labels, axis titles, legend, notes (glyphs 7·scale px tall)
    int titleScale = 1;
    int tickLength = 4;    ///< px, outwards from the frame
    int boxPadding = 4;    ///< px inside the legend and notes boxes
    int lineHeight = 11;   ///< px between lines in the legend and notes
    int swatchWidth = 20;  ///< px of a legend swatch
    PixelBox plot;         ///< the framed plot area; data are clipped to it
    ChartAxis x, y;
    std::vector<std::uint32_t> colours;  ///< 0xRRGGBB of each series, palette resolved
    std::vector<int> legendSeries;       ///< indices of the labelled series, in order
    PixelBox legend, notes;              ///< w = 0 when there is nothing to show
    std::string title;                   ///< the chart's title, shortened with "..." to fit
    int titleTop = 0;                    ///< top row of the title text
    int xLabelTop = 0;                   ///< top row of the x-axis title
    int yLabelLeft = 0;                  ///< left column of the (upright) y-axis title
    int xTickLabelTop = 0;               ///< top row of the x tick labels
    int yTickLabelRight = 0;             ///< column the y tick labels end before

    /// Pixel column of x value `v` (x.lo → plot.x, x.hi → the last plot column).
    double xPixel(double v) const;
    /// Pixel row of y value `v` (y.hi → plot.y); NaN for v ≤ 0 on a log axis.
    double yPixel(double v) const;
};

/// The colour-blind-safe default palette (Okabe and Ito, "Color Universal Design", 2008).
std::uint32_t paletteColour(int index);

/// Pixel points of the y = x line across the plot (two points, or a sampled curve on a log y
/// axis), for parity plots.
std::vector<std::pair<double, double>> diagonalPath(const ChartLayout& layout);

/// Lays out `chart` on width × height pixels. Throws ValueError for a size below 200 × 150 or a
/// series whose x and y lengths do not fit its style (Line, Points: equal; Bars, Steps: one edge
/// more than values). Thread-safe.
ChartLayout layoutChart(const Chart& chart, int width, int height);

}  // namespace cw
