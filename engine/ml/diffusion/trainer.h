#pragma once
/// @file Diffusion training (torch-free header, so the CLI and the GUI's worker include no
/// torch). One call trains from scratch or resumes a run directory (run_directory.h).

#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>

#include "core/progress.h"
#include "ml/diffusion/training_config.h"

namespace cw::ml {

/// How the caller stops a running training: request_stop() on either source, from any thread
/// (copies share the request). The engine's one way to cancel is std::stop_source/stop_token;
/// training alone also has a pause.
struct TrainingControl {
    std::stop_source cancel;  ///< stop after the current step, checkpoint, return
    std::stop_source pause;   ///< like cancel, but status "paused" (resume continues)
};

/// What trainDiffusion reports besides ProgressEvents.
struct TrainingCallbacks {
    /// A sample grid was written (path of the PNG, step); called after the grid's evaluation
    /// row, if any, was appended to RUN/eval.csv.
    std::function<void(const std::string& pngPath, std::int64_t step)> sampleGrid;
    /// A log line (also appended to RUN/train.log).
    std::function<void(const std::string& line)> log;
};

struct TrainingResult {
    std::int64_t stepsDone = 0;    ///< the step reached (== config.steps when finished)
    bool finished = false;
    bool cancelled = false;        ///< cancelled or paused
    double lastLoss = 0;
    double imagesPerSecond = 0;    ///< over this call's steps
    std::string checkpoint;        ///< path of the latest checkpoint
};

/// Trains the diffusion model of `config` into `runDir`.
/// - New run (resume = false): runDir must be empty or absent; config.json is written.
/// - Resume: runDir's config.json is used (`config` is ignored apart from `steps`, which may
///   extend the run, and `device`/`threads`); training continues from checkpoints/latest.pt
///   with the model, EMA, optimiser, step and RNG state restored, so on CPU the weights after
///   N steps equal an uninterrupted run's bitwise.
/// Progress: ProgressEvent{"train", step, steps, {loss, lr, images_per_s}} every step.
/// Sample grids (every sampleEvery steps and at the end) are evaluated against the first 256
/// training images into RUN/eval.csv when config.evaluateSamples (eval_log.h); an evaluation
/// that fails is logged to train.log and training goes on.
/// Cancellation/pause: checked between steps; a checkpoint is written before returning.
/// Throws ConfigError (bad config, runDir not empty, nothing to resume), IoError,
/// FormatError (data set), and rethrows LibTorch errors as cw::Error; status.json then says
/// "failed" with the message.
TrainingResult trainDiffusion(const DiffusionTrainingConfig& config, const std::string& runDir,
                              bool resume, const TrainingControl& control, ProgressSink& progress,
                              const TrainingCallbacks& callbacks = {});

}  // namespace cw::ml
