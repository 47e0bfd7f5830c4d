// The Qt-free charts (engine/plot): ticks, the data → pixel mapping, pixels of bars, the y = x
// diagonal and log axes, the bitmap font and its UTF-8 transliteration, SVG text and PNG files.
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>

#include "core/error.h"
#include "core/png_image.h"
#include "plot/bitmap_font.h"
#include "plot/canvas.h"
#include "plot/chart.h"
#include "plot/chart_layout.h"

namespace {

using Style = cw::ChartSeries::Style;

struct Pixels {
    std::vector<std::uint8_t> rgb;
    int width = 0;
    const std::uint8_t* at(int x, int y) const {
        return &rgb[(static_cast<std::size_t>(y) * width + x) * 3];
    }
    // Saturated (a series colour), as opposed to white, grays and black.
    bool coloured(int x, int y) const {
        const std::uint8_t* p = at(x, y);
        return std::max({p[0], p[1], p[2]}) - std::min({p[0], p[1], p[2]}) > 40;
    }
    bool darkGray(int x, int y) const {
        const std::uint8_t* p = at(x, y);
        return p[0] == p[1] && p[1] == p[2] && p[0] < 200;
    }
    bool background(int x, int y) const {
        const std::uint8_t* p = at(x, y);
        return p[0] == 255 && p[1] == 255 && p[2] == 255;
    }
};

Pixels render(const cw::Chart& chart, int width = 960, int height = 640) {
    return {cw::renderChartRgb(chart, width, height), width};
}

int pixel(double v) {
    return static_cast<int>(std::lround(v));
}

int count(const std::string& text, const std::string& what) {
    int n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

cw::Chart histogram() {
    cw::Chart chart;
    chart.xLabel = "d (Å)";
    chart.yLabel = "count";
    chart.series.push_back({"a<b & c", Style::Bars, {0, 1, 2, 3, 4}, {5, 0, 3, 2}, 0x0072B2});
    return chart;
}

}  // namespace

class TestChart : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void niceTicks() {
        QCOMPARE(cw::niceStep(0.13), 0.2);
        QCOMPARE(cw::niceStep(3.0), 5.0);
        QCOMPARE(cw::niceStep(1.0), 1.0);
        QCOMPARE(cw::niceStep(7.0), 10.0);
        const cw::ChartAxis axis = cw::linearAxis(0.13, 0.87, 5);
        QCOMPARE(axis.lo, 0.0);
        QCOMPARE(axis.hi, 1.0);
        QCOMPARE(axis.labels, (std::vector<std::string>{"0", "0.2", "0.4", "0.6", "0.8", "1.0"}));
        // Data on a tick do not add a step; an empty range is widened around its value.
        QCOMPARE(cw::linearAxis(0, 40, 4).labels,
                 (std::vector<std::string>{"0", "10", "20", "30", "40"}));
        const cw::ChartAxis flat = cw::linearAxis(3, 3, 4);
        QVERIFY(flat.lo < 3 && flat.hi > 3);
        QCOMPARE(cw::formatTick(0.1 + 0.2, 0.1), std::string("0.3"));
        QCOMPARE(cw::formatTick(-1e-17, 0.1), std::string("0"));
        QCOMPARE(cw::formatTick(0.25, 0.05), std::string("0.25"));
        QCOMPARE(cw::formatTick(2e6, 1e6), std::string("2e6"));
        QCOMPARE(cw::formatTick(5e-5, 5e-5), std::string("5e-5"));
        // One exponent per axis, so that neighbouring labels compare at a glance.
        QCOMPARE(cw::linearAxis(0, 2e6, 4).labels,
                 (std::vector<std::string>{"0", "0.5e6", "1.0e6", "1.5e6", "2.0e6"}));
        QCOMPARE(cw::linearAxis(1.00001, 1.00004, 3).labels.front(), std::string("1.00001"));

        const cw::ChartAxis log = cw::logAxis(3, 250, 10);
        QVERIFY(log.log);
        QCOMPARE(log.lo, 1.0);
        QCOMPARE(log.hi, 1000.0);
        QCOMPARE(log.labels, (std::vector<std::string>{"1", "10", "100", "1000"}));
        QCOMPARE(log.minorTicks.size(), std::size_t{24});  // 2…9 in each of three decades
        QCOMPARE(cw::logAxis(1e-12, 1, 4).ticks.size(), std::size_t{5});  // every third decade
    }

    void barsFillExactlyTheirBins() {
        const cw::Chart chart = histogram();
        const cw::ChartLayout l = cw::layoutChart(chart, 960, 640);
        QCOMPARE(l.x.lo, 0.0);
        QCOMPARE(l.x.hi, 4.0);
        QCOMPARE(l.y.lo, 0.0);
        const Pixels px = render(chart);
        const std::vector<double> edges = chart.series[0].x, counts = chart.series[0].y;
        const int row = pixel(l.yPixel(1.0));  // below every non-empty bar's top
        for (int col = l.plot.x + 1; col < l.plot.x + l.plot.w - 1; ++col) {
            bool inBar = false;
            for (int i = 0; i < 4; ++i)
                inBar = inBar || (counts[i] > 0 && col >= pixel(l.xPixel(edges[i])) &&
                                  col < pixel(l.xPixel(edges[i + 1])));
            QVERIFY2(px.coloured(col, row) == inBar, qPrintable(QString("column %1").arg(col)));
        }
        // Independently of the mapping: two runs, bin 0 and bins 2–3, with a bin-wide gap.
        std::vector<std::pair<int, int>> runs;
        for (int col = l.plot.x; col < l.plot.x + l.plot.w; ++col)
            if (px.coloured(col, row)) {
                if (runs.empty() || runs.back().second != col - 1) runs.push_back({col, col});
                runs.back().second = col;
            }
        QCOMPARE(runs.size(), std::size_t{2});
        const int bin = runs[0].second - runs[0].first + 1,
                  gap = runs[1].first - runs[0].second - 1;
        QVERIFY(bin > 150);
        // ±2 px: the frame covers the first column of bin 0, and edges round to whole pixels.
        QVERIFY(std::abs(gap - bin) <= 2);
        QVERIFY(std::abs((runs[1].second - runs[1].first + 1) - 2 * bin) <= 2);
        // Heights: counts 5 and 3 from the zero line.
        const auto topOf = [&](int col) {
            int r = l.plot.y;
            while (!px.coloured(col, r)) ++r;
            return r;
        };
        const int base = pixel(l.yPixel(0.0));
        const double h0 = base - topOf(runs[0].first + bin / 2),
                     h2 = base - topOf(runs[1].first + bin / 2);
        QVERIFY(std::abs(h0 / h2 - 5.0 / 3.0) < 0.02);
    }

    void diagonalIsYEqualsX() {
        cw::Chart chart;
        chart.diagonal = true;
        chart.series.push_back({"", Style::Points, {1, 9}, {9, 1.5}, 0});
        const cw::ChartLayout l = cw::layoutChart(chart, 960, 640);
        QCOMPARE(l.x.lo, l.y.lo);
        QCOMPARE(l.x.hi, l.y.hi);
        QCOMPARE(l.plot.w, l.plot.h);  // square, so y = x runs at 45 degrees
        const Pixels px = render(chart);
        // Every dark gray pixel inside the frame lies on the corner-to-corner diagonal …
        const int last = l.plot.y + l.plot.h - 1;
        int dark = 0;
        for (int y = l.plot.y + 2; y < last - 1; ++y)
            for (int x = l.plot.x + 2; x < l.plot.x + l.plot.w - 2; ++x)
                if (px.darkGray(x, y)) {
                    ++dark;
                    QVERIFY2(std::abs((x - l.plot.x) - (last - y)) <= 2,
                             qPrintable(QString("%1, %2").arg(x).arg(y)));
                }
        QVERIFY(dark > l.plot.w / 2);
        // … and the dashes pass through the mapped (v, v) of most values.
        int hits = 0, samples = 0;
        for (double v = l.x.lo + 0.05; v < l.x.hi - 0.05; v += 0.05, ++samples)
            hits += px.darkGray(pixel(l.xPixel(v)), pixel(l.yPixel(v)));
        QVERIFY2(hits > samples / 2, qPrintable(QString("%1 of %2").arg(hits).arg(samples)));
    }

    void logAxisSpacesDecadesEqually() {
        cw::Chart chart;
        chart.logY = true;
        chart.series.push_back(
            {"", Style::Line, {0, 1, 2, 3}, {1, 10, 100, 0}, 0});  // 0 is skipped
        const cw::ChartLayout l = cw::layoutChart(chart, 960, 640);
        QVERIFY(l.y.log);
        const double step1 = l.yPixel(1) - l.yPixel(10), step2 = l.yPixel(10) - l.yPixel(100);
        QVERIFY(step1 > 50);
        QVERIFY(std::abs(step1 - step2) < 1e-9);
        QVERIFY(std::isnan(l.yPixel(0)));
        const Pixels px = render(chart);
        for (double v : {1.0, 10.0, 100.0}) {
            QVERIFY(std::find(l.y.ticks.begin(), l.y.ticks.end(), v) != l.y.ticks.end());
            QVERIFY(px.darkGray(l.plot.x - 2, pixel(l.yPixel(v))));  // the tick mark
        }
        // The segment 1 → 10 is straight in pixels: its middle is at the row of sqrt(10).
        QVERIFY(px.coloured(pixel(l.xPixel(0.5)), pixel(l.yPixel(std::sqrt(10.0)))));
    }

    void textHasTheWidthItReports() {
        cw::Canvas canvas(240, 60);
        const int drawn = canvas.drawText(7, 5, "HMH", 0x000000, 2);
        QCOMPARE(drawn, cw::Canvas::textWidth("HMH", 2));
        QCOMPARE(drawn, (3 * 6 - 1) * 2);
        int x0 = 1000, x1 = -1, y0 = 1000, y1 = -1;
        const Pixels px{canvas.rgb(), canvas.width()};
        for (int y = 0; y < canvas.height(); ++y)
            for (int x = 0; x < canvas.width(); ++x)
                if (!px.background(x, y))
                    x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y),
                    y1 = std::max(y1, y);
        QCOMPARE(x0, 7);
        QCOMPARE(x1 - x0 + 1, drawn);
        QCOMPARE(y0, 5);
        QCOMPARE(y1 - y0 + 1, 7 * 2);
        // Descenders stay inside the 9-row cell; upright text swaps the extents.
        cw::Canvas other(60, 120);
        QCOMPARE(other.drawTextUp(3, 100, "gH", 0x000000, 2), cw::Canvas::textWidth("gH", 2));
        const Pixels up{other.rgb(), other.width()};
        x0 = 1000, x1 = -1, y0 = 1000, y1 = -1;
        for (int y = 0; y < other.height(); ++y)
            for (int x = 0; x < other.width(); ++x)
                if (!up.background(x, y))
                    x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y),
                    y1 = std::max(y1, y);
        QCOMPARE(x0, 3);
        QCOMPARE(x1 - x0 + 1, cw::Canvas::textHeight(2));
        QCOMPARE(y1, 99);
        QCOMPARE(y1 - y0 + 1, cw::Canvas::textWidth("gH", 2));
        // Non-ASCII is measured as its ASCII spelling.
        QCOMPARE(cw::Canvas::textWidth("Å"), cw::Canvas::textWidth("A"));
        QCOMPARE(cw::Canvas::textWidth("σ", 2), cw::Canvas::textWidth("sigma", 2));
        QCOMPARE(cw::Canvas::textWidth(""), 0);
    }

    void transliteratesScienceCharacters() {
        QCOMPARE(cw::transliterateToAscii("d (Å)"), std::string("d (A)"));
        QCOMPARE(cw::transliterateToAscii("σ² ≤ 3 × 10³"), std::string("sigma^2 <= 3 x 10^3"));
        QCOMPARE(cw::transliterateToAscii("−1.5 μm ≥ 90°"), std::string("-1.5 um >= 90deg"));
        QCOMPARE(cw::transliterateToAscii("λ — a·b – c"), std::string("lambda - a.b - c"));
        QCOMPARE(cw::transliterateToAscii("log₁₀ p"), std::string("log10 p"));
        QCOMPARE(cw::transliterateToAscii("snow ☃, bad \xff, cut \xce"),
                 std::string("snow ?, bad ?, cut ?"));
        QCOMPARE(cw::transliterateToAscii("plain ASCII ~{}"), std::string("plain ASCII ~{}"));
        QCOMPARE(cw::glyphColumns('\x01'), cw::glyphColumns('?'));
        QVERIFY(cw::glyphColumns('g') != cw::glyphColumns('9'));
    }

    void legendAndNotesStayOffTheData() {
        cw::Chart chart = histogram();
        chart.series.push_back({"generated", Style::Bars, {0, 1, 2, 3, 4}, {4, 1, 2, 5}, 0});
        chart.notes = {"KS D = 0.12", "p = 0.03"};
        const cw::ChartLayout l = cw::layoutChart(chart, 960, 640);
        QCOMPARE(l.colours[0], 0x0072B2u);
        QCOMPARE(l.colours[1], cw::paletteColour(0));
        QCOMPARE(l.legendSeries, (std::vector<int>{0, 1}));
        QVERIFY(l.legend.w > 0 && l.notes.w > 0);
        QVERIFY(!l.legend.overlaps(l.notes));
        for (const cw::PixelBox& box : {l.legend, l.notes}) {
            QVERIFY(box.x > l.plot.x && box.x + box.w < l.plot.x + l.plot.w);
            QVERIFY(box.y > l.plot.y && box.y + box.h < l.plot.y + l.plot.h);
            QVERIFY(l.yPixel(5.0) > box.y + box.h);  // the tallest bar ends below the boxes
        }
        QVERIFY(l.notes.x + l.notes.w > l.plot.x + l.plot.w * 3 / 4);  // top right
        QVERIFY(l.notes.y < l.plot.y + l.plot.h / 4);
        const Pixels px = render(chart);
        // The first legend swatch shows the first series' colour.
        const std::uint8_t* swatch =
            px.at(l.legend.x + l.boxPadding + l.swatchWidth / 2, l.legend.y + l.boxPadding + 3);
        QVERIFY(swatch[2] > swatch[0] + 40);
    }

    void svgHasTextBarsAndEscapes() {
        cw::Chart chart = histogram();
        chart.title = "Slices";
        chart.series.push_back({"steps", Style::Steps, {0, 1, 2, 3, 4}, {1, 2, 1, 1}, 0});
        chart.notes = {"p < 0.05"};
        const std::string svg = cw::chartSvg(chart, 640, 480);
        QVERIFY(svg.rfind("<?xml", 0) == 0);
        QVERIFY(
            svg.find("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"480\"") !=
            std::string::npos);
        QCOMPARE(count(svg, "class=\"bar\""), 3);  // the empty bin has none
        QVERIFY(svg.find("a&lt;b &amp; c") != std::string::npos);
        QVERIFY(svg.find("a<b") == std::string::npos);
        QVERIFY(svg.find("p &lt; 0.05") != std::string::npos);
        QVERIFY(svg.find(">d (Å)</text>") != std::string::npos);  // UTF-8 kept
        QVERIFY(svg.find("<polyline") != std::string::npos);
        QXmlStreamReader xml(QByteArray::fromStdString(svg));
        int texts = 0;
        while (!xml.atEnd())
            if (xml.readNext() == QXmlStreamReader::StartElement &&
                xml.name() == QLatin1String("text"))
                ++texts;
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QVERIFY(texts >= 8);
    }

    void filesRoundTrip() {
        QTemporaryDir dir;
        const cw::Chart chart = histogram();
        const std::string png = dir.path().toStdString() + "/sub/chart.png";
        cw::writeChartPng(chart, png, 480, 320);
        const cw::PngPixels back = cw::readPng(png);
        QCOMPARE(back.width, 480);
        QCOMPARE(back.height, 320);
        QCOMPARE(back.channels, 3);
        const std::vector<std::uint8_t> rgb = cw::renderChartRgb(chart, 480, 320);
        QVERIFY(std::equal(rgb.begin(), rgb.end(), back.samples.begin(), back.samples.end()));
        const std::string svgPath = dir.path().toStdString() + "/chart.svg";
        cw::writeChartSvg(chart, svgPath, 480, 320);
        std::ifstream in(svgPath, std::ios::binary);
        QCOMPARE(std::string(std::istreambuf_iterator<char>(in), {}),
                 cw::chartSvg(chart, 480, 320));
        // A path below a plain file cannot be created.
        QVERIFY_THROWS_EXCEPTION(cw::IoError, cw::writeChartPng(chart, png + "/x.png"));
    }

    void rejectsBadInput() {
        cw::Chart chart;
        chart.series.push_back({"", Style::Line, {0, 1, 2}, {1, 2}, 0});
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::renderChartRgb(chart));
        chart.series[0] = {"", Style::Bars, {0, 1}, {1, 2}, 0};  // bars need one edge more
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::chartSvg(chart));
        chart.series[0] = {"", Style::Steps, {0, 1, 2}, {1, 2}, 0};
        QCOMPARE(cw::renderChartRgb(chart, 200, 150).size(), std::size_t{200 * 150 * 3});
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::renderChartRgb(chart, 199, 150));
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::renderChartRgb(chart, 200, 149));
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::Canvas(0, 10));
        // NaN values and an empty chart still draw.
        cw::Chart odd;
        odd.series.push_back({"nan", Style::Points, {0, NAN, 2}, {1, 2, INFINITY}, 0});
        QCOMPARE(cw::renderChartRgb(odd).size(), std::size_t{960 * 640 * 3});
        QCOMPARE(cw::renderChartRgb(cw::Chart{}).size(), std::size_t{960 * 640 * 3});
    }

    void imagesAreScaledNearestNeighbour() {
        cw::Image image(2, 2, 0.0f);
        image(0, 1) = 1.0f;
        image(1, 0) = 0.5f;
        cw::Canvas canvas(10, 10, 0xFF0000);
        canvas.drawImage(image, 1, 1, 4, 4);
        const Pixels px{canvas.rgb(), 10};
        QCOMPARE(int(px.at(1, 1)[0]), 0);
        QCOMPARE(int(px.at(4, 2)[1]), 255);
        QCOMPARE(int(px.at(2, 4)[2]), 128);
        QCOMPARE(int(px.at(5, 5)[0]), 255);  // outside: untouched red
        QCOMPARE(int(px.at(5, 5)[1]), 0);
    }
};

QTEST_APPLESS_MAIN(TestChart)
#include "test_chart.moc"
