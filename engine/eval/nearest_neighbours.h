#pragma once
/// @file Memorisation check: for each generated image, the nearest training image by pixel L2
/// distance (and by feature distance when features are given). The seed's first model simply
/// reproduced its training slices; a near-zero distance shows it. Torch-free.

#include <Eigen/Core>
#include <cstddef>
#include <vector>

#include "eval/eval_images.h"

namespace cw {

/// The nearest training image of one generated image.
struct NearestNeighbour {
    std::size_t index = 0;  ///< into the training stack
    double distance = 0;    ///< Euclidean distance
};

/// For each row of `queries`, the nearest row of `references` (Euclidean), computed as
/// |q|² + |r|² − 2q·r with a matrix product (exact to rounding, clamped at 0), in parallel on
/// `threads` threads (0 = all cores) over chunks of queries, so memory beyond the inputs stays
/// at a few MB per thread. The few closest candidates of each query are then measured again
/// directly in double precision, so the distance is exact (0 for an identical row) and ties
/// within float rounding go to the truly nearest, then to the lowest index.
/// Throws ValueError for mismatched columns or an empty reference set.
std::vector<NearestNeighbour> nearestRows(const Eigen::MatrixXf& queries,
                                          const Eigen::MatrixXf& references, int threads = 0);

/// Each image as one row (count × itemSize). Throws ValueError for no images.
Eigen::MatrixXf imageRows(const EvalImages& images);

/// nearestRows on the pixels, with distances divided by √(pixels per image), i.e. the RMS pixel
/// difference in [0, 1] units, comparable across image sizes. Shapes must match (ValueError).
std::vector<NearestNeighbour> nearestByPixels(const EvalImages& generated,
                                              const EvalImages& training, int threads = 0);

}  // namespace cw
