#pragma once
/// @file xtal2png: a crystal of at most 52 sites as a 64 × 64 8-bit grayscale image, byte-identical
/// to xtal2png 0.9.x defaults (Baird et al., JOSS 2022; sparks-baird/xtal2png v0.9.6, commit
/// b34d0a2b), and its decoding. Layout, ranges and rules: docs/spec/encodings.md.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "crystal/structure.h"
#include "encoding/cell_choice.h"
#include "symmetry/space_group.h"

namespace cw {

/// A square 8-bit grayscale image, row-major (pixel (r, k) = pixels[r·side + k]).
struct Xtal2PngImage {
    int side = 0;
    std::vector<std::uint8_t> pixels;
    /// Site capacity (the N feature spans 0…maxSites); 0: side − 12. A compact image holds
    /// fewer sites than its side allows, the rest being zero padding.
    int maxSites = 0;

    std::uint8_t operator()(int r, int k) const { return pixels[static_cast<std::size_t>(r) * side + k]; }
    std::uint8_t& operator()(int r, int k) { return pixels[static_cast<std::size_t>(r) * side + k]; }
};

struct Xtal2PngOptions {
    CellChoice cell = CellChoice::AsIs;
    /// Largest site count. 52 gives xtal2png's 64 × 64 image; a larger value (an extension, not
    /// readable by xtal2png) gives a (12 + maxSites)² image whose N feature spans 0…maxSites.
    int maxSites = kEncodingMaxSites;
    /// Image side, ≥ 12 + maxSites (a compact image is padded with zeros to it); 0: 12 + maxSites.
    int side = 0;
    /// spglib tolerances of feature 11 and of the cell choice: xtal2png's (pymatgen's
    /// SpacegroupAnalyzer defaults, symprec 0.01 Å and 5°).
    SymmetryOptions symmetry{0.01, kPymatgenAngleToleranceDeg};
    /// > 0: the space-group number to write, known from the source, instead of running spglib
    /// (about 4 ms a structure); only meaningful with CellChoice::AsIs.
    int knownSpaceGroup = 0;
};

/// Pixel of value v in the feature range [lo, hi]: clip(round_half_even((v − lo)/(hi − lo)·255),
/// 0, 255), NumPy's rounding (std::nearbyint in the default rounding mode).
std::uint8_t xtal2pngScale(double v, double lo, double hi);

/// Encodes a structure (after the cell choice) as xtal2png does: header features E = Z − 1,
/// fractional x, y, z as given, a, b, c (Å), α, β, γ (°), N, spglib space-group number; the block
/// holds minimum-image Cartesian distances (Å). Throws ValueError (empty, too many sites,
/// partial occupancy), ConfigError (maxSites < 1). Thread-safe.
Xtal2PngImage encodeXtal2Png(const Structure& structure, const Xtal2PngOptions& options = {});

/// xtal2png's file name `{formula},space-group={n},uid={4 hex}.png` (uid: a hash of the pixels).
std::string xtal2pngFileName(const Structure& structure, const Xtal2PngImage& image);

/// The result of decoding an image or tensor.
struct DecodedCrystal {
    Structure structure;
    int headerSpaceGroup = 0;  ///< the space-group number the header holds (rounded mean)
    /// Σ_{i<j} |D_ij − d_ij| / N between the decoded pairwise block D and the same quantity d
    /// recomputed from the decoded sites (Å for xtal2png, fractional for CrysTens), before and
    /// after the optional refinement (equal when not refined).
    double pairwiseErrorBefore = 0;
    double pairwiseErrorAfter = 0;
    /// Space group of the final structure (spglib at the decode tolerance, 0.1 Å when not
    /// symmetrising).
    SpaceGroupInfo spaceGroup;
};

struct Xtal2PngDecodeOptions {
    /// > 0: replace the decoded cell by spglib's standardised conventional cell found at this
    /// symprec (Å; angle tolerance 5°): idealised lattice, symmetrised positions. The site count
    /// then follows the conventional cell. 0: keep the P1 decoded cell.
    double symmetrizeTolerance = 0;
    /// Refine fractional coordinates by weighted least squares (Gauss–Newton with a
    /// Levenberg–Marquardt damping) against the decoded minimum-image distance block, with a
    /// prior that keeps each coordinate near its decoded value within its quantisation step.
    bool refine = false;
    int refineIterations = 10;
    /// Read the layout of xtal2png ≤ 0.7.0: column 0 holds Z/117·255 (not E = Z − 1) and column
    /// 10 the cell volume (0…1500 Å³) instead of N, so N is the number of leading site rows
    /// whose angle pixels (columns 7–9) are non-zero.
    bool legacyLayout = false;
    /// symprec (Å, angle 5°) of DecodedCrystal::spaceGroup when not symmetrising; ≤ 0 skips
    /// the analysis (about 4 ms a structure).
    double analyzeSymprec = 0.1;
};

/// Decodes an image as xtal2png 0.9.x does (N from the four N pixels, averaged mirrors, cell as
/// the mean over sites, element = nearest integer with ties low), plus the optional
/// refinement and symmetrisation. The site capacity is image.maxSites (side − 12 when 0). Throws ValueError
/// for an image that holds no crystal (N = 0, zero lengths, impossible angles). Thread-safe.
DecodedCrystal decodeXtal2Png(const Xtal2PngImage& image, const Xtal2PngDecodeOptions& options = {});

/// Writes the image as an 8-bit grayscale ("L") PNG, atomically. Throws IoError.
void writeXtal2PngFile(const std::string& path, const Xtal2PngImage& image);
/// Reads an 8-bit grayscale square PNG (or a 2-D uint8 .npy). Throws IoError, FormatError (not
/// square, not 8-bit gray, smaller than 13 × 13).
Xtal2PngImage readXtal2PngFile(const std::string& path);

/// Σ_{i<j} |D_ij − |v_ij|| / N for sites in `structure` against a symmetric block D (row-major,
/// N × N) where v_ij is the minimum-image Cartesian vector (Å). Used by decoders.
double minimumImagePairwiseError(const Structure& structure, const std::vector<double>& block);

}  // namespace cw
