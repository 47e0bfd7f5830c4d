#pragma once
/// @file pymatgen's CrystalNN with its defaults (pymatgen 2022.11.7: weighted_cn False,
/// cation_anion False, distance_cutoffs (0.5, 1.0) Å, x_diff_weight 3.0, porous_adjustment True,
/// search_cutoff 7 Å): the probability of each coordination number of a site and the
/// neighbours behind it. Sites carry elements without oxidation states. Spec:
/// docs/spec/crystal-generation.md §4.

#include <Eigen/Core>

#include <cstddef>
#include <map>
#include <vector>

#include "crystal_eval/voronoi_neighbours.h"

namespace cw {

/// A CrystalNN neighbour of a site.
struct CrystalNNNeighbour {
    std::size_t siteIndex = 0;                            ///< its site in the structure
    Eigen::Vector3d positionA = Eigen::Vector3d::Zero();  ///< Cartesian position of the image (Å)
    double weight = 0;           ///< final weight, rounded to 3 decimals as pymatgen does; > 0
    double unroundedWeight = 0;  ///< the same before rounding, which orders the neighbours
};

/// CrystalNN.get_nn_data for one site.
struct CrystalNNResult {
    /// Neighbours by decreasing unrounded weight, ties by distance (pymatgen orders ties by
    /// its rounding noise); the neighbours of coordination number k are the first k.
    std::vector<CrystalNNNeighbour> neighbours;
    /// Coordination number → probability (summing to 1). CN 0 holds any positive remainder
    /// (the strongest neighbour's weight below 1, or a rounding residue), or everything when
    /// all weights are 0.
    std::map<int, double> cnWeights;
};

/// CrystalNN for site `site` of voronoi.structure(). Throws ValueError where pymatgen raises:
/// a cell that stays unbounded (PeriodicVoronoi::facets), or an element without a covalent
/// or atomic radius in pymatgen (Z > 96) on the site or a neighbour. Thread-safe.
CrystalNNResult crystalNN(const PeriodicVoronoi& voronoi, std::size_t site);

/// Python's round(x, 3): the decimal nearest to the exact binary value, ties to even.
double roundToThreeDecimals(double x);

}  // namespace cw
