#pragma once
/// @file Drawing samples from a trained run (torch-free header).

#include <cstdint>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "core/progress.h"
#include "ml/diffusion/diffusion_config.h"

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

    /// Classifier guidance toward property values (docs/props.md, "Guidance"): a props run
    /// trained with `cwb props train --noisy-for` on this diffusion run ("" = none), the target
    /// value of some of its properties in their original units (properties not named are not
    /// guided), and the scale S ≥ 0 (0 = off: the samples equal unguided ones bitwise). At
    /// each step ε̂ ← ε̂ − S·√(1−ᾱ_t)·∇ₓ log p(y* | x_t) with log p = −½ Σ_k (f_k(x_t, t) − z*_k)²,
    /// f the guide's output and z* the targets in its learnt units (standard deviations of the
    /// training split with the default standardize transform), i.e. σ = 1 in those units.
    std::string guideRun;
    std::vector<std::pair<std::string, double>> guideTargets;
    double guideScale = 0.0;
    std::string guideCheckpoint = "best";  ///< of the guide run: "best", "latest" or a .pt path
};

/// Parses "band_gap=2.0,density=3.5" (spaces around items allowed) into (name, value) pairs.
/// Throws ConfigError for an item without '=', an empty name, a value that is not a finite
/// number, or a repeated name.
std::vector<std::pair<std::string, double>> parseGuideTargets(const std::string& text);

struct SampleResult {
    int written = 0;
    bool cancelled = false;
    double imagesPerSecond = 0;
    std::vector<std::string> files;
};

/// Samples `request.count` images from the run in `runDir` into `outDir` (created), values
/// mapped from [−1, 1] back to the data's [0, 1]. Batches are written as they finish
/// (atomically); a cancelled call keeps the finished ones. ProgressEvent{"sample", images
/// done, count, {images_per_s}}. Throws ConfigError (also for a guide that is not a guidance
/// model of this run's schedule and data shape, an unknown guide target, guideScale > 0
/// without a guide, a guide without targets), IoError, FormatError, ValueError (a negative
/// target of a sqrt-transformed property).
SampleResult sampleFromRun(const std::string& runDir, const SampleRequest& request,
                           const std::string& outDir, ProgressSink& progress,
                           std::stop_token stop = {});

}  // namespace cw::ml
