#pragma once
/// @file Generated crystals given as images: a samples.npy of `cwb diffusion sample` or `cwb
/// generate` (N, C, side, side) in [0, 1], a folder holding one, or a finished encoding data set
/// (dataset.json). Each image is decoded by its encoding (crystal_encoding.h), found from the
/// data set, from the samples.json / encoding.json beside the .npy, or from the image shape for
/// the full 64 × 64 encodings. An image that cannot be decoded is still a generated crystal (an
/// invalid one), as the field counts it.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/problem_log.h"
#include "crystal_eval/generated_crystal.h"
#include "encoding/crystal_encoding.h"

namespace cw {

/// The crystal of one model-space image (channels first, values in [0, 1]) with id `id`; a
/// crystal without sites when it cannot be decoded (the reason goes to `problems`).
GeneratedCrystal decodeCrystalImage(const CrystalEncoding& encoding, const float* pixels,
                                    const std::string& id, const EncodingDecodeSettings& settings,
                                    ProblemLog& problems);

/// The encoding described beside a .npy of images: the "encoding" object of samples.json or
/// encoding.json in the same folder; nullopt when neither describes one.
std::optional<EncodingSpec> encodingBesideImages(const std::string& npyPath);

/// The crystals of `path` when it holds images; nullopt when it does not (the structure
/// readers take it then). Images that fail to decode are named in `problems` and enter the
/// result as crystals without sites. Throws IoError, FormatError (a .npy of another shape,
/// naming it), ConfigError (an ECD data set: slices are not crystals; a compact encoding
/// without its description).
std::optional<std::vector<GeneratedCrystal>> readCrystalImages(const std::string& path,
                                                               const EncodingDecodeSettings& settings,
                                                               ProblemLog& problems);

}  // namespace cw
