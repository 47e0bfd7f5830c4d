#pragma once
/// @file Exact minimum-image distances below a cutoff, for any cell however skewed, and the
/// closest pair of distinct sites in near-linear time. Structural validity needs the true
/// minimum over all lattice translations (pymatgen approximates it by 27 images of its LLL
/// cell); Lattice::minimumImageDistance is exact too, but its image search grows without bound
/// in very skewed cells.

#include <Eigen/Core>

#include <cstddef>
#include <vector>

namespace cw {

/// Method: the cell is LLL-reduced (δ = 0.75, as pymatgen) and its two first vectors are then
/// Lagrange-reduced in their plane. A lattice vector x₁b₁ + x₂b₂ + x₃b₃ is split into its
/// height along the plane normal, which only x₃ sets (few values fall below the cutoff: after
/// LLL the height of b₃ is ≥ (V/2√2)^(1/3), so at most four for V ≥ 0.1 Å³ and a 0.5 Å cutoff),
/// and an in-plane part, whose closest point is one of the 3 × 3 around the rounded one (the
/// Voronoi cell of a Lagrange-reduced planar lattice lies within ±1 of its basis coordinates).
/// The result is exact on any basis; LLL (capped at 100,000 steps) only bounds the work.
/// Immutable; all members are thread-safe.
class MinimumImageSearch {
public:
    /// Rows a, b, c in Å. Throws ValueError if an entry or a dot product of rows is not finite
    /// (lengths beyond ~1e154 Å) or the cell is flat (|det| ≤ 1e-12 Å³ or too skewed to reduce).
    explicit MinimumImageSearch(const Eigen::Matrix3d& rowsA);

    /// Minimum-image distance (Å) from fractional position f1 to any periodic image of f2 when
    /// it is below `cutoffA`; +inf otherwise. Exact.
    double distanceBelow(const Eigen::Vector3d& f1, const Eigen::Vector3d& f2,
                         double cutoffA) const;

    struct ClosestPair {
        bool found = false;        ///< some pair of distinct sites is closer than the cutoff
        std::size_t i = 0, j = 0;  ///< the closest such pair, i < j (the first on a tie)
        double distanceA = 0;      ///< their minimum-image distance (Å)
        /// False when crowds of close sites exhausted the work budget: the pair is then a close
        /// one, not necessarily the closest (`found` is exact either way).
        bool exact = true;
    };

    /// The closest pair of distinct sites (fractional coordinates of the cell given) among
    /// those closer than `cutoffA` Å. A site's distance to its own images is not considered.
    /// Sites are binned along the reduced axes in bins at least the cutoff high. Until a close
    /// pair is found the sites seen are ≥ cutoff apart, so each meets a bounded number of others;
    /// once one is found, the refinement towards the closest stops after 64·N + 100,000 pair
    /// tests. The work is therefore linear in the number of sites N, whatever the input.
    /// Throws ValueError for a cutoff that is not positive and finite.
    ClosestPair closestPairBelow(const std::vector<Eigen::Vector3d>& frac, double cutoffA) const;

    /// The reduced basis (rows, Å); it spans the same lattice.
    const Eigen::Matrix3d& reducedRows() const { return m_reduced; }

private:
    /// Coordinates of a fractional position in the reduced basis, wrapped into [0, 1).
    Eigen::Vector3d reducedFractional(const Eigen::Vector3d& frac) const;
    /// The distance for a difference of reduced fractional coordinates.
    double reducedDistanceBelow(const Eigen::Vector3d& dt, double cutoffA) const;

    Eigen::Matrix3d m_reduced;        ///< rows b₁, b₂, b₃ (Å)
    Eigen::Matrix3d m_fracToReduced;  ///< t = m_fracToReduced · f (integer entries)
    Eigen::Matrix2d m_planeGram;      ///< bᵢ·bⱼ for i, j ∈ {1, 2}
    Eigen::Vector2d m_b3InPlane;      ///< in-plane part of b₃ in b₁, b₂ coordinates
    double m_b3Height = 0;            ///< height of b₃ above the b₁b₂ plane (Å)
    Eigen::Vector3d m_heights;        ///< cell height along each reduced axis (Å)
};

}  // namespace cw
