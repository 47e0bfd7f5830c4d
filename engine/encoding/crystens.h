#pragma once
/// @file CrysTens: a crystal of at most 52 sites as a 64 × 64 × 4 float tensor (Alverson et al.,
/// "Generative adversarial networks and diffusion models in material discovery", Digital
/// Discovery 2024; upstream commit 3eb296ae), its min–max normalisation and the paper's decoding
/// with the upstream bugs fixed. Layout and rules: docs/spec/encodings.md.

#include <array>
#include <vector>

#include "encoding/xtal2png.h"

namespace cw {

inline constexpr int kCrysTensSide = 64;
inline constexpr int kCrysTensChannels = 4;
inline constexpr std::size_t kCrysTensElements =
    static_cast<std::size_t>(kCrysTensSide) * kCrysTensSide * kCrysTensChannels;

/// Channels-last float tensor (side, side, 4): element (r, k, ch) = data[(r·side + k)·4 + ch].
/// The full encoding is 64 × 64 for 52 sites; a compact one holds fewer sites (maxSites) in a
/// smaller side (paddedEncodingSide), with the same layout and zero padding beyond 12 + maxSites.
struct CrysTensTensor {
    int side = kCrysTensSide;
    int maxSites = kEncodingMaxSites;  ///< site rows 12 … 12 + maxSites − 1
    std::vector<float> data = std::vector<float>(kCrysTensElements, 0.0f);
    bool normalized = false;  ///< min–max scaled with the upstream constants

    CrysTensTensor() = default;
    /// Zeros for `maxSites` sites in a side × side tensor (side ≥ 12 + maxSites).
    CrysTensTensor(int side, int maxSites);

    float& operator()(int r, int k, int ch) { return data[(static_cast<std::size_t>(r) * side + k) * 4 + ch]; }
    float operator()(int r, int k, int ch) const {
        return data[(static_cast<std::size_t>(r) * side + k) * 4 + ch];
    }
};

/// Min–max range of one CrysTens field.
struct CrysTensRange {
    double min;
    double max;
};

/// The upstream normalisation ranges (min = mean − c2·std, max = mean + c3·std), from
/// docs/spec/crystens-constants.json: header fields 0…10 (Z, x, y, z, a, b, c, α, β, γ, space
/// group), then channel 0 of the pairwise block ("length"), then channels 1–3 ("dir").
inline constexpr std::array<CrysTensRange, 11> kCrysTensHeaderRanges{{
    {1.0, 99.0},                                   // atom
    {0.0, 0.9999933333333333},                     // x
    {0.0, 0.9999933333333333},                     // y
    {0.0, 0.9999900000000002},                     // z
    {1.7624000000000004, 42.664},                  // a
    {1.7624000000000004, 45.183},                  // b
    {2.168, 116.195},                              // c
    {59.76700000000001, 119.99999999999999},       // alpha
    {59.702, 138.423},                             // beta
    {58.91900000000002, 119.99999999999999},       // gamma
    {1.0, 230.0},                                  // sg
}};
inline constexpr CrysTensRange kCrysTensLengthRange{0.02137849386650048, 1.6546732154718646};
inline constexpr CrysTensRange kCrysTensDirRange{-0.9999933333333332, 0.9999933333333332};

struct CrysTensOptions {
    CellChoice cell = CellChoice::AsIs;
    bool normalize = true;  ///< false: raw values (Z, Å, degrees, fractional)
    SymmetryOptions symmetry{0.01, kPymatgenAngleToleranceDeg};  ///< space group and cell choice
    /// > 0: the space-group number to write instead of running spglib (see Xtal2PngOptions).
    int knownSpaceGroup = 0;
    /// Site capacity; below 52 gives a compact tensor of side `side` (0: paddedEncodingSide).
    int maxSites = kEncodingMaxSites;
    int side = 0;
};

/// Encodes a structure (after the cell choice): header (Z, x, y, z, a, b, c, α, β, γ, space
/// group, 0) in all four channels and mirrored; pairwise block channel 0 = |f_s − f_t| (fractional,
/// no periodic images), channels 1–3 = f_s − f_t. Arithmetic in double, stored as float.
/// Throws ValueError (empty, more than 52 sites, partial occupancy). Thread-safe.
CrysTensTensor encodeCrysTens(const Structure& structure, const CrysTensOptions& options = {});

/// Site count of a tensor encoded by encodeCrysTens (rows whose header is non-zero). For
/// generated tensors use decodeCrysTens, which estimates it robustly.
int crysTensSiteCount(const CrysTensTensor& tensor);

/// Min–max normalisation to [0, 1] of the occupied header entries (fields 0…10) and the
/// off-diagonal pairs of occupied sites; padding and the diagonal stay 0. `siteCount` < 0: taken
/// from crysTensSiteCount. A tensor already normalised is returned unchanged.
CrysTensTensor normalizeCrysTens(const CrysTensTensor& raw, int siteCount = -1);
/// The inverse over the whole tensor (padding too, so use it only through the site count).
CrysTensTensor denormalizeCrysTens(const CrysTensTensor& normalized);

/// (side, side, 4) → (4, side, side) by a real transpose (upstream reshaped without
/// transposing: a bug).
std::vector<float> crysTensToChannelsFirst(const CrysTensTensor& tensor);
/// (4, side, side) → (side, side, 4); the side follows from the element count, maxSites ≤ 0
/// means side − 12. Throws ValueError for an element count that is not 4·side².
CrysTensTensor crysTensFromChannelsFirst(const std::vector<float>& channelsFirst, bool normalized,
                                         int maxSites = 0);

struct CrysTensDecodeOptions {
    /// Site count: rows 12 + s whose lattice header (a, b, c, α, β, γ) lies within this relative
    /// tolerance of site 0's, counted from row 12 until the first that does not (upstream's
    /// 20 % rule on α, but including row 63, so 52-site crystals keep their last site).
    double siteConsistency = 0.2;
    /// Optional: cluster atomic numbers into at most `clusterCount` groups (1-D k-means) and give
    /// each group the most frequent rounded Z of its own members, so that no element outside
    /// the input's rounded set is ever produced. 0 or 1: off (each Z rounded alone).
    int clusterCount = 0;
    /// Sites of the same element closer than this (Å, periodic) are duplicates; the later goes.
    double duplicateToleranceA = 0.1;
    /// > 0: spglib's standardised conventional cell at this symprec (Å, angle 5°) replaces the
    /// decoded P1 cell.
    double symmetrizeTolerance = 0;
    /// symprec of DecodedCrystal::spaceGroup when not symmetrising; ≤ 0 skips it.
    double analyzeSymprec = 0.1;
    /// For generated tensors (off: the paper's decoding): subtract from each channel the median
    /// of the cells the layout keeps at zero (the 12 × 12 header corner and a compact tensor's
    /// padding), which removes a generated image's per-channel offset, and take each header
    /// feature as the median of its 8 copies instead of their mean, so that one bad channel
    /// does not move it; sites are the rows whose normalised header features sum to more than
    /// 1 (padding rows are zero) instead of the 20 % lattice rule, and the cell is the median
    /// over the sites. An encoded tensor decodes the same either way.
    bool robust = false;
};

/// The CrysTens paper's post-processing with the fixes of docs/spec/encodings.md: undo the normalisation
/// (when tensor.normalized), robust site count, header = mean of its 8 copies, cell and space
/// group = mean over sites, (anti)symmetrised pairwise block, coordinate update x̂_j = (1 − w)x_j
/// + w·mean_i(x_i − Δx_ij) with w = 1 − 1/(12 + N), Z rounded to the nearest integer in 1…118,
/// duplicates dropped, coordinates wrapped to [0, 1). pairwiseErrorBefore/After =
/// Σ_{i<j}|d_ij − |x̂_i − x̂_j||/N (fractional; before/after the coordinate update). Throws
/// ValueError when no site or an impossible lattice is found. Thread-safe.
DecodedCrystal decodeCrysTens(const CrysTensTensor& tensor, const CrysTensDecodeOptions& options = {});

/// Writes (side, side, 4) float32 .npy (channelsFirst: (4, side, side)). Throws IoError.
void writeCrysTensNpy(const std::string& path, const CrysTensTensor& tensor, bool channelsFirst = false);
/// Reads (64, 64, 4) or (4, 64, 64) .npy (float32/float64). Throws IoError, FormatError.
CrysTensTensor readCrysTensNpy(const std::string& path, bool normalized);

}  // namespace cw
