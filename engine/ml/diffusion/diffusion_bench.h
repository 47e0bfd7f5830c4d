#pragma once
/// @file Throughput of diffusion training and sampling on synthetic data (torch-free header):
/// the figures behind `cwb bench diffusion` (docs/benchmarks.md).

#include <cstdint>
#include <string>

#include "ml/diffusion/unet_config.h"

namespace cw::ml {

struct DiffusionBenchOptions {
    UNetConfig model;            ///< default: 1 channel, 64², base 64, mults 1,2,4, attention 16
    int batchSize = 4;
    int warmupSteps = 2;         ///< untimed steps (allocator and kernel warm-up)
    int trainSteps = 10;         ///< timed optimiser steps
    int sampleCount = 4;         ///< images per sampling batch
    int samplingSteps = 50;      ///< DDIM steps
    bool mixedPrecision = true;  ///< bfloat16 autocast on CUDA (as training does)
    std::string device = "auto";
    int threads = 0;
};

struct DiffusionBenchResult {
    std::string device;
    std::int64_t parameters = 0;
    double trainImagesPerSecond = 0;   ///< forward + backward + AdamW + EMA, per image
    double trainStepMilliseconds = 0;
    double sampleImagesPerSecond = 0;  ///< complete DDIM samples per second
    double unetForwardsPerSecond = 0;  ///< batched UNet evaluations (images) per second while sampling
};

/// Times training steps (random images in [−1, 1], the real loss, AdamW, clipping, EMA) and DDIM
/// sampling of one batch. Throws ConfigError for a bad model or device.
DiffusionBenchResult benchmarkDiffusion(const DiffusionBenchOptions& options);

}  // namespace cw::ml
