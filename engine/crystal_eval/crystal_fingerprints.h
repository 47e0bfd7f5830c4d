#pragma once
/// @file Both coverage fingerprints of many crystals at once, on all cores: CDVAE's
/// Crystal.get_fingerprints (docs/spec/crystal-generation.md §4).

#include <optional>
#include <string>
#include <vector>

#include "crystal/structure.h"
#include "crystal_eval/crystalnn_fingerprint.h"
#include "crystal_eval/magpie_fingerprint.h"

namespace cw {

/// The fingerprints of one crystal.
struct CrystalFingerprints {
    CrystalNNFingerprint structure{};       ///< CrystalNN "ops", mean over sites
    MagpieFingerprint composition{};        ///< raw Magpie; NaN where matminer gives NaN
    MagpieFingerprint compositionScaled{};  ///< after CDVAE's CompScaler (no NaN)
};

/// One crystal's outcome. CDVAE keeps neither fingerprint when CrystalNN raises, and then
/// calls the crystal invalid.
struct FingerprintOutcome {
    std::optional<CrystalFingerprints> fingerprints;
    std::string error;  ///< why there are none; empty when fingerprints is set
};

/// The fingerprints of one structure. Throws ValueError where CDVAE's featurisers raise
/// (an unbounded Voronoi cell, an element beyond Cm, an empty structure). Thread-safe.
CrystalFingerprints crystalFingerprints(const Structure& structure);

/// crystalFingerprints of each structure, in order, on `threads` threads (≤ 0: all cores).
/// Per-structure failures are reported in the outcome, not thrown. Thread-safe.
std::vector<FingerprintOutcome> crystalFingerprints(const std::vector<Structure>& structures,
                                                    int threads = 0);

}  // namespace cw
