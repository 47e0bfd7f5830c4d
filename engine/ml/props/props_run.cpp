#include "ml/props/props_run.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "core/complete_lines.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/csv_reader.h"
#include "dataset/store.h"
#include "ml/run_directory.h"

namespace cw::ml {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using nlohmann::ordered_json;

bool parseNumber(const std::string& text, double& value) {
    if (text.empty()) return false;
    char* end = nullptr;  // strtod reads "nan" and "inf" of a diverged run
    value = std::strtod(text.c_str(), &end);
    return end == text.c_str() + text.size();
}

// JSON has no NaN: a metric that is not a number is written as null.
json numberOrNull(double value) {
    return std::isfinite(value) ? json(value) : json(nullptr);
}
json optionalNumber(const std::optional<double>& value) {
    return value && std::isfinite(*value) ? json(*value) : json(nullptr);
}
std::optional<double> readOptional(const json& j, const char* key) {
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) return std::nullopt;
    return it->get<double>();
}

json readJsonFile(const std::string& path) {
    const std::string text = readFileToString(path);
    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
        throw FormatError(path, "", std::string("not valid JSON: ") + e.what());
    }
}

}  // namespace

std::string propsBestCheckpointPath(const std::string& runDir) {
    return (fs::path(runCheckpointDir(runDir)) / "best.pt").string();
}
std::string propsDataInfoPath(const std::string& runDir) {
    return (fs::path(runDir) / "data.json").string();
}
std::string propsResultsPath(const std::string& runDir) {
    return (fs::path(runDir) / "results.json").string();
}
std::string propsPredictionsPath(const std::string& runDir) {
    return (fs::path(runDir) / "predictions.csv").string();
}

std::string propsBackbonePath(const std::string& runDir) {
    return (fs::path(runDir) / "backbone.pt").string();
}

std::string exactNumberText(double value) {
    if (std::isnan(value)) return "nan";
    char text[64];
    const auto r = std::to_chars(text, text + sizeof text, value);
    return std::string(text, r.ptr);
}

std::string propsDataInfoToJson(const PropsDataInfo& info) {
    ordered_json j;
    j["kind"] = info.kind;
    j["channels"] = info.channels;
    j["image_size"] = info.imageSize;
    j["normalized"] = info.normalized;
    j["cell"] = info.cell;
    j["targets"] = ordered_json::parse(info.scaler.toJson());
    j["counts"] = {{"train", info.trainCount}, {"val", info.valCount}, {"test", info.testCount}};
    if (info.timesteps > 0)
        j["noisy"] = {{"diffusion_run", info.diffusionRun},
                      {"timesteps", info.timesteps},
                      {"schedule", info.schedule}};
    return j.dump(2) + "\n";
}

PropsDataInfo readPropsDataInfo(const std::string& runDir) {
    const std::string path = propsDataInfoPath(runDir);
    const json j = readJsonFile(path);
    PropsDataInfo info;
    try {
        info.kind = j.at("kind").get<std::string>();
        info.channels = j.at("channels").get<int>();
        info.imageSize = j.at("image_size").get<int>();
        info.normalized = j.at("normalized").get<bool>();
        info.cell = j.at("cell").get<std::string>();
        info.trainCount = j.at("counts").at("train").get<std::size_t>();
        info.valCount = j.at("counts").at("val").get<std::size_t>();
        info.testCount = j.at("counts").at("test").get<std::size_t>();
        if (const auto noisy = j.find("noisy"); noisy != j.end()) {
            info.diffusionRun = noisy->at("diffusion_run").get<std::string>();
            info.timesteps = noisy->at("timesteps").get<int>();
            info.schedule = noisy->at("schedule").get<std::string>();
        }
    } catch (const json::exception& e) {
        throw FormatError(path, "", std::string("not a props run's data.json: ") + e.what());
    }
    if (!j.contains("targets")) throw FormatError(path, "", "no 'targets' object");
    info.scaler = TargetScaler::fromJson(j["targets"].dump(), path);
    return info;
}

std::string propsMetricsHeader() {
    return "epoch,train_loss,val_loss,lr,wall_s\n";
}

std::string propsMetricsRow(const PropsEpochRow& row) {
    char line[192];
    std::snprintf(line, sizeof line, "%d,%.8g,%.8g,%.6g,%.3f\n", row.epoch, row.trainLoss, row.valLoss,
                  row.learningRate, row.wallSeconds);
    return line;
}

std::vector<PropsEpochRow> readPropsMetrics(const std::string& runDir) {
    const std::string path = runMetricsPath(runDir);
    std::vector<PropsEpochRow> rows;
    if (!fs::exists(path)) return rows;
    forEachCompleteLine(readFileToString(path), [&](const std::string& line, int lineNumber) {
        if (lineNumber == 1 && line.rfind("epoch", 0) == 0) return;
        double values[5];
        std::size_t field = 0, pos = 0;
        bool ok = true;
        while (ok && field < 5) {
            const std::size_t comma = line.find(',', pos);
            const std::string cell = line.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
            ok = parseNumber(cell, values[field++]);
            if (comma == std::string::npos) break;
            pos = comma + 1;
        }
        if (!ok || field != 5)
            throw FormatError(path, "line " + std::to_string(lineNumber),
                              "expected epoch,train_loss,val_loss,lr,wall_s numbers, got \"" + line + "\"");
        rows.push_back({static_cast<int>(values[0]), values[1], values[2], values[3], values[4]});
    });
    return rows;
}

void truncatePropsMetrics(const std::string& runDir, int epoch) {
    if (!fs::exists(runMetricsPath(runDir))) return;
    std::string text = propsMetricsHeader();
    for (const PropsEpochRow& row : readPropsMetrics(runDir))
        if (row.epoch <= epoch) text += propsMetricsRow(row);
    writeFileAtomically(runMetricsPath(runDir), text);
}

std::string propsResultsToJson(const PropsResults& r) {
    ordered_json j;
    j["model"] = r.model;
    j["transform"] = r.transform;
    j["data_dir"] = r.dataDir;
    j["epochs_done"] = r.epochsDone;
    j["best_epoch"] = r.bestEpoch;
    j["best_val_loss"] = numberOrNull(r.bestValLoss);
    j["stopped_early"] = r.stoppedEarly;
    j["counts"] = {{"train", r.trainCount}, {"val", r.valCount}, {"test", r.testCount}};
    ordered_json splits = ordered_json::object();
    for (const auto& [split, targets] : r.splits) {
        ordered_json list = ordered_json::array();
        for (const PropsTargetMetrics& t : targets) {
            ordered_json m;
            m["target"] = t.target;
            m["count"] = t.metrics.count;
            m["mae"] = numberOrNull(t.metrics.mae);
            m["mse"] = numberOrNull(t.metrics.mse);
            m["rmse"] = numberOrNull(t.metrics.rmse);
            m["mape_percent"] = optionalNumber(t.metrics.mape);
            m["mape_excluded"] = t.metrics.mapeExcluded;
            m["r2"] = optionalNumber(t.metrics.r2);
            m["train_mean_mae"] = numberOrNull(t.trainMeanMae);
            list.push_back(m);
        }
        splits[split] = list;
    }
    j["splits"] = splits;
    if (!r.members.empty()) j["members"] = r.members;
    return j.dump(2) + "\n";
}

PropsResults readPropsResults(const std::string& runDir) {
    const std::string path = propsResultsPath(runDir);
    if (!fs::exists(path))
        throw IoError(path, "no results yet: the run has not finished (cwb props train writes them at the end)");
    const json j = readJsonFile(path);
    PropsResults r;
    try {
        r.model = j.at("model").get<std::string>();
        r.transform = j.at("transform").get<std::string>();
        r.dataDir = j.at("data_dir").get<std::string>();
        r.epochsDone = j.at("epochs_done").get<int>();
        r.bestEpoch = j.at("best_epoch").get<int>();
        r.bestValLoss = readOptional(j, "best_val_loss").value_or(std::nan(""));
        r.stoppedEarly = j.at("stopped_early").get<bool>();
        r.trainCount = j.at("counts").at("train").get<std::size_t>();
        r.valCount = j.at("counts").at("val").get<std::size_t>();
        r.testCount = j.at("counts").at("test").get<std::size_t>();
        for (const auto& [split, list] : j.at("splits").items()) {
            std::vector<PropsTargetMetrics>& targets = r.splits[split];
            for (const json& m : list) {
                PropsTargetMetrics t;
                t.target = m.at("target").get<std::string>();
                t.metrics.count = m.at("count").get<std::size_t>();
                t.metrics.mae = readOptional(m, "mae").value_or(std::nan(""));
                t.metrics.mse = readOptional(m, "mse").value_or(std::nan(""));
                t.metrics.rmse = readOptional(m, "rmse").value_or(std::nan(""));
                t.metrics.mape = readOptional(m, "mape_percent");
                t.metrics.mapeExcluded = m.at("mape_excluded").get<std::size_t>();
                t.metrics.r2 = readOptional(m, "r2");
                t.trainMeanMae = readOptional(m, "train_mean_mae").value_or(std::nan(""));
                targets.push_back(t);
            }
        }
        if (const auto members = j.find("members"); members != j.end())
            r.members = members->get<std::vector<std::string>>();
    } catch (const json::exception& e) {
        throw FormatError(path, "", std::string("not a props results file: ") + e.what());
    }
    return r;
}

void writePropsPredictions(const std::string& path, const std::vector<PropsPredictionRow>& rows) {
    std::string text = "material_id,split,target,true,predicted\n";
    for (const PropsPredictionRow& row : rows) {
        text += csvField(row.materialId) + ',' + row.split + ',' + csvField(row.target) + ',' +
                (row.truth ? exactNumberText(*row.truth) : "") + ',' + exactNumberText(row.predicted) + '\n';
    }
    writeFileAtomically(path, text);
}

std::vector<PropsPredictionRow> readPropsPredictions(const std::string& path) {
    CsvReader csv(path);
    std::vector<std::string> fields;
    if (!csv.next(fields) || fields != std::vector<std::string>{"material_id", "split", "target", "true", "predicted"})
        throw FormatError(path, "line 1", "expected the header material_id,split,target,true,predicted");
    std::vector<PropsPredictionRow> rows;
    while (csv.next(fields)) {
        const std::string where = "line " + std::to_string(csv.line());
        if (fields.size() != 5) throw FormatError(path, where, std::to_string(fields.size()) + " fields, expected 5");
        PropsPredictionRow row;
        row.materialId = fields[0];
        row.split = fields[1];
        row.target = fields[2];
        double value = 0;
        if (!fields[3].empty()) {
            if (!parseNumber(fields[3], value)) throw FormatError(path, where, "true value '" + fields[3] + "' is not a number");
            row.truth = value;
        }
        if (!parseNumber(fields[4], row.predicted))
            throw FormatError(path, where, "prediction '" + fields[4] + "' is not a number");
        rows.push_back(row);
    }
    return rows;
}

}  // namespace cw::ml
