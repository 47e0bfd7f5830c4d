#include "eval/report_figures.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "core/error.h"
#include "metrics/wasserstein.h"

namespace cw {
namespace {

constexpr std::uint32_t kTrainingRgb = 0x1F77B4;   // matplotlib's first two colours
constexpr std::uint32_t kGeneratedRgb = 0xFF7F0E;
constexpr std::size_t kMaxCountBins = 60;

std::string format(const char* pattern, double value) {
    char text[64];
    std::snprintf(text, sizeof text, pattern, value);
    return text;
}

double mean(const std::vector<double>& v) {
    return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

std::vector<double> fractions(const Histogram& h, std::size_t total) {
    std::vector<double> y;
    for (std::size_t c : h.counts) y.push_back(total ? static_cast<double>(c) / total : 0.0);
    return y;
}

/// `text` cut to at most `pixels` wide at scale 1, with "..." when cut.
std::string fitText(const std::string& text, int pixels) {
    if (Canvas::textWidth(text) <= pixels) return text;
    std::string cut = text;
    while (!cut.empty() && Canvas::textWidth(cut + "...") > pixels) cut.pop_back();
    return cut + "...";
}

}  // namespace

std::pair<Histogram, Histogram> countHistograms(const std::vector<double>& real,
                                                const std::vector<double>& generated) {
    auto [a, b] = integerHistograms(real, generated);
    const std::size_t units = a.counts.size();
    if (units <= kMaxCountBins) return {a, b};
    // Whole numbers of atoms per bin, edges still halfway between integers.
    const auto width = static_cast<double>((units + kMaxCountBins - 1) / kMaxCountBins);
    const double lo = a.edges.front();
    const int bins = static_cast<int>(std::ceil(static_cast<double>(units) / width));
    return {histogram(real, bins, lo, lo + bins * width),
            histogram(generated, bins, lo, lo + bins * width)};
}

Chart countsChart(const EvaluationResult& result) {
    if (result.realAtomCounts.empty() || result.generatedAtomCounts.empty()) {
        throw ValueError("The evaluation holds no atom counts to chart.");
    }
    const auto [real, generated] =
        countHistograms(result.realAtomCounts, result.generatedAtomCounts);
    Chart chart;
    chart.title = "Atoms per slice";
    const double binWidth = real.edges[1] - real.edges[0];
    chart.xLabel = binWidth > 1 ? "atoms per slice (blob count; bins of " +
                                      format("%.0f", binWidth) + ")"
                                : std::string("atoms per slice (blob count)");
    chart.yLabel = "fraction of slices";
    const std::size_t nReal = result.realAtomCounts.size(), nGen = result.generatedAtomCounts.size();
    chart.series.push_back({"training (N = " + std::to_string(nReal) + ")",
                            ChartSeries::Style::Bars, real.edges, fractions(real, nReal),
                            kTrainingRgb});
    chart.series.push_back({"generated (N = " + std::to_string(nGen) + ")",
                            ChartSeries::Style::Bars, generated.edges, fractions(generated, nGen),
                            kGeneratedRgb});
    if (result.ks) {
        chart.notes.push_back("KS D = " + format("%.4g", result.ks->statistic) +
                              ", p = " + format("%.4g", result.ks->pvalue) + " (" +
                              ksMethodName(result.ks->method) + ")");
    }
    if (result.wasserstein) chart.notes.push_back("W1 = " + format("%.4g", *result.wasserstein) + " atoms");
    chart.notes.push_back("mean " + format("%.4g", mean(result.realAtomCounts)) + " training, " +
                          format("%.4g", mean(result.generatedAtomCounts)) + " generated");
    if (result.frechet) {
        const FrechetResult& f = *result.frechet;
        chart.notes.push_back("FID = " + format("%.4g", f.fid) + ", KID = " + format("%.4g", f.kid));
        chart.notes.push_back(f.extractor + ", N = " + std::to_string(f.realCount) + " / " +
                              std::to_string(f.generatedCount));
    }
    return chart;
}

Canvas neighbourGallery(const EvaluationResult& result, const EvalImages& real,
                        const EvalImages& generated, std::size_t maxPairs, int columns) {
    const std::vector<NearestNeighbour>& nn = result.pixelNeighbours;
    if (nn.empty()) throw ValueError("The evaluation holds no nearest neighbours to show.");
    if (nn.size() != generated.count()) {
        throw ValueError("The nearest-neighbour list has " + std::to_string(nn.size()) +
                         " entries for " + std::to_string(generated.count()) + " generated images.");
    }
    for (const NearestNeighbour& n : nn) {
        if (n.index >= real.count()) throw ValueError("A nearest neighbour lies outside the training images.");
    }
    std::vector<std::size_t> order(nn.size());
    std::iota(order.begin(), order.end(), 0);
    // NaN distances (non-finite pixels) last.
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const double da = nn[a].distance, db = nn[b].distance;
        if (std::isnan(da) || std::isnan(db)) return !std::isnan(da) && std::isnan(db);
        return da < db;
    });
    order.resize(std::min(order.size(), maxPairs));
    columns = std::max(1, std::min(columns, static_cast<int>(order.size())));

    // Whole-number magnification of small images; large ones shown at up to 192 px.
    const int side = std::max(generated.height, generated.width);
    const int scale = side >= 96 ? 1 : (96 + side - 1) / side;
    const int tileW = std::min(192, generated.width * scale);
    const int tileH = std::min(192, generated.height * scale);
    const int gap = 4, margin = 12, labelH = 2 * Canvas::textHeight() + 8;
    const int pairW = 2 * tileW + gap, cellW = pairW + 2 * margin, cellH = tileH + labelH + margin;
    const int rows = static_cast<int>((order.size() + columns - 1) / columns);
    const int titleH = Canvas::textHeight(2) + 4 + Canvas::textHeight() + 2 * margin;
    Canvas canvas(std::max(columns * cellW + margin, 420), titleH + rows * cellH + margin);
    canvas.drawText(margin, margin, "Nearest training image of each generated one", 0x000000, 2);
    canvas.drawText(margin, margin + Canvas::textHeight(2) + 4,
                    "pairs [generated | training], closest first; d = RMS pixel difference",
                    0x444444);

    for (std::size_t k = 0; k < order.size(); ++k) {
        const std::size_t g = order[k];
        const int x = margin + static_cast<int>(k % columns) * cellW;
        const int y = titleH + static_cast<int>(k / columns) * cellH;
        canvas.drawImage(generated.channelImage(g, 0), x, y, tileW, tileH);
        canvas.drawImage(real.channelImage(nn[g].index, 0), x + tileW + gap, y, tileW, tileH);
        canvas.drawRect(x - 1, y - 1, tileW + 2, tileH + 2, kGeneratedRgb);
        canvas.drawRect(x + tileW + gap - 1, y - 1, tileW + 2, tileH + 2, kTrainingRgb);
        canvas.drawText(x, y + tileH + 4, "d = " + format("%.4g", nn[g].distance), 0x000000);
        canvas.drawText(x, y + tileH + 6 + Canvas::textHeight(),
                        fitText(generated.names[g] + " | " + real.names[nn[g].index], pairW),
                        0x444444);
    }
    return canvas;
}

}  // namespace cw
