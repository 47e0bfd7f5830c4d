#pragma once
/// @file Training checkpoints (LibTorch archives): model and EMA weights, optimiser state,
/// step, RNG states and the accumulated wall time, written atomically. Includes torch: use only
/// in ml .cpp files.

#include <torch/torch.h>

#include <cstdint>
#include <string>

#include "ml/diffusion/unet.h"

namespace cw::ml {

/// Everything a checkpoint holds besides the modules it is loaded into.
struct CheckpointState {
    std::int64_t step = 0;        ///< optimiser steps done
    double wallSeconds = 0;       ///< training wall time accumulated over all sessions
    std::string configJson;       ///< the run's resolved DiffusionTrainingConfig
};

/// Writes model, EMA, optimiser, state and the default generators' states (CPU, and the CUDA
/// device's when `device` is CUDA) to `path` through `path.part` and a rename, so a crash never
/// leaves a truncated checkpoint under the final name. Throws IoError.
void saveCheckpoint(const std::string& path, UNet& model, UNet& ema, torch::optim::Optimizer& optimizer,
                    const CheckpointState& state, const torch::Device& device);

/// Writes only the EMA weights and the state (no raw weights, optimiser or RNG): a model for
/// sampling, a quarter of a checkpoint's size, that loadWeights(…, ema = true) reads but
/// training cannot resume from. Atomic like saveCheckpoint. Throws IoError.
void saveSamplingWeights(const std::string& path, UNet& ema, const CheckpointState& state);

/// Restores what saveCheckpoint wrote into modules built from the same config, tensors mapped
/// to `device`, and sets the default generators' states. Throws FormatError naming the file
/// (unreadable archive, missing key, shape mismatch).
CheckpointState loadCheckpoint(const std::string& path, UNet& model, UNet& ema,
                               torch::optim::Optimizer& optimizer, const torch::Device& device);

/// Loads only the weights (EMA or raw) of a checkpoint into `model`, for sampling; returns the
/// stored state (step, config). Throws FormatError naming the file.
CheckpointState loadWeights(const std::string& path, UNet& model, bool ema, const torch::Device& device);

/// Reads the stored state without building a model (step and config of a checkpoint).
CheckpointState readCheckpointState(const std::string& path);

}  // namespace cw::ml

namespace cw::ml {

/// RUN/data.json: what the trainer learnt about its data set that sampling needs (kind,
/// channels, image size, conditioning names, means and standard deviations, classes).
inline std::string runDataInfoPath(const std::string& runDir) { return runDir + "/data.json"; }

}  // namespace cw::ml
