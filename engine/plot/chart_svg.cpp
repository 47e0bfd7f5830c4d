#include <cmath>
#include <cstdio>

#include "core/atomic_file.h"
#include "plot/chart.h"
#include "plot/chart_layout.h"
#include "plot/chart_style.h"

namespace cw {
namespace {

using namespace chart_style;
using Style = ChartSeries::Style;

// Layout coordinates put pixel centres on integers; SVG puts them at +0.5.
constexpr double kCentre = 0.5;
// px per text scale: DejaVu Sans capitals are then about as tall as the bitmap font's 7 rows and
// a little narrower than its 6-px cells, so text fits the boxes laid out for the bitmap font.
constexpr double kSvgFontSize = 9.0;

std::string num(double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.2f", v);
    std::string s = buffer;
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s == "-0" ? "0" : s;
}

std::string colour(std::uint32_t rgb) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "#%06x", rgb & 0xFFFFFFu);
    return buffer;
}

std::string escapeXml(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

class SvgWriter {
public:
    std::string& out() { return m_out; }

    // `top` is the top of the bitmap glyphs; the SVG baseline sits one cap height (7 px per
    // scale) lower, and the font size makes the cap height about match.
    void text(double x, double top, const std::string& s, int scale, const char* anchor = "start",
              bool bold = false) {
        m_out += "<text x=\"" + num(x) + "\" y=\"" + num(top + 7 * scale) + "\" font-size=\"" +
                 num(kSvgFontSize * scale) + "\" text-anchor=\"" + anchor + "\"" +
                 (bold ? " font-weight=\"bold\"" : "") + ">" + escapeXml(s) + "</text>\n";
    }
    void line(double x0, double y0, double x1, double y1, std::uint32_t rgb, double width,
              const std::string& extra = "") {
        m_out += "<line x1=\"" + num(x0 + kCentre) + "\" y1=\"" + num(y0 + kCentre) + "\" x2=\"" +
                 num(x1 + kCentre) + "\" y2=\"" + num(y1 + kCentre) + "\" stroke=\"" + colour(rgb) +
                 "\" stroke-width=\"" + num(width) + "\"" + extra + "/>\n";
    }
    void rect(double x, double y, double w, double h, const std::string& attributes) {
        m_out += "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(w) +
                 "\" height=\"" + num(h) + "\" " + attributes + "/>\n";
    }
    void polyline(const std::vector<std::pair<double, double>>& points, std::uint32_t rgb,
                  double width, const std::string& extra = "") {
        if (points.size() < 2) return;
        m_out += "<polyline fill=\"none\" stroke=\"" + colour(rgb) + "\" stroke-width=\"" +
                 num(width) + "\" stroke-linejoin=\"round\"" + extra + " points=\"";
        for (const auto& [x, y] : points) m_out += num(x + kCentre) + "," + num(y + kCentre) + " ";
        m_out += "\"/>\n";
    }

private:
    std::string m_out;
};

// Histogram envelopes: one outline per run of drawn bins (Bars) or across all bins (Steps).
void writeBinned(SvgWriter& svg, const ChartLayout& l, const ChartSeries& s, std::uint32_t rgb) {
    const double base = l.y.log ? l.plot.y + l.plot.h - 1 : l.yPixel(0.0);
    const bool bars = s.style == Style::Bars;
    std::vector<std::pair<double, double>> run;
    const auto flush = [&] {
        if (!run.empty()) run.emplace_back(run.back().first, base);
        svg.polyline(run, rgb, kLineWidth * l.textScale);
        run.clear();
    };
    for (std::size_t i = 0; i < s.y.size(); ++i) {
        const double a = l.xPixel(s.x[i]), b = l.xPixel(s.x[i + 1]), top = l.yPixel(s.y[i]);
        const bool shown =
            std::isfinite(top) && std::isfinite(a) && std::isfinite(b) && (!bars || s.y[i] != 0.0);
        if (!shown && bars) {
            flush();
            continue;
        }
        const double y = shown ? top : base;
        if (bars)
            svg.rect(std::min(a, b) + kCentre, std::min(y, base) + kCentre, std::abs(b - a),
                     std::abs(base - y),
                     "class=\"bar\" fill=\"" + colour(rgb) + "\" fill-opacity=\"" + num(kBarAlpha) +
                         "\"");
        if (run.empty()) run.emplace_back(a, base);
        run.emplace_back(a, y);
        run.emplace_back(b, y);
    }
    flush();
}

void writeSeries(SvgWriter& svg, const ChartLayout& l, const ChartSeries& s, std::uint32_t rgb) {
    if (s.style == Style::Bars || s.style == Style::Steps) return writeBinned(svg, l, s, rgb);
    std::vector<std::pair<double, double>> run;
    for (std::size_t i = 0; i < s.y.size(); ++i) {
        const double x = l.xPixel(s.x[i]), y = l.yPixel(s.y[i]);
        const bool finite = std::isfinite(x) && std::isfinite(y);
        if (s.style == Style::Points && finite) {
            svg.out() += "<circle cx=\"" + num(x + kCentre) + "\" cy=\"" + num(y + kCentre) +
                         "\" r=\"" + num(kMarkerRadius * l.textScale) + "\" fill=\"" + colour(rgb) +
                         "\" fill-opacity=\"" + num(kPointAlpha) + "\"/>\n";
        } else if (s.style == Style::Line) {
            if (finite) run.emplace_back(x, y);
            if (!finite || i + 1 == s.y.size())
                svg.polyline(run, rgb, kLineWidth * l.textScale), run.clear();
        }
    }
}

void writeAxes(SvgWriter& svg, const Chart& chart, const ChartLayout& l) {
    const int s = l.textScale, bottom = l.plot.y + l.plot.h - 1;
    svg.rect(l.plot.x + kCentre, l.plot.y + kCentre, l.plot.w - 1, l.plot.h - 1,
             "fill=\"none\" stroke=\"" + colour(kFrame) + "\" stroke-width=\"1\"");
    for (std::size_t i = 0; i < l.x.ticks.size(); ++i) {
        const double x = l.xPixel(l.x.ticks[i]);
        svg.line(x, bottom + 1, x, bottom + l.tickLength, kFrame, 1);
        svg.text(x + kCentre, l.xTickLabelTop, l.x.labels[i], s, "middle");
    }
    for (double t : l.y.minorTicks)
        svg.line(l.plot.x - l.tickLength / 2.0, l.yPixel(t), l.plot.x - 1, l.yPixel(t), kFrame, 1);
    for (std::size_t i = 0; i < l.y.ticks.size(); ++i) {
        const double y = l.yPixel(l.y.ticks[i]);
        svg.line(l.plot.x - l.tickLength, y, l.plot.x - 1, y, kFrame, 1);
        svg.text(l.yTickLabelRight, y + kCentre - 3.5 * s, l.y.labels[i], s, "end");
    }
    if (!chart.xLabel.empty())
        svg.text(l.plot.x + l.plot.w / 2.0, l.xLabelTop, chart.xLabel, s, "middle");
    if (!chart.yLabel.empty()) {
        const double x = l.yLabelLeft + 7 * s, y = l.plot.y + l.plot.h / 2.0;
        svg.out() += "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" font-size=\"" +
                     num(kSvgFontSize * s) + "\" text-anchor=\"middle\" transform=\"rotate(-90 " +
                     num(x) + " " + num(y) + ")\">" + escapeXml(chart.yLabel) + "</text>\n";
    }
    if (!l.title.empty())
        svg.text(l.plot.x + l.plot.w / 2.0, l.titleTop, l.title, l.titleScale, "middle", true);
}

void writeBoxes(SvgWriter& svg, const Chart& chart, const ChartLayout& l) {
    const int s = l.textScale, glyph = 7 * s, pad = l.boxPadding;
    const auto box = [&](const PixelBox& b, std::uint32_t fill) {
        svg.rect(b.x + kCentre, b.y + kCentre, b.w - 1, b.h - 1,
                 "fill=\"" + colour(fill) + "\" fill-opacity=\"" + num(kBoxAlpha) + "\" stroke=\"" +
                     colour(kBoxBorder) + "\" stroke-width=\"1\"");
    };
    if (l.legend.w > 0) {
        box(l.legend, kLegendFill);
        for (std::size_t k = 0; k < l.legendSeries.size(); ++k) {
            const ChartSeries& series = chart.series[l.legendSeries[k]];
            const std::uint32_t rgb = l.colours[l.legendSeries[k]];
            const int top = l.legend.y + pad + static_cast<int>(k) * l.lineHeight,
                      left = l.legend.x + pad;
            const double mid = top + (glyph - 1) / 2.0;
            if (series.style == Style::Bars)
                svg.rect(left, top, l.swatchWidth, glyph,
                         "fill=\"" + colour(rgb) + "\" fill-opacity=\"" + num(kBarAlpha) +
                             "\" stroke=\"" + colour(rgb) + "\"");
            else if (series.style == Style::Points)
                svg.out() += "<circle cx=\"" + num(left + l.swatchWidth / 2.0) + "\" cy=\"" +
                             num(mid + kCentre) + "\" r=\"" + num(kMarkerRadius * s) +
                             "\" fill=\"" + colour(rgb) + "\"/>\n";
            else
                svg.line(left, mid, left + l.swatchWidth - 1, mid, rgb, kLineWidth * s);
            svg.text(left + l.swatchWidth + 4 * s, top, series.label, s);
        }
    }
    if (l.notes.w > 0) {
        box(l.notes, kNotesFill);
        for (std::size_t k = 0; k < chart.notes.size(); ++k)
            svg.text(l.notes.x + pad, l.notes.y + pad + static_cast<int>(k) * l.lineHeight,
                     chart.notes[k], s);
    }
}

}  // namespace

std::string chartSvg(const Chart& chart, int width, int height) {
    const ChartLayout l = layoutChart(chart, width, height);
    SvgWriter svg;
    std::string& out = svg.out();
    out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) +
           "\" height=\"" + std::to_string(height) + "\" viewBox=\"0 0 " + std::to_string(width) +
           " " + std::to_string(height) +
           "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" fill=\"" + colour(kText) +
           "\">\n";
    out += "<rect width=\"100%\" height=\"100%\" fill=\"" + colour(kBackground) + "\"/>\n";
    out += "<defs><clipPath id=\"plot-area\">";
    svg.rect(l.plot.x, l.plot.y, l.plot.w, l.plot.h, "");
    out += "</clipPath></defs>\n";
    for (double t : l.y.minorTicks)
        svg.line(l.plot.x, l.yPixel(t), l.plot.x + l.plot.w - 1, l.yPixel(t), kMinorGrid, 1);
    for (double t : l.x.ticks)
        svg.line(l.xPixel(t), l.plot.y, l.xPixel(t), l.plot.y + l.plot.h - 1, kGrid, 1);
    for (double t : l.y.ticks)
        svg.line(l.plot.x, l.yPixel(t), l.plot.x + l.plot.w - 1, l.yPixel(t), kGrid, 1);
    out += "<g clip-path=\"url(#plot-area)\">\n";
    if (chart.diagonal)
        svg.polyline(diagonalPath(l), kDiagonal, kLineWidth * l.textScale,
                     " stroke-dasharray=\"" + num(kDashLength * l.textScale) + " " +
                         num(kDashGap * l.textScale) + "\"");
    for (std::size_t i = 0; i < chart.series.size(); ++i)
        writeSeries(svg, l, chart.series[i], l.colours[i]);
    out += "</g>\n";
    writeAxes(svg, chart, l);
    writeBoxes(svg, chart, l);
    out += "</svg>\n";
    return out;
}

void writeChartSvg(const Chart& chart, const std::string& path, int width, int height) {
    writeFileAtomically(path, chartSvg(chart, width, height));
}

std::vector<std::string> writeChartPngAndSvg(const Chart& chart, const std::string& stem) {
    writeChartPng(chart, stem + ".png");
    writeChartSvg(chart, stem + ".svg");
    return {stem + ".png", stem + ".svg"};
}

}  // namespace cw
