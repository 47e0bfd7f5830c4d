#pragma once
/// @file Counting atoms (Gaussian blobs) in a slice image (docs metrics.md "Atoms per slice"):
/// local maxima above a threshold after light Gaussian smoothing, located to sub-pixel precision
/// and counted only when the centre lies inside the image.

#include <vector>

#include "core/image.h"

namespace cw {

/// Options of countBlobs. Lengths in pixels.
struct BlobCountOptions {
    /// Gaussian σ of one blob in the image (pixels); used to place blobs whose maximum is on the
    /// border. The synthetic slices' default is 0.25 Å at 40 Å / 256 px = 1.6 px.
    double blobSigma = 1.6;
    /// σ of the smoothing applied first (pixels); 0 disables it. Smoothing a Gaussian keeps it a
    /// Gaussian (σ² adds), so positions stay exact on clean slices and noise is suppressed on
    /// generated ones.
    double smoothingSigma = 0.0;
    /// A maximum counts when the smoothed value is at least this (images in [0, 1]).
    double threshold = 0.1;
};

/// One blob: sub-pixel centre in pixel coordinates (row 0 at the top, pixel centres at integers)
/// and the smoothed peak value.
struct Blob {
    double row = 0, col = 0;
    double peak = 0;
};

/// The blobs of `image` whose centres lie inside it (row, col ∈ [−0.5, size − 0.5]). Interior
/// maxima are refined by a log-parabola (exact for a Gaussian); maxima on the border by the
/// two-point Gaussian estimate with the known σ, so a blob drawn from just outside the window
/// (whose maximum also lies on the border pixel) is not counted. Plateaus give one maximum.
/// Throws ValueError for an empty image or a negative σ. Thread-safe.
std::vector<Blob> findBlobs(const Image& image, const BlobCountOptions& options = {});

/// findBlobs(image, options).size().
int countBlobs(const Image& image, const BlobCountOptions& options = {});

}  // namespace cw
