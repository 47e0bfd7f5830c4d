#pragma once
/// @file The radially averaged power spectrum of an image: the lattice periodicities of a slice
/// as a function of spatial frequency only, so that rotations by 90° and mirror images give the
/// same curve. A small FFT of its own (radix 2, with a direct DFT for other lengths) keeps the
/// engine free of an FFT library.

#include <complex>
#include <vector>

#include "core/image.h"

namespace cw {

/// In-place discrete Fourier transform X_k = Σ_n x_n e^{−2πikn/N} (no normalisation): iterative
/// radix-2 Cooley–Tukey when N is a power of two, else the direct O(N²) sum. Thread-safe.
void fourierTransform(std::vector<std::complex<double>>& values);

/// The 2-D DFT of `image` (rows × cols, row-major), by 1-D transforms of the rows and then of
/// the columns. Thread-safe.
std::vector<std::complex<double>> fourierTransform2d(const Image& image);

/// The radially averaged power spectrum in `bins` equal bins of radial frequency
/// f = √(f_row² + f_col²) ∈ (0, ½] cycles per pixel (Nyquist = ½; the zero frequency and the
/// corners beyond ½ are left out). Power |X|² / (rows·cols), so that a white-noise image of
/// variance v has power v at every frequency; the bin value is log₁₀(mean power + floor). Bins
/// that no frequency of the grid falls in (small images) are interpolated linearly between
/// their filled neighbours in bin index. Throws ValueError for an empty image, bins < 1 or a
/// floor ≤ 0. Thread-safe.
std::vector<double> radialLogPowerSpectrum(const Image& image, int bins, double floor = 1e-10);

}  // namespace cw
