#pragma once
/// @file Everything that defines a diffusion training run, as plain data (torch-free). The CLI
/// builds it from defaults < `--config run.json` < flags, the GUI from its dialog; the run
/// directory keeps the resolved config as config.json, so any run can be replayed.

#include <cstdint>
#include <string>
#include <vector>

#include "ml/diffusion/diffusion_config.h"
#include "ml/diffusion/unet_config.h"

namespace cw::ml {

/// "Choose from the run length" markers of DiffusionTrainingConfig::warmupSteps and emaDecay.
inline constexpr std::int64_t kAutoWarmup = -1;
inline constexpr double kAutoEmaDecay = -1.0;

struct DiffusionTrainingConfig {
    // Data (docs/ecd-datasets.md, docs/encoding-datasets.md).
    std::string dataDir;             ///< a finished ECD or encoding data set
    std::string split = "train";
    std::string condition;           ///< "" | "space_group" | property columns "band_gap,density"
    std::size_t maxItems = 0;        ///< 0 = all items of the split
    bool augment = true;             ///< D4 symmetries, for ECD slices only
    int loaderWorkers = 2;

    UNetConfig model;                ///< inChannels, and the conditioning size, come from the data
    DiffusionConfig diffusion;

    // Optimisation: AdamW (Loshchilov & Hutter 2019), linear warm-up then cosine decay to
    // minLrRatio × lr, global-norm gradient clipping, EMA of weights.
    std::int64_t steps = 100000;
    int batchSize = 4;
    double learningRate = 1e-4;
    double weightDecay = 0.0;
    double adamBeta1 = 0.9, adamBeta2 = 0.999;
    /// kAutoWarmup: 5 % of the run, at most 500 steps (resolveRunLengthDefaults).
    std::int64_t warmupSteps = kAutoWarmup;
    double minLrRatio = 0.1;
    double gradClip = 1.0;           ///< max global L2 norm; 0 = off
    /// kAutoEmaDecay: 1 − 10/steps, at most 0.9999 (an averaging horizon of a tenth of the run).
    double emaDecay = kAutoEmaDecay;
    std::int64_t emaStartStep = 0;   ///< EMA copies the weights until this step
    double conditionDropProb = 0.1;  ///< p of the null condition in training (CFG)
    bool mixedPrecision = true;      ///< autocast to float16 on CUDA; ignored on CPU

    // Run.
    std::string device = "auto";     ///< "auto" | "cpu" | "cuda" | "cuda:N"
    int threads = 0;                 ///< LibTorch CPU threads; 0 = all cores
    std::uint64_t seed = 0;
    std::int64_t logEvery = 10;         ///< metrics.csv row every N steps
    std::int64_t checkpointEvery = 1000;
    std::int64_t sampleEvery = 5000;    ///< sample grid every N steps; 0 = never
    int sampleGridCount = 16;           ///< images in a grid (a square number looks best)
    int sampleGridSteps = 50;           ///< DDIM steps for the grids
    /// Evaluate each grid's samples against training slices into RUN/eval.csv (eval_log.h):
    /// atom counts, KS and W1 (ECD slices), FID/KID on spectral features.
    bool evaluateSamples = true;
    int keepCheckpoints = 3;            ///< step checkpoints kept besides latest; 0 = all

    /// Throws ConfigError naming the field (steps < 1, batch < 1, lr ≤ 0, p outside [0, 1], …).
    void validate() const;
};

/// Replaces the automatic warm-up and EMA decay by their values for config.steps (a 300-step
/// run gets 15 warm-up steps and decay 0.967; 100,000 steps get 500 and 0.9999, the long-run
/// defaults) and returns warnings for values set by hand that do not suit the run: a warm-up
/// as long as the run (the learning rate never reaches its peak) or an EMA horizon
/// 1/(1 − decay) longer than the run (the averaged weights lag far behind the model).
std::vector<std::string> resolveRunLengthDefaults(DiffusionTrainingConfig& config);

/// The learning rate of 0-based step `step`: lr·(step+1)/warmup during warm-up, then a cosine
/// from lr down to minLrRatio·lr at the last step (Loshchilov & Hutter 2017, no restarts).
double learningRateAt(const DiffusionTrainingConfig& config, std::int64_t step);

/// The decay of an EMA of weights `stepsSinceStart` updates after it started: min(decay,
/// (1 + s)/(10 + s)), so early averages follow the model instead of staying near the random
/// initialisation (also used by property training).
double warmedEmaDecay(double decay, std::int64_t stepsSinceStart);

/// The EMA decay used after `step` updates: warmedEmaDecay(emaDecay, step − emaStartStep); 0
/// (a copy) before emaStartStep.
double emaDecayAt(const DiffusionTrainingConfig& config, std::int64_t step);

/// JSON text (nested "model" and "diffusion" objects; stable key order, 2-space indent).
std::string diffusionTrainingConfigToJson(const DiffusionTrainingConfig& config);
/// Applies a JSON object over `base` (missing keys keep base's values); unknown keys are a
/// ConfigError naming the key and the file. `source` names the file in messages.
DiffusionTrainingConfig diffusionTrainingConfigFromJson(const std::string& jsonText,
                                                        const DiffusionTrainingConfig& base = {},
                                                        const std::string& source = "config");

}  // namespace cw::ml
