#pragma once
/// @file The files of a property-prediction run directory (torch-free, so the GUI and
/// `cwb props report` read runs without LibTorch):
///
///   RUN/config.json              the resolved PropsConfig
///   RUN/data.json                PropsDataInfo: the data set's kind and encoding, the targets'
///                                transform (fitted on the training split), item counts
///   RUN/status.json              RunStatus (run_directory.h) with step = epochs done
///   RUN/metrics.csv              epoch,train_loss,val_loss,lr,wall_s (losses: masked MSE in
///                                transformed units)
///   RUN/checkpoints/latest.pt    model, optimiser and early-stopping state after the last epoch
///   RUN/checkpoints/best.pt      the weights of the epoch with the lowest validation loss
///   RUN/backbone.pt              backbone models: the copy of the TorchScript file
///   RUN/results.json             PropsResults: per-target metrics in original units
///   RUN/predictions.csv          material_id,split,target,true,predicted (every kept item)
///   RUN/train.log                human-readable log

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ml/props/regression_metrics.h"
#include "ml/props/target_transform.h"

namespace cw::ml {

std::string propsBestCheckpointPath(const std::string& runDir);
std::string propsDataInfoPath(const std::string& runDir);  ///< RUN/data.json
std::string propsResultsPath(const std::string& runDir);
std::string propsPredictionsPath(const std::string& runDir);
std::string propsBackbonePath(const std::string& runDir);  ///< RUN/backbone.pt

/// What a run learnt about its data set, needed to predict new inputs.
struct PropsDataInfo {
    std::string kind;          ///< "crystens", "xtal2png" or "ecd" (image_set.h)
    int channels = 0;
    int imageSize = 0;
    bool normalized = true;    ///< CrysTens: min–max normalised (not --raw)
    std::string cell = "as-is";  ///< the data set's cell choice (encoding data sets)
    TargetScaler scaler;       ///< targets and their transform
    std::size_t trainCount = 0, valCount = 0, testCount = 0;  ///< items kept after filters
    /// Noise-aware (guidance) models: the diffusion run whose schedule the inputs were diffused
    /// with, its step count T and schedule name; timesteps = 0 for an ordinary model.
    std::string diffusionRun;
    int timesteps = 0;
    std::string schedule;
};
std::string propsDataInfoToJson(const PropsDataInfo& info);
/// Reads RUN/data.json. Throws IoError, FormatError naming the file.
PropsDataInfo readPropsDataInfo(const std::string& runDir);

/// One row of a props run's metrics.csv.
struct PropsEpochRow {
    int epoch = 0;             ///< 1-based
    double trainLoss = 0, valLoss = 0, learningRate = 0, wallSeconds = 0;
};
std::string propsMetricsHeader();                    ///< with newline
std::string propsMetricsRow(const PropsEpochRow& row);  ///< with newline
/// Reads RUN/metrics.csv (missing file: no rows; a truncated last line is ignored). Throws
/// FormatError naming file and line.
std::vector<PropsEpochRow> readPropsMetrics(const std::string& runDir);
/// Rewrites metrics.csv without rows after `epoch` (resume). Throws IoError.
void truncatePropsMetrics(const std::string& runDir, int epoch);

/// The metrics of one target on one split, in the target's original units.
struct PropsTargetMetrics {
    std::string target;
    RegressionMetrics metrics;
    double trainMeanMae = 0;   ///< MAE of always predicting the training split's mean
};

struct PropsResults {
    std::string model;         ///< "baseline", "resnet", "sites", "backbone", or "ensemble"
    std::string transform;
    std::string dataDir;
    int epochsDone = 0;
    int bestEpoch = 0;
    double bestValLoss = 0;
    bool stoppedEarly = false;
    std::size_t trainCount = 0, valCount = 0, testCount = 0;
    /// Per split ("val", "test"), the metrics of each target in target order.
    std::map<std::string, std::vector<PropsTargetMetrics>> splits;
    /// An ensemble (props_ensemble.h): the member run directories; empty for a trained run.
    std::vector<std::string> members;
};
std::string propsResultsToJson(const PropsResults& results);
/// Reads RUN/results.json. Throws IoError (missing: the run has not finished), FormatError.
PropsResults readPropsResults(const std::string& runDir);

/// One line of predictions.csv.
struct PropsPredictionRow {
    std::string materialId, split, target;
    std::optional<double> truth;  ///< empty cell when the material lacks the property
    double predicted = 0;
};
/// Writes the rows (header material_id,split,target,true,predicted; numbers as the shortest text
/// that reads back exactly) atomically. Throws IoError.
void writePropsPredictions(const std::string& path, const std::vector<PropsPredictionRow>& rows);
/// Reads a predictions file. Throws IoError, FormatError naming file and line.
std::vector<PropsPredictionRow> readPropsPredictions(const std::string& path);

/// The shortest decimal text that reads back as the same double ("nan" for NaN).
std::string exactNumberText(double value);

}  // namespace cw::ml
