#pragma once
/// @file Structural validity of a generated crystal: CDVAE's `structure_validity` with
/// DiffCSP's NaN rule (docs/spec/crystal-generation.md, section 1).

#include <cstddef>
#include <limits>
#include <string_view>

#include "crystal_eval/generated_crystal.h"

namespace cw {

/// Why a crystal is structurally invalid; the names are CDVAE's and DiffCSP's.
enum class StructuralReason {
    None,                         ///< "" (valid)
    NanValue,                     ///< "nan_value": a NaN (or infinite) length, angle or coordinate
    NonPositiveLattice,           ///< "non_positive_lattice": a length ≤ 0
    ConstructionRaisesException,  ///< "construction_raises_exception": no cell or sites
    UnrealisticallySmallLattice,  ///< "unrealistically_small_lattice": volume < 0.1 Å³
    AtomsTooClose,                ///< "atoms_too_close": two distinct sites closer than 0.5 Å
    NoAtoms,                      ///< "no_atoms": no sites (CDVAE would crash on it)
};

/// The reason's name as listed above ("" for None).
std::string_view structuralReasonName(StructuralReason reason);

inline constexpr double kMinimumCellVolumeA3 = 0.1;   ///< CDVAE: volume < 0.1 → invalid
inline constexpr double kMinimumSiteDistanceA = 0.5;  ///< CDVAE: distance < 0.5 → invalid

/// The verdict and what it was based on.
struct StructuralValidity {
    bool valid = false;
    StructuralReason reason = StructuralReason::None;
    /// |det L| (Å³) of the cell pymatgen builds; NaN when no cell could be built.
    double volumeA3 = std::numeric_limits<double>::quiet_NaN();
    /// AtomsTooClose: the closest pair of distinct sites (i < j, input order) and their
    /// minimum-image distance (Å). Otherwise +inf and 0, 0 (only pairs below 0.5 Å are sought).
    double closestDistanceA = std::numeric_limits<double>::infinity();
    std::size_t closestPair[2] = {0, 0};
    /// False only when thousands of sites crowd within 0.5 Å of each other and the search
    /// stopped refining: the pair is then close but maybe not the closest.
    bool closestIsExact = true;
};

/// Decides structural validity, first failing test first:
/// 1. a NaN in a length, angle or coordinate → nan_value (DiffCSP's test, before any other);
/// 2. a length ≤ 0 (−inf included) → non_positive_lattice;
/// 3. any other infinite value → nan_value;
/// 4. no sites → no_atoms;
/// 5. unequal numbers of elements and positions, an atomic number outside 1…118, or a cell
///    matrix that is not finite (an angle of exactly 0°, overflowing lengths)
///    → construction_raises_exception; so, after step 6, is a cell whose squared lengths
///    overflow (beyond ~1e154 Å), which the distance search cannot reduce;
/// 6. V = |det L| < 0.1 Å³ → unrealistically_small_lattice. L is built exactly as pymatgen's
///    Lattice.from_parameters builds it, clipping cos γ* to ±1, so an impossible angle triple
///    (α + β < γ…) gives a flat cell and fails here rather than raising;
/// 7. two distinct sites with a true minimum-image distance < 0.5 Å → atoms_too_close, with the
///    closest pair. A site's distance to its own images is not tested (a one-atom cell with
///    a = 0.3 Å passes when V ≥ 0.1 Å³).
/// Work is linear in the number of sites, whatever the magnitudes (MinimumImageSearch).
/// Thread-safe; does not throw (every problem of the data is a reason).
StructuralValidity structuralValidity(const GeneratedCrystal& crystal);

/// The cell matrix (rows a, b, c in Å) of pymatgen's Lattice.from_parameters (vesta=False),
/// without Lattice's checks: flat and non-finite results are returned as they come.
/// Thread-safe; does not throw.
Eigen::Matrix3d pymatgenCellFromParameters(const double lengthsA[3], const double anglesDeg[3]);

}  // namespace cw
