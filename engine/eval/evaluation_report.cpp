#include "eval/evaluation_report.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <numeric>
#include <sstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "eval/report_figures.h"

namespace cw {
namespace fs = std::filesystem;

namespace {

nlohmann::json summary(const std::vector<double>& values) {
    if (values.empty()) return nullptr;
    const double n = static_cast<double>(values.size());
    const double mean = std::accumulate(values.begin(), values.end(), 0.0) / n;
    double ss = 0;
    for (double v : values) ss += (v - mean) * (v - mean);
    std::vector<double> sorted = values;
    std::sort(sorted.begin(), sorted.end());
    const std::size_t mid = sorted.size() / 2;
    const double median = sorted.size() % 2 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
    return {{"mean", mean},
            {"std", values.size() > 1 ? std::sqrt(ss / (n - 1)) : 0.0},
            {"min", sorted.front()},
            {"median", median},
            {"max", sorted.back()}};
}

/// Counts are whole numbers: written as JSON integers.
nlohmann::json wholeNumbers(const std::vector<double>& values) {
    nlohmann::json a = nlohmann::json::array();
    for (double v : values) {
        if (std::isfinite(v) && v == std::round(v)) a.push_back(static_cast<long long>(v));
        else a.push_back(v);
    }
    return a;
}

nlohmann::json countsJson(const std::vector<double>& counts, const EvalImages* images) {
    nlohmann::json j = summary(counts);
    j["n"] = counts.size();
    j["per_image"] = wholeNumbers(counts);
    if (images && images->count() == counts.size()) j["names"] = images->names;
    return j;
}

nlohmann::json atomsJson(const EvaluationResult& r, const EvalImages* real,
                         const EvalImages* generated) {
    nlohmann::json j;
    j["real"] = countsJson(r.realAtomCounts, real);
    j["generated"] = countsJson(r.generatedAtomCounts, generated);
    if (r.ks) {
        j["ks"] = {{"statistic", r.ks->statistic}, {"pvalue", r.ks->pvalue},
                   {"method", ksMethodName(r.ks->method)}, {"alternative", "two-sided"},
                   {"n1", r.ks->n1}, {"n2", r.ks->n2}};
    }
    if (r.wasserstein) j["wasserstein"] = *r.wasserstein;
    const auto [hr, hg] = countHistograms(r.realAtomCounts, r.generatedAtomCounts);
    j["histogram"] = {{"edges", hr.edges}, {"bin_width", hr.edges[1] - hr.edges[0]},
                      {"real", hr.counts}, {"generated", hg.counts}};
    return j;
}

std::string nameOf(const EvalImages* images, std::size_t index) {
    return images && index < images->count() ? images->names[index] : std::string();
}

nlohmann::json neighboursJson(const EvaluationResult& r, const EvalImages* real,
                              const EvalImages* generated) {
    std::vector<double> distances;
    for (const NearestNeighbour& n : r.pixelNeighbours) distances.push_back(n.distance);
    nlohmann::json j;
    j["pixel_distance"] = "RMS pixel difference, values in [0, 1]";
    j["feature_distance"] = "Euclidean distance of the extractor's features";
    j["pixel_summary"] = summary(distances);
    nlohmann::json items = nlohmann::json::array();
    for (std::size_t g = 0; g < r.pixelNeighbours.size(); ++g) {
        const NearestNeighbour& p = r.pixelNeighbours[g];
        nlohmann::json item = {{"generated_index", g}, {"nearest_index", p.index},
                               {"pixel_distance", p.distance}};
        if (generated) item["generated"] = nameOf(generated, g);
        if (real) item["nearest"] = nameOf(real, p.index);
        if (g < r.featureNeighbours.size()) {
            const NearestNeighbour& f = r.featureNeighbours[g];
            item["feature_nearest_index"] = f.index;
            item["feature_distance"] = f.distance;
            if (real) item["feature_nearest"] = nameOf(real, f.index);
        }
        if (g < r.generatedAtomCounts.size())
            item["generated_atoms"] = std::llround(r.generatedAtomCounts[g]);
        if (p.index < r.realAtomCounts.size())
            item["nearest_atoms"] = std::llround(r.realAtomCounts[p.index]);
        items.push_back(std::move(item));
    }
    j["items"] = std::move(items);
    return j;
}

/// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
std::string csvField(const std::string& text) {
    if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
    std::string quoted = "\"";
    for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

std::string number(double value) {
    std::ostringstream out;
    out.precision(10);
    out << value;
    return out.str();
}

std::string countsCsv(const EvaluationResult& r, const EvalImages& real, const EvalImages& generated) {
    std::string csv = "set,index,name,atoms\n";
    auto rows = [&csv](const char* set, const std::vector<double>& counts, const EvalImages& images) {
        for (std::size_t i = 0; i < counts.size(); ++i) {
            csv += std::string(set) + "," + std::to_string(i) + "," + csvField(nameOf(&images, i)) +
                   "," + number(counts[i]) + "\n";
        }
    };
    rows("real", r.realAtomCounts, real);
    rows("generated", r.generatedAtomCounts, generated);
    return csv;
}

std::string neighboursCsv(const EvaluationResult& r, const EvalImages& real,
                          const EvalImages& generated) {
    std::string csv =
        "generated,generated_index,nearest_training,nearest_training_index,pixel_distance,"
        "feature_nearest_training,feature_nearest_training_index,feature_distance,"
        "generated_atoms,training_atoms\n";
    for (std::size_t g = 0; g < r.pixelNeighbours.size(); ++g) {
        const NearestNeighbour& p = r.pixelNeighbours[g];
        csv += csvField(nameOf(&generated, g)) + "," + std::to_string(g) + "," +
               csvField(nameOf(&real, p.index)) + "," + std::to_string(p.index) + "," +
               number(p.distance) + ",";
        if (g < r.featureNeighbours.size()) {
            const NearestNeighbour& f = r.featureNeighbours[g];
            csv += csvField(nameOf(&real, f.index)) + "," + std::to_string(f.index) + "," +
                   number(f.distance) + ",";
        } else {
            csv += ",,,";
        }
        csv += (g < r.generatedAtomCounts.size() ? number(r.generatedAtomCounts[g]) : "") + "," +
               (p.index < r.realAtomCounts.size() ? number(r.realAtomCounts[p.index]) : "") + "\n";
    }
    return csv;
}

}  // namespace

std::string evaluationJson(const EvaluationResult& result, const ReportSources& sources,
                           const EvaluationOptions& options, const EvalImages* real,
                           const EvalImages* generated) {
    nlohmann::json j;
    j["format"] = "cwb-eval-report-1";
    j["sources"] = {{"real", sources.real}, {"generated", sources.generated}, {"split", sources.split}};
    j["real_count"] = result.realCount;
    j["generated_count"] = result.generatedCount;
    j["cancelled"] = result.cancelled;
    if (generated && generated->count() > 0) {
        j["image_shape"] = {generated->channels, generated->height, generated->width};
    }
    j["options"] = {{"blob_method", blobMethodName(options.counting.method)},
                    {"blob_sigma_px", options.counting.blobSigma},
                    {"smoothing_sigma_px", options.counting.smoothingSigma},
                    {"threshold", options.counting.threshold},
                    {"count_atoms", options.countAtoms},
                    {"nearest_neighbours", options.nearestNeighbours},
                    {"kid_subsets", options.kid.subsets},
                    {"kid_max_subset_size", options.kid.maxSubsetSize},
                    {"kid_seed", options.kid.seed}};
    if (!result.realAtomCounts.empty() && !result.generatedAtomCounts.empty()) {
        j["atoms"] = atomsJson(result, real, generated);
    }
    if (result.frechet) {
        const FrechetResult& f = *result.frechet;
        j["frechet"] = {{"extractor", f.extractor}, {"dimension", f.dimension},
                        {"n_real", f.realCount},    {"n_generated", f.generatedCount},
                        {"fid", f.fid},             {"kid", f.kid}};
    }
    if (!result.pixelNeighbours.empty()) j["neighbours"] = neighboursJson(result, real, generated);
    return j.dump(2) + "\n";
}

void writeEvaluationReport(const EvaluationResult& result, const EvalImages& real,
                           const EvalImages& generated, const ReportSources& sources,
                           const EvaluationOptions& options, const std::string& directory) {
    std::error_code ec;
    fs::create_directories(directory, ec);
    if (ec || !fs::is_directory(directory)) {
        throw IoError(directory, "cannot create the report folder" +
                                     (ec ? ": " + ec.message() : std::string()));
    }
    const fs::path dir(directory);
    writeFileAtomically((dir / "report.json").string(),
                        evaluationJson(result, sources, options, &real, &generated));
    if (!result.realAtomCounts.empty() && !result.generatedAtomCounts.empty()) {
        writeFileAtomically((dir / "counts.csv").string(), countsCsv(result, real, generated));
        const Chart chart = countsChart(result);
        writeChartPng(chart, (dir / "counts.png").string());
        writeChartSvg(chart, (dir / "counts.svg").string());
    }
    if (!result.pixelNeighbours.empty()) {
        writeFileAtomically((dir / "neighbours.csv").string(), neighboursCsv(result, real, generated));
        neighbourGallery(result, real, generated).writePng((dir / "neighbours.png").string());
    }
}

}  // namespace cw
