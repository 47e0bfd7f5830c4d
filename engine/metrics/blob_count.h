#pragma once
/// @file Counting atoms (Gaussian blobs) in a slice image (docs/spec/metrics.md "Atoms per slice").
/// Two methods: local maxima above a threshold (fast; merges atoms closer than ~2.4σ, whose
/// clamped blobs form one plateau) and, by default, a model fit that starts from the maxima and
/// explains the image as a sum of Gaussians of known σ clamped to [0, 1], adding a blob where the
/// residual shows a missing one and removing blobs that do not improve the fit. Blobs are counted
/// only when their fitted centre lies inside the image.

#include <string>
#include <vector>

#include "core/image.h"

namespace cw {

/// How blobs are found.
enum class BlobMethod {
    Peaks,  ///< local maxima of the (smoothed) image, sub-pixel refined
    Fit,    ///< Peaks, then a least-squares fit of the clamped sum of Gaussians (the default)
};

/// Options of countBlobs. Lengths in pixels.
struct BlobCountOptions {
    BlobMethod method = BlobMethod::Fit;
    /// Gaussian σ of one blob in the image (pixels); used to place blobs whose maximum is on the
    /// border. The synthetic slices' default is 0.25 Å at 40 Å / 256 px = 1.6 px.
    double blobSigma = 1.6;
    /// σ of the smoothing applied first (pixels); 0 disables it. Smoothing a Gaussian keeps it a
    /// Gaussian (σ² adds), so positions stay exact on clean slices and noise is suppressed on
    /// generated ones.
    double smoothingSigma = 0.0;
    /// A maximum counts when the smoothed value is at least this (images in [0, 1]).
    double threshold = 0.1;
    /// Fit: the blobs' peak amplitude (1 for the synthetic slices' `uniform` model); 0 = fit each
    /// blob's amplitude too (the `z` model, or generated images of uneven brightness).
    double amplitude = 1.0;
    /// Fit: a blob is added where the residual (image − model) has a maximum at least this high.
    double addThreshold = 0.2;
    /// Fit: rounds of refine / add / remove (each round touches only blobs near a change).
    int maxRounds = 30;
};

/// "peaks" or "fit"; parseBlobMethod throws ConfigError for other names.
const char* blobMethodName(BlobMethod method);
BlobMethod parseBlobMethod(const std::string& name);

/// One blob: sub-pixel centre in pixel coordinates (row 0 at the top, pixel centres at integers)
/// and the smoothed peak value.
struct Blob {
    double row = 0, col = 0;
    double peak = 0;
};

/// The blobs of `image` whose centres lie inside it (row, col ∈ [−0.5, size − 0.5]), in raster
/// order of their centres. Peaks: interior maxima are refined by a log-parabola (exact for a
/// Gaussian); maxima on the border by the two-point Gaussian estimate with the known σ, so a blob
/// drawn from just outside the window (whose maximum also lies on the border pixel) is not
/// counted; plateaus give one maximum. Fit: see the file comment; positions are the fitted
/// centres and `peak` the fitted amplitude. Throws ValueError for an empty image or a negative σ.
/// Thread-safe.
std::vector<Blob> findBlobs(const Image& image, const BlobCountOptions& options = {});

/// findBlobs(image, options).size().
int countBlobs(const Image& image, const BlobCountOptions& options = {});

}  // namespace cw
