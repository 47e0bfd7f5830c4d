#pragma once
/// @file Drawing samples from a trained run (torch-free header).

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "core/progress.h"
#include "ml/diffusion_config.h"

namespace cw::ml {

struct SampleRequest {
    std::string checkpoint = "latest";  ///< see resolveCheckpoint
    bool useEma = true;                 ///< EMA weights (the default for sampling)
    int count = 16;
    int batchSize = 16;
    SamplerOptions sampler;
    std::string device = "auto";
    int threads = 0;
    /// Class label (space group number − 1 … given as the number 1–230) or condition values
    /// in the data's units (standardised with the run's statistics); empty = unconditional.
    int spaceGroup = 0;
    std::vector<double> conditionValues;
    bool stacked = true;      ///< one samples.npy [n, C, H, W]; else sample-NNNNN.npy each
    bool png = true;          ///< sample-NNNNN.png per sample and grid.png
};

struct SampleResult {
    int written = 0;
    bool cancelled = false;
    double imagesPerSecond = 0;
    std::vector<std::string> files;
};

/// Samples `request.count` images from the run in `runDir` into `outDir` (created), values
/// mapped from [−1, 1] back to the data's [0, 1]. Batches are written as they finish
/// (atomically); a cancelled call keeps the finished ones. ProgressEvent{"sample", images
/// done, count, {images_per_s}}. Throws ConfigError, IoError, FormatError.
SampleResult sampleFromRun(const std::string& runDir, const SampleRequest& request,
                           const std::string& outDir, ProgressSink& progress,
                           const std::atomic<bool>* cancel = nullptr);

}  // namespace cw::ml
