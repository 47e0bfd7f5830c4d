#pragma once
/// @file A plain single-channel float image (no Qt): the pixel type of ECD slices, read and
/// written as float32 .npy and as 8- or 16-bit grayscale PNG.

#include <cstddef>
#include <vector>

namespace cw {

/// Row-major float image: pixel (row r, column k) is data[r * cols + k], row 0 at the top.
/// Value type; const members are thread-safe.
struct Image {
    int rows = 0;
    int cols = 0;
    std::vector<float> data;

    Image() = default;
    /// A rows × cols image filled with `value`. Throws ValueError for negative sizes.
    Image(int rows, int cols, float value = 0.0f);

    std::size_t size() const { return data.size(); }
    bool empty() const { return data.empty(); }
    float& operator()(int r, int k) { return data[static_cast<std::size_t>(r) * cols + k]; }
    float operator()(int r, int k) const { return data[static_cast<std::size_t>(r) * cols + k]; }
    /// Bounds-checked access; throws ValueError outside the image.
    float at(int r, int k) const;

    /// Smallest and largest pixel (0, 0 for an empty image); NaN pixels are skipped.
    float minValue() const;
    float maxValue() const;
};

/// Largest |a − b| over all pixels; +inf if the shapes differ. Thread-safe.
double maxAbsDifference(const Image& a, const Image& b);

}  // namespace cw
