#pragma once
// What the Properties panel shows of a property-prediction run folder, read through the
// torch-free run files (engine/ml/props/props_run.h): its targets, its results once finished, and
// its predictions, with the (true, predicted) pairs the parity plot and error histogram draw.

#include <QString>
#include <optional>
#include <string>
#include <vector>

#include "ml/props/props_run.h"

namespace cw {

/// The pairs of one target on one split, in predictions.csv order (rows without a truth left
/// out).
struct PropsPairs {
    std::string target, split;
    std::vector<std::string> ids;
    std::vector<double> truth, predicted;
};

struct PropsRunData {
    QString runDir;
    std::vector<std::string> targets;         ///< from data.json (or config.json before it exists)
    std::optional<ml::PropsResults> results;  ///< none until the run has finished
    std::vector<ml::PropsPredictionRow> predictions;

    /// An ensemble of runs: the mean of their predictions, no weights or loss curves of its own.
    bool isEnsemble() const { return results && !results->members.empty(); }

    /// The split the figures show, as `cwb props report` chooses: "test", or "val" when the
    /// run has no test items.
    std::string figureSplit() const;
    PropsPairs pairs(const std::string& target, const std::string& split) const;
    /// The metrics of a target on a split from results.json, if any.
    const ml::PropsTargetMetrics* metrics(const std::string& target,
                                          const std::string& split) const;
};

/// Reads a run folder: config.json must exist (ConfigError naming the folder otherwise: "not a
/// property-prediction run"); results.json and predictions.csv are read when present. An
/// ensemble folder (`cwb props ensemble`) has no config: its results name the members, and
/// its targets are those of its results. Throws ConfigError, IoError, FormatError.
PropsRunData loadPropsRun(const QString& runDir);

}  // namespace cw
