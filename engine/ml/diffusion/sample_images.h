#pragma once
/// @file Writing generated images (torch-free): a stack [n, C, H, W] of values in [0, 1] as a
/// grid PNG, one PNG per sample, and .npy arrays.

#include <cstddef>
#include <string>
#include <vector>

#include "core/image.h"

namespace cw::ml {

/// A stack of n images of C channels, H × W pixels, values in [0, 1], row-major [n][C][H][W].
struct ImageStack {
    int count = 0, channels = 0, height = 0, width = 0;
    std::vector<float> values;
    std::size_t itemSize() const { return static_cast<std::size_t>(channels) * height * width; }
};

/// One sample as an image: its channels side by side from left to right (C·W wide), separated
/// by a 1-pixel white line, so a CrysTens sample shows its four channels at once.
Image sampleTile(const ImageStack& stack, int index);

/// All samples tiled in a near-square grid (⌈√n⌉ columns) with 2-pixel white gutters.
Image sampleGrid(const ImageStack& stack);

/// Writes the grid as an 8-bit grayscale PNG (atomically). Throws IoError.
void writeSampleGrid(const std::string& pngPath, const ImageStack& stack);

}  // namespace cw::ml
