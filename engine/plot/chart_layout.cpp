#include "plot/chart_layout.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "plot/canvas.h"
#include "plot/chart_boxes.h"
#include "plot/chart_style.h"

namespace cw {
namespace {

using chart_style::kMarkerRadius;
using Style = ChartSeries::Style;

// Okabe–Ito without its yellow, which vanishes on white.
constexpr std::uint32_t kPalette[] = {0x0072B2, 0xD55E00, 0x009E73, 0xCC79A7,
                                      0xE69F00, 0x56B4E9, 0x000000};

bool hasEdges(Style style) {
    return style == Style::Bars || style == Style::Steps;
}

struct Extent {
    double lo = std::numeric_limits<double>::infinity();
    double hi = -std::numeric_limits<double>::infinity();
    void add(double v) {
        if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    }
    bool empty() const { return lo > hi; }
};

void checkInput(const Chart& chart, int width, int height) {
    if (width < 200 || height < 150)
        throw ValueError("a chart needs at least 200 x 150 pixels, not " + std::to_string(width) +
                         " x " + std::to_string(height));
    for (std::size_t i = 0; i < chart.series.size(); ++i) {
        const ChartSeries& s = chart.series[i];
        const std::size_t wanted = hasEdges(s.style) ? s.y.size() + 1 : s.y.size();
        if (s.x.size() != wanted)
            throw ValueError("chart series " + std::to_string(i + 1) + " (\"" + s.label +
                             "\") has " + std::to_string(s.x.size()) + " x values for " +
                             std::to_string(s.y.size()) + " y values; " +
                             (hasEdges(s.style)
                                  ? "bars and steps need one bin edge more than values"
                                  : "lines and points need as many x as y values"));
    }
}

// The y range to show before nice rounding, widened so that data stay below a strip of
// `reserve` (0…1 of the plot height) at the top, where the notes and the legend go.
ChartAxis makeYAxis(const Chart& chart, Extent y, double reserve, int targetTicks) {
    const auto toAxis = [&](double v) { return chart.logY ? std::log10(v) : v; };
    const double lo = toAxis(y.lo), hi = toAxis(y.hi);
    double top = hi;
    ChartAxis axis;
    for (int attempt = 0; attempt < 6; ++attempt) {
        axis = chart.logY ? logAxis(y.lo, std::pow(10.0, top), targetTicks)
                          : linearAxis(y.lo, top, targetTicks);
        const double axisLo = toAxis(axis.lo), axisHi = toAxis(axis.hi);
        if (reserve <= 0 || hi <= lo || (axisHi - hi) >= reserve * (axisHi - axisLo)) break;
        top = axisLo + (hi - axisLo) / (1 - reserve);
    }
    return axis;
}

ChartAxis makeXAxis(const Extent& x, int plotWidth, int scale) {
    ChartAxis axis;
    for (int target = std::max(2, plotWidth / (40 * scale)); target >= 1; --target) {
        axis = linearAxis(x.lo, x.hi, target);
        int widest = 0;
        for (const std::string& label : axis.labels)
            widest = std::max(widest, Canvas::textWidth(label, scale));
        const double spacing = plotWidth / std::max<double>(1.0, axis.ticks.size() - 1.0);
        if (spacing >= widest + 18 * scale) break;  // three blank glyphs between labels
    }
    return axis;
}

// Widens the axis where an extreme data value lies closer than `room` px to its end.
void widenForMarkers(ChartAxis& axis, const Extent& data, int pixels, double room) {
    const double span = axis.hi - axis.lo,
                 margin = room * span / std::max(1.0, pixels - 1 - 2 * room);
    if ((data.lo - axis.lo) < margin) axis.lo = data.lo - margin;
    if ((axis.hi - data.hi) < margin) axis.hi = data.hi + margin;
}

}  // namespace

std::uint32_t paletteColour(int index) {
    constexpr int n = sizeof kPalette / sizeof kPalette[0];
    return kPalette[((index % n) + n) % n];
}

double ChartLayout::xPixel(double v) const {
    return plot.x + (v - x.lo) / (x.hi - x.lo) * (plot.w - 1);
}

double ChartLayout::yPixel(double v) const {
    if (y.log) {
        if (!(v > 0)) return std::numeric_limits<double>::quiet_NaN();
        return plot.y + (std::log10(y.hi) - std::log10(v)) / (std::log10(y.hi) - std::log10(y.lo)) *
                            (plot.h - 1);
    }
    return plot.y + (y.hi - v) / (y.hi - y.lo) * (plot.h - 1);
}

std::vector<std::pair<double, double>> diagonalPath(const ChartLayout& l) {
    std::vector<std::pair<double, double>> path;
    const double lo = std::max(l.x.lo, l.y.lo), hi = std::min(l.x.hi, l.y.hi);
    if (!(lo < hi)) return path;
    if (!l.y.log) return {{l.xPixel(lo), l.yPixel(lo)}, {l.xPixel(hi), l.yPixel(hi)}};
    constexpr int kSamples = 256;  // log-spaced: the curve bends most at small values
    for (int i = 0; i <= kSamples; ++i) {
        const double v =
            std::pow(10.0, std::log10(lo) + (std::log10(hi) - std::log10(lo)) * i / kSamples);
        path.emplace_back(l.xPixel(v), l.yPixel(v));
    }
    return path;
}

ChartLayout layoutChart(const Chart& chart, int width, int height) {
    checkInput(chart, width, height);
    ChartLayout l;
    l.width = width, l.height = height;
    const int s = l.textScale = width >= 640 && height >= 420 ? 2 : 1;
    l.titleScale = width >= 1600 && height >= 1000 ? 3 : s;
    l.tickLength = 3 * s;
    l.boxPadding = 4 * s;
    l.lineHeight = 11 * s;
    l.swatchWidth = 12 * s;
    int nextColour = 0;
    for (const ChartSeries& series : chart.series)
        l.colours.push_back(series.rgb != 0 ? series.rgb : paletteColour(nextColour++));

    Extent x, y;
    bool points = false;
    for (const ChartSeries& series : chart.series) {
        for (double v : series.x) x.add(v);
        for (double v : series.y) y.add(chart.logY && !(v > 0) ? NAN : v);
        if (hasEdges(series.style) && !chart.logY && !series.y.empty()) y.add(0.0);
        points = points || series.style == Style::Points;
    }
    if (x.empty()) x.add(0.0), x.add(1.0);
    if (y.empty()) y.add(chart.logY ? 1.0 : 0.0), y.add(chart.logY ? 10.0 : 1.0);
    const bool square = chart.diagonal && !chart.logY;
    if (square) {
        x.add(y.lo), x.add(y.hi);
        y = x;
    }

    for (int i = 0; i < static_cast<int>(chart.series.size()); ++i)
        if (!chart.series[i].label.empty()) l.legendSeries.push_back(i);
    int legendText = 0, notesText = 0;
    for (int i : l.legendSeries)
        legendText = std::max(legendText, Canvas::textWidth(chart.series[i].label, s));
    for (const std::string& note : chart.notes)
        notesText = std::max(notesText, Canvas::textWidth(note, s));
    const auto boxHeight = [&](std::size_t lines) {
        return 2 * l.boxPadding + static_cast<int>(lines) * l.lineHeight - 4 * s;
    };
    if (!l.legendSeries.empty())
        l.legend = {0, 0, 2 * l.boxPadding + l.swatchWidth + 4 * s + legendText,
                    boxHeight(l.legendSeries.size())};
    if (!chart.notes.empty())
        l.notes = {0, 0, 2 * l.boxPadding + notesText, boxHeight(chart.notes.size())};

    // Margins: title on top; tick labels and axis titles below and left.
    const int margin = 6 * s, gap = 4 * s, glyph = 7 * s;
    l.titleTop = margin;
    l.title = chart.title;
    while (l.titleScale > 1 && Canvas::textWidth(l.title, l.titleScale) > width - 2 * margin)
        --l.titleScale;
    while (l.title.size() > 3 &&
           Canvas::textWidth(l.title + "...", l.titleScale) > width - 2 * margin)
        l.title.pop_back();
    if (l.title != chart.title) l.title += "...";
    const int top = chart.title.empty() ? margin + glyph / 2 : margin + 7 * l.titleScale + 2 * gap;
    const int bottom =
        margin + l.tickLength + gap + glyph + (chart.xLabel.empty() ? 0 : 2 * gap + glyph);
    const int plotHeight = height - top - bottom;
    const int inset = 3 * s;
    double reserve = 0;
    if (!chart.diagonal && (l.legend.w > 0 || l.notes.w > 0)) {
        const bool sideBySide = l.legend.w + l.notes.w + 3 * inset < width - 2 * margin - 60 * s;
        const int strip =
            sideBySide ? std::max(l.legend.h, l.notes.h) : l.legend.h + l.notes.h + inset;
        reserve = std::min(0.5, static_cast<double>(strip + 2 * inset) / plotHeight);
    }
    l.y = makeYAxis(chart, square ? x : y, reserve, std::max(2, plotHeight / (40 * s)));
    int yLabels = 0;
    for (const std::string& label : l.y.labels)
        yLabels = std::max(yLabels, Canvas::textWidth(label, s));
    const int left =
        margin + (chart.yLabel.empty() ? 0 : glyph + 2 * gap) + yLabels + gap + l.tickLength;
    int right = 12 * s;
    for (int pass = 0; pass < 2; ++pass) {
        l.x = square ? l.y : makeXAxis(x, width - left - right, s);
        const int overhang = Canvas::textWidth(l.x.labels.back(), s) / 2 + 2 * s;
        if (overhang <= right) break;
        right = overhang;
    }
    l.plot = {left, top, width - left - right, plotHeight};
    if (points) {  // markers on the frame would be cut in half: widen by a few pixels
        const double room = (kMarkerRadius + 1.5) * s;
        if (!l.y.log) widenForMarkers(l.y, square ? x : y, std::min(l.plot.h, l.plot.w), room);
        if (square)
            l.x = l.y;
        else
            widenForMarkers(l.x, x, l.plot.w, room);
    }
    int shift = 0;
    if (square) {  // a square plot area puts y = x at 45 degrees
        l.x.log = false;
        const int side = std::min(l.plot.w, l.plot.h);
        shift = (l.plot.w - side) / 2;
        l.plot = {left + shift, top, side, side};
    }
    l.xTickLabelTop = top + l.plot.h + l.tickLength + gap;
    l.xLabelTop = l.xTickLabelTop + glyph + 2 * gap;
    l.yTickLabelRight = left + shift - l.tickLength - gap;
    l.yLabelLeft = margin + shift;

    placeBoxes(chart, l, inset);
    return l;
}

}  // namespace cw
