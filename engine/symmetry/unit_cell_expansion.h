#pragma once
/// @file The sites of a unit cell from an asymmetric unit and its space-group operations, with
/// sites on special positions recognised at the precision their coordinates were written with
/// and moved onto them, so that their symmetry images coincide exactly.
///
/// Why: files written to four decimals (IZA frameworks, many minerals) put a site on a special
/// position only to ±0.5e-4 in each coordinate; its images then differ by ~1e-4 (0.001–0.003 Å)
/// and a fixed tolerance either keeps them apart (pymatgen's 1e-4 fractional site tolerance
/// misses them in long cells) or merges split disorder sites too (gemmi's fixed 0.4 Å).

#include <Eigen/Core>
#include <string>
#include <vector>

#include "crystal/lattice.h"
#include "crystal/structure.h"
#include "symmetry/space_group.h"

namespace cw {

/// A site of the asymmetric unit and how precisely its coordinates were written.
struct AsymmetricSite {
    Site site;
    /// Per axis, one unit in the last decimal written (0.3333 → 1e-4; 0.16083(4) → 1e-5);
    /// 0 for exact values (integers, a '.', fractions recognised as twelfths).
    Eigen::Vector3d precision = Eigen::Vector3d::Zero();
};

/// How far apart the images of one site may be and still be one atom.
struct ExpansionTolerances {
    /// Images this close (Å) always merge, whatever the precision: the round-off of
    /// coordinates written in full.
    double floorA = 1e-3;
    /// The precision-derived tolerance never exceeds this (Å): below any bond and below the
    /// separation of the split sites that disorder models use, which must stay apart.
    double ceilingA = 0.1;
};

struct UnitCellExpansion {
    std::vector<Site> sites;              ///< wrapped into [0, 1)
    std::vector<std::size_t> origin;      ///< per site: its asymmetric-unit index
    std::vector<double> mergeToleranceA;  ///< per site: the tolerance its images merged at
    /// Asymmetric sites that lay off their special position by more than 1e-9 Å and were moved.
    int sitesMovedToSpecialPositions = 0;
    double largestShiftA = 0;        ///< the largest of those moves (Å)
    std::string largestShiftLabel;   ///< the site that moved most
};

/// The tolerance (Å) within which `op` maps a site written with `precision` onto itself when
/// the site lies on the operation's special position: the largest Cartesian displacement
/// ‖L·(R − I)·ε‖ over errors |ε_i| ≤ 2·precision_i (triangle inequality over the cell edges;
/// two units of the last decimal, since printed coordinates are often a unit off), clamped to [floorA, max(ceilingA, floorA)].
double selfImageToleranceA(const Lattice& lattice, const SymmetryOperation& op,
                           const Eigen::Vector3d& precision, const ExpansionTolerances& tolerances);

/// Expands every asymmetric site with `operations` (which must include the identity). A site
/// that some operations map onto itself within selfImageToleranceA has that site-symmetry
/// group; when those operations close under composition, the site is moved to the average of
/// its images under them (the projection onto the special position), and its images under
/// all operations then coincide exactly and merge. Images of one site closer than its
/// tolerance are merged either way (the first is kept). Sites of different asymmetric-unit
/// entries are never merged here. Thread-safe. Throws ValueError for non-finite coordinates.
UnitCellExpansion expandAsymmetricUnit(const std::vector<AsymmetricSite>& asymmetric,
                                       const std::vector<SymmetryOperation>& operations,
                                       const Lattice& lattice,
                                       const ExpansionTolerances& tolerances = {});

}  // namespace cw
