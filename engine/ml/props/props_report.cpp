#include "ml/props/props_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>

#include "core/atomic_file.h"
#include "core/name_list.h"
#include "ml/props/props_run.h"
#include "plot/chart.h"

namespace cw::ml {
namespace {

namespace fs = std::filesystem;

std::string number(double value, const char* format = "%.4g") {
    if (!std::isfinite(value)) return "–";
    char text[48];
    std::snprintf(text, sizeof text, format, value);
    return text;
}

void writeBoth(const Chart& chart, const std::string& stem, std::vector<std::string>& written) {
    for (const std::string& path : writeChartPngAndSvg(chart, stem)) written.push_back(path);
}

}  // namespace

std::string propsResultsMarkdown(const std::string& runDir) {
    const PropsResults r = readPropsResults(runDir);
    std::string md = "# Property prediction: " + fs::path(runDir).filename().string() + "\n\n";
    if (!r.members.empty()) {
        md += "Ensemble: the mean prediction of " + std::to_string(r.members.size()) + " runs (";
        for (std::size_t m = 0; m < r.members.size(); ++m) md += (m ? ", " : "") + r.members[m];
        md += "), transform " + r.transform + ", data " + r.dataDir + "; items " + std::to_string(r.trainCount) +
              " train, " + std::to_string(r.valCount) + " val, " + std::to_string(r.testCount) + " test.\n\n";
    } else {
        md += "Model " + r.model + ", transform " + r.transform + ", data " + r.dataDir + "; " +
              std::to_string(r.epochsDone) + " epochs" + (r.stoppedEarly ? " (stopped early)" : "") +
              ", best epoch " + std::to_string(r.bestEpoch) + " (validation loss " + number(r.bestValLoss) +
              "); items " + std::to_string(r.trainCount) + " train, " + std::to_string(r.valCount) + " val, " +
              std::to_string(r.testCount) + " test.\n\n";
    }
    md += "Metrics in each property's own units; MAPE leaves out |y| < 1e-8 (the count in brackets); "
          "\"train mean\" is the MAE of always predicting the training split's mean.\n\n";
    md += "| split | target | N | MAE | RMSE | MSE | MAPE % | R² | train mean MAE |\n";
    md += "|---|---|---|---|---|---|---|---|---|\n";
    for (const char* split : {"test", "val"}) {
        const auto it = r.splits.find(split);
        if (it == r.splits.end()) continue;
        for (const PropsTargetMetrics& t : it->second) {
            const RegressionMetrics& m = t.metrics;
            md += std::string("| ") + split + " | " + t.target + " | " + std::to_string(m.count) + " | " +
                  number(m.mae) + " | " + number(m.rmse) + " | " + number(m.mse) + " | " +
                  (m.mape ? number(*m.mape, "%.3g") : std::string("–")) + " (" + std::to_string(m.mapeExcluded) +
                  ") | " + (m.r2 ? number(*m.r2, "%.3f") : std::string("–")) + " | " + number(t.trainMeanMae) + " |\n";
        }
    }
    return md;
}

std::vector<std::string> writePropsReport(const std::string& runDir, const std::string& outDir) {
    const PropsResults results = readPropsResults(runDir);
    fs::create_directories(outDir);
    std::vector<std::string> written;
    const std::string md = (fs::path(outDir) / "results.md").string();
    writeFileAtomically(md, propsResultsMarkdown(runDir));
    written.push_back(md);
    const std::string json = (fs::path(outDir) / "results.json").string();
    writeFileAtomically(json, propsResultsToJson(results));
    written.push_back(json);

    const std::vector<PropsEpochRow> epochs = readPropsMetrics(runDir);
    if (!epochs.empty()) {
        Chart loss;
        loss.title = "Training and validation loss";
        loss.xLabel = "epoch";
        loss.yLabel = "masked MSE (transformed units)";
        loss.logY = true;
        ChartSeries train{"train", ChartSeries::Style::Line, {}, {}, 0};
        ChartSeries val{"validation", ChartSeries::Style::Line, {}, {}, 0};
        for (const PropsEpochRow& row : epochs) {
            train.x.push_back(row.epoch);
            train.y.push_back(row.trainLoss);
            val.x.push_back(row.epoch);
            val.y.push_back(row.valLoss);
        }
        loss.series = {train, val};
        writeBoth(loss, (fs::path(outDir) / "loss").string(), written);
    }

    const std::string split = results.testCount > 0 ? "test" : "val";
    std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> pairs;  // target → (true, predicted)
    for (const PropsPredictionRow& row : readPropsPredictions(propsPredictionsPath(runDir))) {
        if (row.split != split || !row.truth) continue;
        pairs[row.target].first.push_back(*row.truth);
        pairs[row.target].second.push_back(row.predicted);
    }
    const auto metricsOf = [&](const std::string& target) -> const PropsTargetMetrics* {
        const auto it = results.splits.find(split);
        if (it == results.splits.end()) return nullptr;
        for (const PropsTargetMetrics& t : it->second)
            if (t.target == target) return &t;
        return nullptr;
    };
    for (const auto& [target, values] : pairs) {
        const auto& [truth, predicted] = values;
        const PropsTargetMetrics* m = metricsOf(target);
        Chart parity;
        parity.title = target + ": predicted against true (" + split + ", N = " + std::to_string(truth.size()) + ")";
        parity.xLabel = "true " + target;
        parity.yLabel = "predicted " + target;
        parity.diagonal = true;
        parity.series = {{"", ChartSeries::Style::Points, truth, predicted, 0}};
        if (m) {
            parity.notes.push_back("MAE = " + number(m->metrics.mae));
            if (m->metrics.r2) parity.notes.push_back("R2 = " + number(*m->metrics.r2, "%.3f"));
            parity.notes.push_back("train-mean MAE = " + number(m->trainMeanMae));
        }
        writeBoth(parity, (fs::path(outDir) / ("parity-" + fileSafeName(target))).string(), written);

        std::vector<double> errors(truth.size());
        for (std::size_t i = 0; i < truth.size(); ++i) errors[i] = predicted[i] - truth[i];
        double lo = *std::min_element(errors.begin(), errors.end());
        double hi = *std::max_element(errors.begin(), errors.end());
        if (!(hi > lo)) lo -= 0.5, hi += 0.5;
        const int bins = std::clamp(static_cast<int>(std::sqrt(static_cast<double>(errors.size()))) + 1, 5, 50);
        ChartSeries bars{"", ChartSeries::Style::Bars, {}, std::vector<double>(bins, 0.0), 0};
        for (int b = 0; b <= bins; ++b) bars.x.push_back(lo + (hi - lo) * b / bins);
        for (double e : errors) bars.y[std::min(bins - 1, static_cast<int>((e - lo) / (hi - lo) * bins))] += 1;
        Chart histogram;
        histogram.title = target + ": prediction errors (" + split + ")";
        histogram.xLabel = "predicted − true";
        histogram.yLabel = "materials";
        histogram.series = {bars};
        if (m) histogram.notes.push_back("MAE = " + number(m->metrics.mae));
        writeBoth(histogram, (fs::path(outDir) / ("errors-" + fileSafeName(target))).string(), written);
    }
    return written;
}

}  // namespace cw::ml
