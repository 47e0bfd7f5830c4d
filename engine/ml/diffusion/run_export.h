#pragma once
/// @file A trained diffusion run reduced to what sampling needs (torch-free header): its
/// config.json, data.json and metrics.csv, and one checkpoint holding only the EMA weights.
/// The model shipped in resources/models/ is made this way.

#include <cstdint>
#include <string>

namespace cw::ml {

struct ExportedModel {
    std::string checkpoint;  ///< the weights file written
    std::int64_t step = 0;   ///< the training step of the weights
    std::uintmax_t bytes = 0;
};

/// Writes the sampling model of `runDir`'s checkpoint `which` ("latest", "step-N" or a path;
/// resolveCheckpoint) into `outDir` (new or empty): config.json, data.json, metrics.csv,
/// status.json and checkpoints/latest.pt (EMA weights only). `outDir` then opens as a run in
/// `cwb diffusion sample`, `cwb generate` and the window. Throws ConfigError (outDir not empty),
/// IoError, FormatError.
ExportedModel exportSamplingModel(const std::string& runDir, const std::string& which, const std::string& outDir);

}  // namespace cw::ml
