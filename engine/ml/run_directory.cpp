#include "ml/run_directory.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/complete_lines.h"
#include "core/enum_names.h"
#include "core/error.h"

namespace cw::ml {

namespace fs = std::filesystem;

namespace {

std::string join(const std::string& dir, const std::string& name) {
    return (fs::path(dir) / name).string();
}

std::string stepFileName(std::int64_t step, const char* suffix) {
    char name[48];
    std::snprintf(name, sizeof name, "step-%08lld%s", static_cast<long long>(step), suffix);
    return name;
}

// "step-00001200.png" → 1200; anything else (latest.pt, .part files, grid.npy) → nothing.
std::optional<std::int64_t> stepOfFileName(const std::string& name, const std::string& suffix) {
    const std::string prefix = "step-";
    if (name.size() <= prefix.size() + suffix.size() || name.rfind(prefix, 0) != 0 ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
        return std::nullopt;
    const char* first = name.data() + prefix.size();
    const char* last = name.data() + name.size() - suffix.size();
    std::int64_t step = 0;
    const auto [end, ec] = std::from_chars(first, last, step);
    if (ec != std::errc() || end != last || step < 0) return std::nullopt;
    return step;
}

// Steps of the files `step-N<suffix>` in `dir`, ascending (a missing folder has none).
std::vector<std::int64_t> stepsInFolder(const std::string& dir, const std::string& suffix) {
    std::vector<std::int64_t> steps;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        if (const auto step = stepOfFileName(it->path().filename().string(), suffix))
            steps.push_back(*step);
    }
    std::sort(steps.begin(), steps.end());
    return steps;
}

std::string utcNow() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

bool parseDouble(const std::string& text, double& value) {
    if (text.empty()) return false;
    // strtod (not from_chars) so that "nan" and "inf" of a diverged run read back.
    char* end = nullptr;
    value = std::strtod(text.c_str(), &end);
    return end == text.c_str() + text.size();
}

// One data line of metrics.csv; false when it is not five numbers.
bool parseMetricLine(const std::string& line, MetricRow& row) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = line.find(',', start);
        fields.push_back(line.substr(start, comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    if (fields.size() != 5) return false;
    const auto [end, ec] =
        std::from_chars(fields[0].data(), fields[0].data() + fields[0].size(), row.step);
    if (ec != std::errc() || end != fields[0].data() + fields[0].size() || fields[0].empty())
        return false;
    return parseDouble(fields[1], row.loss) && parseDouble(fields[2], row.learningRate) &&
           parseDouble(fields[3], row.imagesPerSecond) && parseDouble(fields[4], row.wallSeconds);
}

}  // namespace

namespace {
constexpr EnumName<RunState> kStateNames[] = {
    {RunState::New, "new"},           {RunState::Running, "running"},
    {RunState::Paused, "paused"},     {RunState::Cancelled, "cancelled"},
    {RunState::Finished, "finished"}, {RunState::Failed, "failed"}};
}  // namespace

const char* runStateName(RunState state) {
    return enumName(kStateNames, state);
}

RunState parseRunState(const std::string& name) {
    return enumFromName(kStateNames, name).value_or(RunState::Failed);
}

std::string runConfigPath(const std::string& runDir) {
    return join(runDir, "config.json");
}
std::string runStatusPath(const std::string& runDir) {
    return join(runDir, "status.json");
}
std::string runMetricsPath(const std::string& runDir) {
    return join(runDir, "metrics.csv");
}
std::string runCheckpointDir(const std::string& runDir) {
    return join(runDir, "checkpoints");
}
std::string runLatestCheckpointPath(const std::string& runDir) {
    return join(runCheckpointDir(runDir), "latest.pt");
}
std::string runStepCheckpointPath(const std::string& runDir, std::int64_t step) {
    return join(runCheckpointDir(runDir), stepFileName(step, ".pt"));
}
std::string runSamplesDir(const std::string& runDir) {
    return join(runDir, "samples");
}
std::string runSampleGridPath(const std::string& runDir, std::int64_t step) {
    return join(runSamplesDir(runDir), stepFileName(step, ".png"));
}

void requireNewRunDirectory(const std::string& runDir) {
    if (fs::exists(runDir) && !fs::is_empty(runDir))
        throw ConfigError(runDir + ": the run directory is not empty; pass --resume to continue the run in it, "
                                   "or choose a new directory");
}

std::string resumableRunConfigPath(const std::string& runDir) {
    const std::string configPath = runConfigPath(runDir);
    if (!fs::exists(configPath) || !fs::exists(runLatestCheckpointPath(runDir)))
        throw ConfigError(runDir + ": nothing to resume (no config.json and checkpoints/latest.pt)");
    return configPath;
}

void writeRunStatus(const std::string& runDir, const RunStatus& status) {
    nlohmann::ordered_json j;
    j["state"] = runStateName(status.state);
    j["step"] = status.step;
    j["total_steps"] = status.totalSteps;
    j["message"] = status.message;
    j["updated"] = utcNow();
    writeFileAtomically(runStatusPath(runDir), j.dump(2) + "\n");
}

RunStatus readRunStatus(const std::string& runDir) {
    const std::string path = runStatusPath(runDir);
    RunStatus status;
    if (!fs::exists(path)) return status;
    const std::string text = readFileToString(path);
    try {
        const nlohmann::json j = nlohmann::json::parse(text);
        if (!j.is_object()) throw FormatError(path, "", "status is not a JSON object");
        if (!j.contains("state") || !j["state"].is_string())
            throw FormatError(path, "", "no \"state\" string");
        const std::string state = j["state"].get<std::string>();
        status.state = parseRunState(state);
        if (status.state == RunState::Failed && state != "failed")
            throw FormatError(path, "state", "unknown run state \"" + state + "\"");
        status.step = j.value("step", std::int64_t{0});
        status.totalSteps = j.value("total_steps", std::int64_t{0});
        status.message = j.value("message", std::string());
        status.updated = j.value("updated", std::string());
    } catch (const nlohmann::json::exception& e) {
        throw FormatError(path, "", std::string("malformed status: ") + e.what());
    }
    return status;
}

std::string metricsHeader() {
    return "step,loss,lr,images_per_s,wall_s\n";
}

std::string metricsRow(const MetricRow& row) {
    char line[160];
    std::snprintf(line, sizeof line, "%lld,%.9g,%.9g,%.6g,%.3f\n", static_cast<long long>(row.step),
                  row.loss, row.learningRate, row.imagesPerSecond, row.wallSeconds);
    return line;
}

std::vector<MetricRow> readMetrics(const std::string& runDir) {
    const std::string path = runMetricsPath(runDir);
    std::vector<MetricRow> rows;
    if (!fs::exists(path)) return rows;
    forEachCompleteLine(readFileToString(path), [&](const std::string& line, int lineNumber) {
        if (lineNumber == 1 && line.rfind("step", 0) == 0) return;  // the header
        MetricRow row;
        if (!parseMetricLine(line, row))
            throw FormatError(
                path, "line " + std::to_string(lineNumber),
                "expected step,loss,lr,images_per_s,wall_s numbers, got \"" + line + "\"");
        rows.push_back(row);
    });
    return rows;
}

void truncateMetrics(const std::string& runDir, std::int64_t step) {
    if (!fs::exists(runMetricsPath(runDir))) return;
    std::string text = metricsHeader();
    for (const MetricRow& row : readMetrics(runDir))
        if (row.step <= step) text += metricsRow(row);
    writeFileAtomically(runMetricsPath(runDir), text);
}

std::optional<std::string> latestSampleGrid(const std::string& runDir) {
    const std::vector<std::int64_t> steps = stepsInFolder(runSamplesDir(runDir), ".png");
    if (steps.empty()) return std::nullopt;
    return runSampleGridPath(runDir, steps.back());
}

std::vector<std::int64_t> checkpointSteps(const std::string& runDir) {
    return stepsInFolder(runCheckpointDir(runDir), ".pt");
}

std::string resolveCheckpoint(const std::string& runDir, const std::string& which) {
    if (which == "latest" || which == "ema-latest") {
        const std::string path = runLatestCheckpointPath(runDir);
        if (!fs::is_regular_file(path))
            throw ConfigError("run " + runDir + " has no checkpoint yet (" + path + " is missing)");
        return path;
    }
    const bool isStep = !which.empty() && std::all_of(which.begin(), which.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
    if (isStep) {
        const std::string path = runStepCheckpointPath(runDir, std::stoll(which));
        if (fs::is_regular_file(path)) return path;
        std::string available;
        for (std::int64_t step : checkpointSteps(runDir))
            available += (available.empty() ? "" : ", ") + std::to_string(step);
        throw ConfigError("run " + runDir + " has no checkpoint of step " + which +
                          " (steps kept: " + (available.empty() ? "none" : available) + ")");
    }
    if (fs::is_regular_file(which)) return which;
    const std::string inRun = join(runDir, which);
    if (fs::is_regular_file(inRun)) return inRun;
    throw ConfigError("checkpoint " + which +
                      " not found (give \"latest\", a step number or a .pt file)");
}

}  // namespace cw::ml
