#pragma once
/// @file pymatgen's StructureMatcher with the field's settings (docs/spec/crystal-generation.md
/// §3): primitive_cell, scale, no supercell search, no subsets, sites equal iff they hold the
/// same element. Every structure is reduced once (reduceForMatching); pairs are then decided by
/// fit and measured by rmsDistance with the same answers as pymatgen 2022.11.7.

#include <optional>
#include <string>

#include "crystal/structure.h"
#include "crystal_eval/pymatgen_niggli.h"

namespace cw {

/// The matcher's tolerances (pymatgen's defaults). CDVAE's reconstruction metric uses
/// {0.3, 0.5, 10}.
struct MatcherTolerances {
    double ltol = 0.2;         ///< fractional length tolerance of the lattice search
    double stol = 0.3;         ///< site tolerance, in units of (V/N)^(1/3) of the average cell
    double angleTolDeg = 5.0;  ///< angle tolerance of the lattice search, degrees
};

/// pymatgen's get_rms_dist result, both normalised by (V/N)^(1/3).
struct RmsDistance {
    double rms = 0;          ///< √(mean dⱼ²) of the lowest-RMS candidate
    double maxDistance = 0;  ///< max dⱼ of that candidate
};

/// A structure reduced once for matching, with the invariants that decide a pair cheaply.
struct ReducedStructure {
    /// Niggli-reduced primitive cell (pymatgen's get_reduced_structure then
    /// get_primitive_structure(0.25 Å)), in pymatgen's basis orientation and site order.
    MatcherCell cell;
    /// Fractional-composition key: "Z:n" pairs with counts divided by their gcd, ascending Z
    /// ("8:3 11:1 …"). Two structures can match only when their keys are equal.
    std::string compositionKey;
    std::string reducedFormula;  ///< pymatgen-style reduced formula, for reports
    std::size_t siteCount = 0;   ///< sites of the reduced cell
    double volumeA3 = 0;         ///< volume of the reduced cell, Å³
    double volumePerSiteA3 = 0;  ///< Å³
};

/// Reduces an ordered structure for matching (§3 step 2). Thread-safe. Throws ValueError for a
/// structure without sites, with a partial occupancy, with non-finite coordinates or a
/// degenerate cell, or when the Niggli reduction fails.
ReducedStructure reduceForMatching(const Structure& structure);

/// pymatgen's StructureMatcher(ltol, stol, angle_tol).fit(s1, s2) on structures reduced by
/// reduceForMatching: true at the first lattice and translation whose site distances after the
/// rigid-shift removal all lie below stol (§3 steps 1 and 3–9). Not symmetric: s1's lattice is
/// searched against s2's cell; call fit(generated, other). Thread-safe (per-thread buffers; no
/// allocation in the steady state). Throws nothing.
bool fit(const ReducedStructure& s1, const ReducedStructure& s2,
         const MatcherTolerances& tolerances = {});

/// pymatgen's get_rms_dist(s1, s2): the lowest RMS over every lattice and translation, with the
/// max distance of that candidate, when that RMS is below stol; nullopt otherwise (also for
/// different compositions or site counts). Thread-safe. Throws nothing.
std::optional<RmsDistance> rmsDistance(const ReducedStructure& s1, const ReducedStructure& s2,
                                       const MatcherTolerances& tolerances = {});

}  // namespace cw
