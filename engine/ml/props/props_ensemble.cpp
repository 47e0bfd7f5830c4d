#include "ml/props/props_ensemble.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <numeric>
#include <tuple>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/name_list.h"
#include "dataset/store.h"
#include "ml/props/regression_metrics.h"
#include "plot/chart.h"

namespace cw::ml {
namespace {

namespace fs = std::filesystem;
using Key = std::tuple<std::string, std::string, std::string>;  // split, target, material id

std::string describe(const Key& key) {
    return std::get<2>(key) + " (" + std::get<0>(key) + ", " + std::get<1>(key) + ")";
}

// The members' predictions lined up: row i of every member is the same material, split and
// target as row i of the first.
struct AlignedPredictions {
    std::vector<PropsPredictionRow> rows;         // the first member's rows: ids and truths
    std::vector<std::vector<double>> byMember;    // [member][row]
};

AlignedPredictions alignMembers(const std::vector<std::string>& runDirs) {
    AlignedPredictions aligned;
    const std::string firstPath = propsPredictionsPath(runDirs[0]);
    aligned.rows = readPropsPredictions(firstPath);
    std::map<Key, std::size_t> index;
    for (std::size_t i = 0; i < aligned.rows.size(); ++i) {
        const PropsPredictionRow& r = aligned.rows[i];
        if (!index.emplace(Key{r.split, r.target, r.materialId}, i).second)
            throw FormatError(firstPath, "material " + r.materialId, "predicted twice for " + r.split + ", " + r.target);
    }
    if (aligned.rows.empty()) throw FormatError(firstPath, "", "no predictions");
    std::vector<double> first;
    for (const PropsPredictionRow& r : aligned.rows) first.push_back(r.predicted);
    aligned.byMember.push_back(std::move(first));
    for (std::size_t member = 1; member < runDirs.size(); ++member) {
        const std::string path = propsPredictionsPath(runDirs[member]);
        std::vector<double> values(aligned.rows.size(), std::nan(""));
        std::vector<bool> seen(aligned.rows.size(), false);
        for (const PropsPredictionRow& r : readPropsPredictions(path)) {
            const Key key{r.split, r.target, r.materialId};
            const auto it = index.find(key);
            if (it == index.end())
                throw FormatError(path, "material " + describe(key),
                                  "is not in " + firstPath + "; the members must be trained on the same data set, "
                                  "split, filters and targets");
            if (seen[it->second])
                throw FormatError(path, "material " + describe(key), "predicted twice");
            const std::optional<double>& truth = aligned.rows[it->second].truth;
            if (truth.has_value() != r.truth.has_value() || (truth && *truth != *r.truth))
                throw FormatError(path, "material " + describe(key),
                                  "its true value differs from the one in " + firstPath + "; the members must "
                                  "be trained on the same data set");
            seen[it->second] = true;
            values[it->second] = r.predicted;
        }
        const auto missing = std::find(seen.begin(), seen.end(), false);
        if (missing != seen.end()) {
            const PropsPredictionRow& r = aligned.rows[static_cast<std::size_t>(missing - seen.begin())];
            throw FormatError(path, "", "has no prediction for " + describe({r.split, r.target, r.materialId}) +
                                            ", which " + firstPath + " has; the members must be trained on the "
                                            "same data set, split, filters and targets");
        }
        aligned.byMember.push_back(std::move(values));
    }
    return aligned;
}

void checkOutDir(const std::vector<std::string>& runDirs, const std::string& outDir) {
    if (outDir.empty()) throw ConfigError("props ensemble: no output folder (--out)");
    if (fs::exists(fs::path(outDir) / "config.json"))
        throw ConfigError("props ensemble: " + outDir + " is a training run's directory (it has config.json); "
                          "choose another --out");
    std::error_code ec;
    for (const std::string& run : runDirs)
        if (fs::exists(outDir) && fs::equivalent(run, outDir, ec))
            throw ConfigError("props ensemble: --out " + outDir + " is one of the member runs");
}

double meanOf(const std::vector<double>& values) {
    return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

// The members' mean and their standard deviation around it (divided by N: the spread of these
// members, not an estimate for a larger population).
std::pair<double, double> meanAndSpread(const std::vector<double>& values) {
    const double mean = meanOf(values);
    double square = 0;
    for (double v : values) square += (v - mean) * (v - mean);
    return {mean, std::sqrt(square / static_cast<double>(values.size()))};
}

std::string membersCsv(const AlignedPredictions& a, const std::vector<double>& mean, const std::vector<double>& spread) {
    std::string text = "material_id,split,target,true,mean,std";
    for (std::size_t m = 0; m < a.byMember.size(); ++m) text += ",member_" + std::to_string(m + 1);
    text += '\n';
    for (std::size_t i = 0; i < a.rows.size(); ++i) {
        const PropsPredictionRow& r = a.rows[i];
        text += csvField(r.materialId) + ',' + r.split + ',' + csvField(r.target) + ',' +
                (r.truth ? exactNumberText(*r.truth) : "") + ',' + exactNumberText(mean[i]) + ',' +
                exactNumberText(spread[i]);
        for (const std::vector<double>& member : a.byMember) text += ',' + exactNumberText(member[i]);
        text += '\n';
    }
    return text;
}

nlohmann::ordered_json numberOrNull(double value) {
    return std::isfinite(value) ? nlohmann::ordered_json(value) : nlohmann::ordered_json(nullptr);
}

std::string ensembleJson(const std::vector<std::string>& runDirs, const std::vector<EnsembleTargetSummary>& summaries) {
    nlohmann::ordered_json j;
    j["members"] = runDirs;
    j["spread"] = "standard deviation of the members' predictions (divided by N), in the target's units";
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const EnsembleTargetSummary& s : summaries) {
        nlohmann::ordered_json item;
        item["split"] = s.split;
        item["target"] = s.target;
        item["count"] = s.count;
        item["ensemble_mae"] = numberOrNull(s.ensembleMae);
        nlohmann::ordered_json members = nlohmann::ordered_json::array();
        for (double mae : s.memberMae) members.push_back(numberOrNull(mae));
        item["member_mae"] = members;
        item["mean_spread"] = numberOrNull(s.meanSpread);
        item["spread_error_rank_correlation"] = numberOrNull(s.spreadErrorRankCorrelation);
        item["mae_low_spread_half"] = numberOrNull(s.maeLowSpreadHalf);
        item["mae_high_spread_half"] = numberOrNull(s.maeHighSpreadHalf);
        list.push_back(item);
    }
    j["targets"] = list;
    return j.dump(2) + "\n";
}

// One split and target: the rows with a true value, their errors and spreads.
struct SplitTarget {
    std::vector<std::size_t> rows;
    std::vector<double> truth, mean, errors, spreads;  // errors: |mean − truth|
};

SplitTarget gather(const std::string& split, const std::string& target, const AlignedPredictions& a,
                   const std::vector<double>& mean, const std::vector<double>& spread) {
    SplitTarget d;
    for (std::size_t i = 0; i < a.rows.size(); ++i) {
        const PropsPredictionRow& row = a.rows[i];
        if (row.split != split || row.target != target || !row.truth || std::isnan(*row.truth)) continue;
        d.rows.push_back(i);
        d.truth.push_back(*row.truth);
        d.mean.push_back(mean[i]);
        d.errors.push_back(std::abs(mean[i] - *row.truth));
        d.spreads.push_back(spread[i]);
    }
    return d;
}

// Indices of d's items ordered by spread, the best-agreed first (stable: ties keep file order).
std::vector<std::size_t> bySpread(const SplitTarget& d) {
    std::vector<std::size_t> order(d.rows.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return d.spreads[x] < d.spreads[y]; });
    return order;
}

EnsembleTargetSummary summarize(const std::string& split, const std::string& target, const SplitTarget& d,
                                const AlignedPredictions& a) {
    EnsembleTargetSummary s;
    s.split = split;
    s.target = target;
    s.count = d.rows.size();
    s.ensembleMae = meanOf(d.errors);
    for (const std::vector<double>& member : a.byMember) {
        std::vector<double> predicted;
        for (std::size_t i : d.rows) predicted.push_back(member[i]);
        s.memberMae.push_back(regressionMetrics(d.truth, predicted).mae);
    }
    s.meanSpread = meanOf(d.spreads);
    s.spreadErrorRankCorrelation = spearmanRankCorrelation(d.spreads, d.errors);
    const std::vector<std::size_t> order = bySpread(d);
    const std::size_t half = order.size() / 2;
    double low = 0, high = 0;
    for (std::size_t k = 0; k < order.size(); ++k) (k < half ? low : high) += d.errors[order[k]];
    s.maeLowSpreadHalf = half > 0 ? low / static_cast<double>(half) : std::nan("");
    s.maeHighSpreadHalf = high / static_cast<double>(order.size() - half);
    return s;
}

// Absolute error against spread, every material a point, and the mean error of each tenth of
// the materials ordered by spread as a line: it rises when the spread means something.
Chart spreadChart(const EnsembleTargetSummary& s, const SplitTarget& d) {
    Chart chart;
    chart.title = s.target + ": ensemble error against the members' spread (" + s.split + ", N = " +
                  std::to_string(s.count) + ")";
    chart.xLabel = "spread (std of the members' predictions)";
    chart.yLabel = "|mean prediction - true|";
    chart.series.push_back({"materials", ChartSeries::Style::Points, d.spreads, d.errors, 0x9bb7d4});
    const std::vector<std::size_t> order = bySpread(d);
    ChartSeries tenths{"mean of each tenth", ChartSeries::Style::Line, {}, {}, 0xc0392b};
    const std::size_t bins = std::min<std::size_t>(10, order.size());
    for (std::size_t b = 0; b < bins; ++b) {
        const std::size_t from = order.size() * b / bins, to = order.size() * (b + 1) / bins;
        double spreadSum = 0, errorSum = 0;
        for (std::size_t k = from; k < to; ++k) spreadSum += d.spreads[order[k]], errorSum += d.errors[order[k]];
        tenths.x.push_back(spreadSum / static_cast<double>(to - from));
        tenths.y.push_back(errorSum / static_cast<double>(to - from));
    }
    chart.series.push_back(tenths);
    char note[96];
    std::snprintf(note, sizeof note, "rank corr. = %.3f", s.spreadErrorRankCorrelation);
    chart.notes.push_back(note);
    std::snprintf(note, sizeof note, "MAE low/high half = %.3g / %.3g", s.maeLowSpreadHalf, s.maeHighSpreadHalf);
    chart.notes.push_back(note);
    return chart;
}

}  // namespace

PropsEnsemble ensemblePropsRuns(const std::vector<std::string>& runDirs, const std::string& outDir) {
    if (runDirs.size() < 2)
        throw ConfigError("props ensemble: an ensemble needs at least two runs (--run), got " +
                          std::to_string(runDirs.size()));
    checkOutDir(runDirs, outDir);
    std::vector<PropsResults> memberResults;
    for (const std::string& run : runDirs) {
        if (!fs::is_directory(run)) throw IoError(run, "no such run directory");
        memberResults.push_back(readPropsResults(run));  // unfinished: IoError
    }
    const AlignedPredictions aligned = alignMembers(runDirs);

    const std::size_t n = aligned.rows.size();
    std::vector<double> mean(n), spread(n), values;
    for (std::size_t i = 0; i < n; ++i) {
        values.clear();
        for (const std::vector<double>& member : aligned.byMember) values.push_back(member[i]);
        std::tie(mean[i], spread[i]) = meanAndSpread(values);
    }

    PropsEnsemble out;
    const PropsResults& first = memberResults.front();
    PropsResults& r = out.results;
    r.model = "ensemble";
    r.transform = first.transform;
    for (const PropsResults& m : memberResults)
        if (m.transform != first.transform) r.transform = "mixed";
    r.dataDir = first.dataDir;
    r.bestValLoss = std::nan("");
    r.trainCount = first.trainCount;
    r.valCount = first.valCount;
    r.testCount = first.testCount;
    // Absolute, so the folder still finds its members from another working directory (the
    // window predicts with their weights).
    for (const std::string& run : runDirs) r.members.push_back(fs::absolute(run).lexically_normal().string());
    std::string charted;  // the spread plots show the test split, or val when there is none
    std::vector<std::pair<Chart, std::string>> charts;
    for (const char* split : {"test", "val"}) {
        const auto it = first.splits.find(split);
        if (it == first.splits.end()) continue;
        for (const PropsTargetMetrics& memberMetrics : it->second) {
            SplitTarget d = gather(split, memberMetrics.target, aligned, mean, spread);
            if (d.rows.empty()) continue;
            r.splits[split].push_back({memberMetrics.target, regressionMetrics(d.truth, d.mean), memberMetrics.trainMeanMae});
            out.summaries.push_back(summarize(split, memberMetrics.target, d, aligned));
            if (charted.empty() || charted == split) {
                charted = split;
                charts.push_back({spreadChart(out.summaries.back(), d), memberMetrics.target});
            }
        }
    }

    fs::create_directories(outDir);
    std::vector<PropsPredictionRow> meanRows = aligned.rows;
    for (std::size_t i = 0; i < n; ++i) meanRows[i].predicted = mean[i];
    const auto write = [&](const std::string& name, const std::string& text) {
        const std::string path = (fs::path(outDir) / name).string();
        writeFileAtomically(path, text);
        out.written.push_back(path);
    };
    writePropsPredictions(propsPredictionsPath(outDir), meanRows);
    out.written.push_back(propsPredictionsPath(outDir));
    write("members.csv", membersCsv(aligned, mean, spread));
    write("ensemble.json", ensembleJson(r.members, out.summaries));
    for (const auto& [chart, target] : charts) {
        const std::string stem = (fs::path(outDir) / ("spread-" + fileSafeName(target))).string();
        for (const std::string& path : writeChartPngAndSvg(chart, stem)) out.written.push_back(path);
    }
    write("results.json", propsResultsToJson(r));  // last: its presence marks a finished ensemble
    return out;
}

std::vector<EnsemblePrediction> averagePropsPredictions(const std::vector<std::vector<PropsPrediction>>& byMember,
                                                        const std::vector<std::string>& runDirs) {
    if (byMember.empty() || byMember.size() != runDirs.size())
        throw ConfigError("props ensemble: " + std::to_string(byMember.size()) + " members' predictions for " +
                          std::to_string(runDirs.size()) + " runs");
    const std::vector<PropsPrediction>& first = byMember.front();
    for (std::size_t m = 1; m < byMember.size(); ++m) {
        if (byMember[m].size() != first.size())
            throw ConfigError("props ensemble: " + runDirs[m] + " predicts " + std::to_string(byMember[m].size()) +
                              " items of these inputs, " + runDirs[0] + " " + std::to_string(first.size()) +
                              "; the members must use the same filters");
        for (std::size_t i = 0; i < first.size(); ++i)
            if (byMember[m][i].id != first[i].id || byMember[m][i].values.size() != first[i].values.size())
                throw ConfigError("props ensemble: item " + std::to_string(i + 1) + " is " + byMember[m][i].id +
                                  " with " + std::to_string(byMember[m][i].values.size()) + " targets for " +
                                  runDirs[m] + " but " + first[i].id + " with " +
                                  std::to_string(first[i].values.size()) + " for " + runDirs[0]);
    }
    std::vector<EnsemblePrediction> out(first.size());
    std::vector<double> values;
    for (std::size_t i = 0; i < first.size(); ++i) {
        EnsemblePrediction& e = out[i];
        e.mean = first[i];
        e.spread.assign(first[i].values.size(), 0.0);
        for (std::size_t k = 0; k < first[i].values.size(); ++k) {
            values.clear();
            for (const std::vector<PropsPrediction>& member : byMember) values.push_back(member[i].values[k]);
            std::tie(e.mean.values[k], e.spread[k]) = meanAndSpread(values);
        }
    }
    return out;
}

}  // namespace cw::ml
