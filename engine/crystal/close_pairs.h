#pragma once
/// @file Pairs of sites closer than a cutoff under periodic boundaries, in time linear in the
/// number of sites: the CIF reader merges symmetry images and checks shared positions with it.

#include <Eigen/Core>

#include <cstddef>
#include <utility>
#include <vector>

#include "crystal/lattice.h"
#include "crystal/structure.h"

namespace cw {

/// Close-pair test with a cheap necessary condition first: a minimum-image vector shorter than
/// `cutoff` Å has fractional components |Δf_i| ≤ cutoff · |a*_i|.
struct PeriodicNearTest {
    explicit PeriodicNearTest(const Lattice& lattice);
    /// True when the minimum-image distance of f1 and f2 is below cutoffA.
    bool operator()(const Eigen::Vector3d& f1, const Eigen::Vector3d& f2, double cutoffA) const;

    const Lattice& lattice;
    Eigen::Vector3d reach;  ///< |a*_i|, per Å
};

/// Fractional coordinates wrapped into [0, 1) (a value that rounds to 1 becomes 0).
Eigen::Vector3d wrapFractional(Eigen::Vector3d f);

/// Pairs (i < j, sorted) of sites closer than `cutoffA` Å. Sites are binned on a fractional grid
/// whose cells are at least the cutoff wide, so only the 27 neighbouring cells are searched:
/// linear time for the large cells of framework and molecular crystals (all pairs are tested
/// when the cell is under three cutoffs wide).
std::vector<std::pair<std::size_t, std::size_t>> closeSitePairs(const std::vector<Site>& sites,
                                                                const PeriodicNearTest& near, double cutoffA);

}  // namespace cw
