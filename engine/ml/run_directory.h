#pragma once
/// @file The layout of a training run directory (torch-free, so the GUI lists and plots runs
/// without LibTorch):
///
///   RUN/config.json              the run's resolved config (diffusion or properties)
///   RUN/status.json              {"state", "step", "total_steps", "message", "updated"}
///   RUN/metrics.csv              step,loss,lr,images_per_s,wall_s (appended; resume truncates
///                                rows after the checkpoint's step)
///   RUN/checkpoints/latest.pt    the newest checkpoint (written to .part, then renamed)
///   RUN/checkpoints/step-NNNNNNNN.pt
///   RUN/samples/step-NNNNNNNN.png (grid) and .npy ([n, C, H, W] in [0, 1])
///   RUN/eval.csv                 the grids' evaluation against training slices (eval_log.h)
///   RUN/train.log                human-readable log

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cw::ml {

/// A run's state as recorded in status.json.
enum class RunState { New, Running, Paused, Cancelled, Finished, Failed };
const char* runStateName(RunState state);   ///< "new", "running", "paused", …
RunState parseRunState(const std::string& name);  ///< unknown names give Failed

struct RunStatus {
    RunState state = RunState::New;
    std::int64_t step = 0;
    std::int64_t totalSteps = 0;
    std::string message;     ///< the error of a failed run, else empty
    std::string updated;     ///< ISO 8601 UTC time of the last write
};

/// One row of metrics.csv.
struct MetricRow {
    std::int64_t step = 0;
    double loss = 0, learningRate = 0, imagesPerSecond = 0, wallSeconds = 0;
};

/// Paths inside a run directory.
std::string runConfigPath(const std::string& runDir);
std::string runStatusPath(const std::string& runDir);
std::string runMetricsPath(const std::string& runDir);
std::string runCheckpointDir(const std::string& runDir);
std::string runLatestCheckpointPath(const std::string& runDir);
std::string runStepCheckpointPath(const std::string& runDir, std::int64_t step);
std::string runSamplesDir(const std::string& runDir);
std::string runSampleGridPath(const std::string& runDir, std::int64_t step);  ///< .png

/// Throws ConfigError unless `runDir` is absent or empty: a new run never mixes with the files of
/// another (the message points to --resume).
void requireNewRunDirectory(const std::string& runDir);
/// The path of `runDir`'s config.json. Throws ConfigError when runDir holds nothing to resume
/// (no config.json and checkpoints/latest.pt).
std::string resumableRunConfigPath(const std::string& runDir);

/// Writes status.json atomically (updated = now). Throws IoError.
void writeRunStatus(const std::string& runDir, const RunStatus& status);
/// Reads status.json; a missing file gives state New. Throws FormatError for a malformed file.
RunStatus readRunStatus(const std::string& runDir);

/// The metrics.csv header line (with newline), and one formatted row (with newline).
std::string metricsHeader();
std::string metricsRow(const MetricRow& row);
/// Reads metrics.csv (a missing file gives no rows). A truncated last line (a run killed
/// mid-write) is ignored; any other malformed line is a FormatError naming file and line.
std::vector<MetricRow> readMetrics(const std::string& runDir);
/// Rewrites metrics.csv without rows after `step` (resume). Throws IoError.
void truncateMetrics(const std::string& runDir, std::int64_t step);

/// The newest sample grid (largest step) of a run, if any.
std::optional<std::string> latestSampleGrid(const std::string& runDir);
/// Step checkpoints present, ascending.
std::vector<std::int64_t> checkpointSteps(const std::string& runDir);
/// Resolves `--checkpoint`: "latest", "ema-latest" (same file), a step number, or a path.
/// Throws ConfigError naming what is missing.
std::string resolveCheckpoint(const std::string& runDir, const std::string& which);

}  // namespace cw::ml
