#pragma once
/// @file The per-channel features of the "spectral" extractor (makeSpectralExtractor in
/// feature_extractor.h), exposed for tests and for anyone who wants them without an extractor.

#include <vector>

#include "core/image.h"

namespace cw {

/// Layout of spectralImageFeatures: kSpectrumBins log-power bins, kIntensityBins intensity
/// fractions, ln(1 + blob count), kDistanceBins nearest-blob-distance fractions.
inline constexpr int kSpectrumBins = 48;
inline constexpr int kIntensityBins = 24;
inline constexpr int kDistanceBins = 24;
inline constexpr int kSpectralFeaturesPerChannel = kSpectrumBins + kIntensityBins + 1 + kDistanceBins;

/// The features of one channel (values in [0, 1]), kSpectralFeaturesPerChannel of them:
/// - (radialLogPowerSpectrum(image, 48, 1e-6) + 6) / 6: log₁₀ power in 48 bins of radial
///   frequency up to Nyquist (lattice periodicities), mapped so that the floor of 10⁻⁶ (below
///   8-bit quantisation noise) is 0 and unit power is 1, keeping every feature of order one;
/// - the fraction of pixels in each of 24 equal bins of [0, 1] (values outside go to the end
///   bins, NaN pixels are left out): sums to 1;
/// - ln(1 + n) for the n blobs (atoms) findBlobs finds as local maxima (BlobMethod::Peaks) with
///   σ = 0.25 Å · side / 40 Å (the slices' blob width; side = mean of rows and cols in pixels),
///   threshold 0.1, no smoothing;
/// - the fraction of blobs whose nearest other blob lies in each of 24 equal bins of
///   [0, side/4] pixels (0–10 Å at 40 Å windows; farther ones go to the last bin): sums to 1,
///   or all 0 with fewer than 2 blobs.
/// Every part depends on distances and values only, so the eight symmetries of the square (D4)
/// leave the features unchanged (to rounding). Throws ValueError for an empty image.
/// Thread-safe.
std::vector<double> spectralImageFeatures(const Image& image);

}  // namespace cw
