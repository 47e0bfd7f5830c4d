#include <algorithm>
#include <cmath>

#include "core/atomic_file.h"
#include "core/png_image.h"
#include "plot/canvas.h"
#include "plot/chart.h"
#include "plot/chart_layout.h"
#include "plot/chart_style.h"

namespace cw {
namespace {

using namespace chart_style;
using Style = ChartSeries::Style;

int px(double v) {
    return static_cast<int>(std::lround(v));
}

bool barShown(const ChartLayout& l, double value) {
    return std::isfinite(value) && value != 0.0 && std::isfinite(l.yPixel(value));
}

// Translucent bins, each filling exactly its own pixel columns, under a full-colour outline of
// the histogram's envelope; a step between neighbours is drawn in the taller bin's columns.
void drawBars(Canvas& canvas, const ChartLayout& l, const ChartSeries& s, std::uint32_t colour) {
    const int base = l.y.log ? l.plot.y + l.plot.h - 1 : px(l.yPixel(0.0));
    const int line = std::max(1, l.textScale);
    const std::size_t n = s.y.size();
    std::vector<int> x0(n), x1(n), top(n);
    std::vector<bool> shown(n);
    for (std::size_t i = 0; i < n; ++i) {
        shown[i] = barShown(l, s.y[i]) && std::isfinite(s.x[i]) && std::isfinite(s.x[i + 1]);
        if (!shown[i]) continue;
        x0[i] = px(l.xPixel(s.x[i])), x1[i] = px(l.xPixel(s.x[i + 1]));
        if (x1[i] < x0[i]) std::swap(x0[i], x1[i]);
        x1[i] = std::max(x1[i], x0[i] + 1);
        top[i] = std::clamp(px(l.yPixel(s.y[i])), l.plot.y - 1, l.plot.y + l.plot.h);
        const int a = std::min(top[i], base), b = std::max(top[i], base);
        canvas.fillRect(x0[i], a, x1[i] - x0[i], b - a, colour, kBarAlpha);
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (!shown[i] || top[i] >= base) continue;  // outlines for bars above the baseline
        const int w = x1[i] - x0[i], edge = std::min(line, w);
        canvas.fillRect(x0[i], top[i], w, line, colour);
        const int leftStop = i > 0 && shown[i - 1] && x1[i - 1] == x0[i] ? top[i - 1] : base;
        const int rightStop = i + 1 < n && shown[i + 1] && x0[i + 1] == x1[i] ? top[i + 1] : base;
        if (leftStop > top[i]) canvas.fillRect(x0[i], top[i], edge, leftStop - top[i], colour);
        if (rightStop > top[i])
            canvas.fillRect(x1[i] - edge, top[i], edge, rightStop - top[i], colour);
    }
}

void drawSteps(Canvas& canvas, const ChartLayout& l, const ChartSeries& s, std::uint32_t colour) {
    const double base = l.y.log ? l.plot.y + l.plot.h - 1 : l.yPixel(0.0);
    const double width = kLineWidth * l.textScale;
    double previous = base;
    for (std::size_t i = 0; i < s.y.size(); ++i) {
        const double y = std::isfinite(l.yPixel(s.y[i])) ? l.yPixel(s.y[i]) : base;
        const double a = l.xPixel(s.x[i]), b = l.xPixel(s.x[i + 1]);
        canvas.drawLine(a, previous, a, y, colour, width);
        canvas.drawLine(a, y, b, y, colour, width);
        previous = y;
        if (i + 1 == s.y.size()) canvas.drawLine(b, y, b, base, colour, width);
    }
}

void drawSeries(Canvas& canvas, const ChartLayout& l, const ChartSeries& s, std::uint32_t colour) {
    if (s.style == Style::Bars) return drawBars(canvas, l, s, colour);
    if (s.style == Style::Steps) return drawSteps(canvas, l, s, colour);
    for (std::size_t i = 0; i < s.y.size(); ++i) {
        const double x = l.xPixel(s.x[i]), y = l.yPixel(s.y[i]);
        if (s.style == Style::Points) {
            if (std::isfinite(x) && std::isfinite(y))
                canvas.fillCircle(x, y, kMarkerRadius * l.textScale, colour, kPointAlpha);
        } else if (i + 1 < s.y.size()) {  // drawLine skips segments with a non-finite end
            canvas.drawLine(x, y, l.xPixel(s.x[i + 1]), l.yPixel(s.y[i + 1]), colour,
                            kLineWidth * l.textScale);
        }
    }
}

// Dashes run on along the polyline, so a sampled curve (y = x on a log axis) looks even.
void drawDashed(Canvas& canvas, const std::vector<std::pair<double, double>>& path,
                std::uint32_t colour, double width, double dash, double gap) {
    double phase = 0;  // distance into the current dash + gap period
    for (std::size_t i = 0; i + 1 < path.size(); ++i) {
        const auto [x0, y0] = path[i];
        const auto [x1, y1] = path[i + 1];
        const double length = std::hypot(x1 - x0, y1 - y0);
        for (double t = 0; t < length;) {
            const double next =
                std::min(length, t + (phase < dash ? dash - phase : dash + gap - phase));
            if (phase < dash) {
                const double a = t / length, b = next / length;
                canvas.drawLine(x0 + a * (x1 - x0), y0 + a * (y1 - y0), x0 + b * (x1 - x0),
                                y0 + b * (y1 - y0), colour, width);
            }
            phase = std::fmod(phase + next - t, dash + gap);
            t = next;
        }
    }
}

void drawGrid(Canvas& canvas, const ChartLayout& l) {
    for (double t : l.y.minorTicks)
        canvas.fillRect(l.plot.x, px(l.yPixel(t)), l.plot.w, 1, kMinorGrid);
    for (double t : l.x.ticks) canvas.fillRect(px(l.xPixel(t)), l.plot.y, 1, l.plot.h, kGrid);
    for (double t : l.y.ticks) canvas.fillRect(l.plot.x, px(l.yPixel(t)), l.plot.w, 1, kGrid);
}

void drawAxes(Canvas& canvas, const Chart& chart, const ChartLayout& l) {
    const int s = l.textScale, glyph = 7 * s, bottom = l.plot.y + l.plot.h;
    canvas.drawRect(l.plot.x, l.plot.y, l.plot.w, l.plot.h, kFrame);
    for (std::size_t i = 0; i < l.x.ticks.size(); ++i) {
        const int col = px(l.xPixel(l.x.ticks[i]));
        canvas.fillRect(col, bottom, 1, l.tickLength, kFrame);
        const int w = Canvas::textWidth(l.x.labels[i], s);
        canvas.drawText(col - w / 2, l.xTickLabelTop, l.x.labels[i], kText, s);
    }
    for (double t : l.y.minorTicks)
        canvas.fillRect(l.plot.x - l.tickLength / 2, px(l.yPixel(t)), l.tickLength / 2, 1, kFrame);
    for (std::size_t i = 0; i < l.y.ticks.size(); ++i) {
        const int row = px(l.yPixel(l.y.ticks[i]));
        canvas.fillRect(l.plot.x - l.tickLength, row, l.tickLength, 1, kFrame);
        const int w = Canvas::textWidth(l.y.labels[i], s);
        canvas.drawText(l.yTickLabelRight - w, row - glyph / 2, l.y.labels[i], kText, s);
    }
    if (!chart.xLabel.empty())
        canvas.drawText(l.plot.x + l.plot.w / 2 - Canvas::textWidth(chart.xLabel, s) / 2,
                        l.xLabelTop, chart.xLabel, kText, s);
    if (!chart.yLabel.empty())
        canvas.drawTextUp(l.yLabelLeft,
                          l.plot.y + l.plot.h / 2 + Canvas::textWidth(chart.yLabel, s) / 2,
                          chart.yLabel, kText, s);
    if (!chart.title.empty()) {
        const int w = Canvas::textWidth(l.title, l.titleScale);
        const int x = std::clamp(l.plot.x + l.plot.w / 2 - w / 2, 0, std::max(0, l.width - w));
        canvas.drawText(x, l.titleTop, l.title, kText, l.titleScale);
        canvas.drawText(x + 1, l.titleTop, l.title, kText, l.titleScale);  // bold
    }
}

void drawBoxes(Canvas& canvas, const Chart& chart, const ChartLayout& l) {
    const int s = l.textScale, glyph = 7 * s, pad = l.boxPadding;
    if (l.legend.w > 0) {
        const PixelBox& b = l.legend;
        canvas.fillRect(b.x, b.y, b.w, b.h, kLegendFill, kBoxAlpha);
        canvas.drawRect(b.x, b.y, b.w, b.h, kBoxBorder);
        for (std::size_t k = 0; k < l.legendSeries.size(); ++k) {
            const int i = l.legendSeries[k];
            const ChartSeries& series = chart.series[i];
            const std::uint32_t colour = l.colours[i];
            const int top = b.y + pad + static_cast<int>(k) * l.lineHeight, left = b.x + pad;
            const double mid = top + (glyph - 1) / 2.0;
            if (series.style == Style::Bars) {
                canvas.fillRect(left, top, l.swatchWidth, glyph, colour, kBarAlpha);
                canvas.drawRect(left, top, l.swatchWidth, glyph, colour);
            } else if (series.style == Style::Points) {
                canvas.fillCircle(left + (l.swatchWidth - 1) / 2.0, mid, kMarkerRadius * s, colour,
                                  kPointAlpha);
            } else {
                canvas.drawLine(left, mid, left + l.swatchWidth - 1, mid, colour, kLineWidth * s);
            }
            canvas.drawText(left + l.swatchWidth + 4 * s, top, series.label, kText, s);
        }
    }
    if (l.notes.w > 0) {
        const PixelBox& b = l.notes;
        canvas.fillRect(b.x, b.y, b.w, b.h, kNotesFill, kBoxAlpha);
        canvas.drawRect(b.x, b.y, b.w, b.h, kBoxBorder);
        for (std::size_t k = 0; k < chart.notes.size(); ++k)
            canvas.drawText(b.x + pad, b.y + pad + static_cast<int>(k) * l.lineHeight,
                            chart.notes[k], kText, s);
    }
}

}  // namespace

std::vector<std::uint8_t> renderChartRgb(const Chart& chart, int width, int height) {
    const ChartLayout l = layoutChart(chart, width, height);
    Canvas canvas(width, height, kBackground);
    drawGrid(canvas, l);
    canvas.setClip(l.plot.x, l.plot.y, l.plot.w, l.plot.h);
    if (chart.diagonal)
        drawDashed(canvas, diagonalPath(l), kDiagonal, kLineWidth * l.textScale,
                   kDashLength * l.textScale, kDashGap * l.textScale);
    for (std::size_t i = 0; i < chart.series.size(); ++i)
        drawSeries(canvas, l, chart.series[i], l.colours[i]);
    canvas.resetClip();
    drawAxes(canvas, chart, l);
    drawBoxes(canvas, chart, l);
    return canvas.rgb();
}

void writeChartPng(const Chart& chart, const std::string& path, int width, int height) {
    const std::vector<std::uint8_t> rgb = renderChartRgb(chart, width, height);
    writeFileAtomically(path, encodePng(width, height, 3, 8, rgb.data()));
}

}  // namespace cw
