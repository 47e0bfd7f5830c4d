#include "models/props_run_data.h"

#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"
#include "ml/props/props_config.h"
#include "ml/run_directory.h"

namespace cw {

std::string PropsRunData::figureSplit() const {
    return results && results->testCount == 0 ? "val" : "test";
}

PropsPairs PropsRunData::pairs(const std::string& target, const std::string& split) const {
    PropsPairs out;
    out.target = target;
    out.split = split;
    for (const ml::PropsPredictionRow& row : predictions) {
        if (row.target != target || row.split != split || !row.truth) continue;
        out.ids.push_back(row.materialId);
        out.truth.push_back(*row.truth);
        out.predicted.push_back(row.predicted);
    }
    return out;
}

const ml::PropsTargetMetrics* PropsRunData::metrics(const std::string& target,
                                                    const std::string& split) const {
    if (!results) return nullptr;
    const auto it = results->splits.find(split);
    if (it == results->splits.end()) return nullptr;
    for (const ml::PropsTargetMetrics& t : it->second)
        if (t.target == target) return &t;
    return nullptr;
}

PropsRunData loadPropsRun(const QString& runDir) {
    namespace fs = std::filesystem;
    PropsRunData data;
    data.runDir = runDir;
    const std::string dir = runDir.toStdString();
    const std::string configPath = ml::runConfigPath(dir);
    if (!fs::is_regular_file(configPath) && fs::is_regular_file(ml::propsResultsPath(dir))) {
        // `cwb props ensemble` folders have results and predictions but no config of their own.
        const ml::PropsResults results = ml::readPropsResults(dir);
        if (!results.members.empty()) {
            data.results = results;
            const auto split = results.splits.find("test") != results.splits.end() ? results.splits.find("test")
                                                                                    : results.splits.begin();
            if (split != results.splits.end())
                for (const ml::PropsTargetMetrics& t : split->second) data.targets.push_back(t.target);
            data.predictions = ml::readPropsPredictions(ml::propsPredictionsPath(dir));
            return data;
        }
    }
    if (!fs::is_regular_file(configPath))
        throw ConfigError(dir + " is not a property-prediction run (it has no config.json)");
    ml::PropsConfig config;
    try {
        config = ml::propsConfigFromJson(readFileToString(configPath), {}, configPath);
    } catch (const ConfigError& e) {
        // A diffusion run's config has keys a props config does not know.
        throw ConfigError(dir + " is not a property-prediction run (" + e.what() + ")");
    }
    data.targets = config.targets;
    if (fs::is_regular_file(ml::propsDataInfoPath(dir)))
        data.targets = ml::readPropsDataInfo(dir).scaler.names();
    if (fs::is_regular_file(ml::propsResultsPath(dir))) data.results = ml::readPropsResults(dir);
    if (fs::is_regular_file(ml::propsPredictionsPath(dir)))
        data.predictions = ml::readPropsPredictions(ml::propsPredictionsPath(dir));
    return data;
}

}  // namespace cw
