#pragma once
/// @file A domain encoder for FID/KID on slices (docs/evaluation.md, "Feature extractors"): a
/// small convolutional autoencoder trained to reconstruct the images of a data set; its
/// 128-d global-average-pooled latent is the feature vector of `--extractor domain:RUN`.
/// Torch-free header (the CLI includes it); the training lives in encoder_training.cpp.
///
///   RUN/encoder.json  {"format": "cw-encoder", "format_version": 1, "architecture":
///                      {channels, image_size, latent_dim, base_channels}, "config": {...},
///                      "data_dir" (absolute), "kind", "items", "channels", "image_size",
///                      "latent_dim", "steps", "cancelled", "first_loss", "final_loss"}
///   RUN/encoder.pt    the autoencoder's weights (LibTorch archive, written atomically)

#include <cstdint>
#include <stop_token>
#include <string>

#include "core/progress.h"

namespace cw::ml {

/// Everything that defines an encoder run. Architecture: log2(size/4) stride-2 3×3 convolutions
/// with GroupNorm and SiLU (channels base·2^i, at most 256) down to 4 × 4, a 1×1 convolution to
/// `latentDim` channels and a global average pool (the features); the decoder maps the latent
/// back through a linear layer to 4 × 4 and nearest-neighbour up-sampling convolutions to the
/// image, tanh-bounded to [−1, 1] like the training pixels.
struct EncoderTrainingConfig {
    std::string dataDir;          ///< a finished ECD or encoding data set
    std::string split = "train";  ///< "train", "val", "test" or "all"
    std::size_t maxItems = 0;     ///< 0 = all items of the split
    int imageSize = 64;           ///< pixels per side, a power of two in 32…256 (resampled)
    int latentDim = 128;
    int baseChannels = 16;
    std::int64_t steps = 2000;
    int batchSize = 32;
    double learningRate = 1e-3;   ///< AdamW (Loshchilov & Hutter 2019), constant
    double weightDecay = 1e-4;
    bool augment = true;          ///< D4 symmetries, for ECD slices only
    int loaderWorkers = 2;
    std::uint64_t seed = 0;       ///< weights and batches
    std::string device = "auto";  ///< "auto" | "cpu" | "cuda" | "cuda:N"
    int threads = 0;              ///< LibTorch CPU threads; 0 = all cores

    /// Throws ConfigError naming the field.
    void validate() const;
};

/// What trainEncoder did.
struct EncoderTrainingResult {
    std::int64_t stepsDone = 0;
    bool cancelled = false;
    double firstLoss = 0;   ///< mean squared error of the first batch (pixels in [−1, 1])
    double finalLoss = 0;   ///< mean over the last min(50, steps) batches
    int channels = 0, imageSize = 0;
};

std::string encoderConfigPath(const std::string& runDir);   ///< RUN/encoder.json
std::string encoderWeightsPath(const std::string& runDir);  ///< RUN/encoder.pt

/// Trains the autoencoder on the data set's images (AdamW, mean squared reconstruction error,
/// seeded initial weights and batches) and writes RUN/encoder.json and
/// RUN/encoder.pt. `runDir` must be empty or absent. Progress: ProgressEvent{"encoder", step,
/// steps, {loss}} every step. When `stop` is requested the run stops after the current step
/// and still writes the files (result.cancelled = true), unless no step was done. Throws
/// ConfigError (bad config, image size, run folder not empty), IoError, FormatError (data set);
/// LibTorch errors as cw::Error.
EncoderTrainingResult trainEncoder(const EncoderTrainingConfig& config, const std::string& runDir,
                                   ProgressSink& progress, std::stop_token stop = {});

}  // namespace cw::ml
