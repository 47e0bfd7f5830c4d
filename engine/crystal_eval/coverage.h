#pragma once
/// @file Coverage of a reference set by generated crystals, COV-R and COV-P, exactly as CDVAE's
/// compute_cov (docs/spec/crystal-generation.md §4): structure and composition fingerprints are
/// compared by Euclidean distance, and the two minima are taken independently.

#include <optional>
#include <string>
#include <vector>

namespace cw {

/// One crystal's two fingerprints: the 61-number CrystalNN "ops" mean and the 132-number
/// Magpie vector after CDVAE's CompScaler. Absent when it could not be computed.
struct CoverageFingerprints {
    std::optional<std::vector<double>> structure;
    std::optional<std::vector<double>> composition;
    bool complete() const { return structure && composition; }
};

/// Cutoffs (δ_s, δ_c) of the structure and composition distances.
struct CoverageCutoffs {
    double structure = 0.4;
    double composition = 10.0;
};

/// The published per-data-set cutoffs: "mp20" (0.4, 10), "carbon24" (0.2, 4), "perov5"
/// (0.2, 4). Throws ConfigError for any other name, listing these.
CoverageCutoffs coverageCutoffsFor(const std::string& dataset);

struct CoverageResult {
    double recall = 0;     ///< COV-R: share of reference crystals covered
    double precision = 0;  ///< COV-P: share of ALL generated crystals near some reference crystal
    /// Per generated crystal: within both cutoffs of the reference set (false without
    /// fingerprints).
    std::vector<bool> generatedCovers;
    /// Per generated crystal: the smallest structure and composition distances (NaN without
    /// fingerprints).
    std::vector<double> nearestStructureDistance, nearestCompositionDistance;
    std::size_t generatedWithFingerprints = 0;
    std::size_t referenceWithFingerprints = 0;
};

/// COV-R = #{t : min_g d_s(g,t) ≤ δ_s and min_g d_c(g,t) ≤ δ_c} / |T| over the reference
/// crystals with fingerprints (|T| counts them all, as CDVAE divides by the test set's size);
/// COV-P = #{g : min_t d_s ≤ δ_s and min_t d_c ≤ δ_c} / N_gen with N_gen counting every
/// generated crystal, also those without fingerprints. Runs on `threads` threads (≤ 0: all).
/// Throws ValueError for fingerprints of unequal lengths or an empty reference set.
CoverageResult computeCoverage(const std::vector<CoverageFingerprints>& generated,
                               const std::vector<CoverageFingerprints>& reference,
                               const CoverageCutoffs& cutoffs, int threads = 0);

}  // namespace cw
