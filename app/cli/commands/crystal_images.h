#pragma once
// Generated crystals given as images: a samples.npy of `cwb diffusion sample` (N, C, 64, 64) in
// [0, 1], a folder holding one, or a finished CrysTens/xtal2png data set (dataset.json). Each
// image is decoded with the encoding's own decoder; an image that cannot be decoded is still a
// generated crystal (an invalid one), as the field counts it.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "crystal_eval/generated_crystal.h"

namespace cw::cli {

/// How images are decoded (as `cwb decode`): > 0 replaces each decoded cell by spglib's
/// standardised conventional cell at this symprec (Å); refine fits xtal2png coordinates to the
/// decoded distance block.
struct ImageDecodeSettings {
    double symmetrizeA = 0;
    bool refine = false;
};

/// The crystals of `path` when it holds images; nullopt when it does not (the structure
/// readers take it then). 4-channel images are CrysTens (normalised, channels first), 1-channel
/// ones xtal2png. Images that fail to decode are named on stderr and counted in `undecodable`;
/// they enter the report as crystals without sites. Throws IoError, FormatError (a .npy of
/// another shape, naming it), ConfigError (an ECD data set: slices are not crystals).
std::optional<std::vector<GeneratedCrystal>> readCrystalImages(const std::string& path,
                                                               const ImageDecodeSettings& settings,
                                                               std::size_t* undecodable);

}  // namespace cw::cli
