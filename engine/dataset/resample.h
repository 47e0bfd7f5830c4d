#pragma once
/// @file Resampling of square single-channel images to another side length, as training data
/// loaders do it: area averaging for an integer down-sampling factor (what
/// torch.nn.functional.avg_pool2d / interpolate(mode="area") give), bilinear interpolation with
/// the align_corners = false convention otherwise (torch.nn.functional.interpolate(mode=
/// "bilinear"), OpenCV's INTER_LINEAR).

namespace cw {

/// Resamples the n × n row-major image `in` to the m × m image `out` (n, m ≥ 1; the buffers must
/// not overlap). m == n copies; n = f·m (integer f) averages f × f blocks; otherwise output pixel
/// centre (i + ½)·n/m − ½ (clamped to [0, n − 1]) is interpolated bilinearly between its
/// neighbours. Thread-safe.
void resampleSquare(const float* in, int n, float* out, int m);

}  // namespace cw
