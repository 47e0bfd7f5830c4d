#pragma once
/// @file pymatgen's lattice mapping search (Lattice.find_all_mappings): every basis of one
/// lattice whose lengths and angles lie within tolerances of a target cell, in pymatgen's order.
/// The structure matcher's lattice search and pymatgen's Niggli orientation both rest on it.

#include <Eigen/Core>

#include <array>
#include <cstddef>
#include <vector>

namespace cw {

/// Lengths (Å) and angles (degrees: α = ∠(b,c), β = ∠(a,c), γ = ∠(a,b)) of a basis, computed
/// with pymatgen's formulas (row norms; arccos of the capped cosine).
struct LatticeShape {
    std::array<double, 3> lengths{};
    std::array<double, 3> anglesDeg{};
};

/// Shape of the basis `rows` (a, b, c as rows, Å). Thread-safe.
LatticeShape latticeShape(const Eigen::Matrix3d& rows);

/// pymatgen's Lattice.from_parameters (vesta=False) as a row matrix, Å; the cosine of γ* is
/// capped to ±1 as pymatgen does, so impossible angles give a flat cell. Thread-safe.
Eigen::Matrix3d rowsFromShape(const LatticeShape& shape);

/// |a · (b × c)| of the rows, Å³ (pymatgen's Lattice.volume).
double cellVolume(const Eigen::Matrix3d& rows);

/// A lattice point n₁a + n₂b + n₃c and its distance from the origin (Å).
struct LatticePoint {
    std::array<int, 3> n{};
    double distance = 0;
};

/// The lattice points within `radiusA` of the origin (the origin included) in the order
/// pymatgen's get_points_in_sphere returns them (its cell-list search: cubes of edge `radiusA`
/// in lexicographic order, each cube's points in reverse order of insertion; the radius is
/// rounded to single precision and a radius under 1 Å is searched at 1 Å and then filtered, as
/// pymatgen does). Replaces `out`. Thread-safe.
void latticePointsInSphere(const Eigen::Matrix3d& rows, double radiusA,
                           std::vector<LatticePoint>& out);

/// One basis of the searched lattice that fits the target cell.
struct LatticeMapping {
    Eigen::Matrix3d aligned;  ///< the three lattice vectors as rows, Å (searched lattice's frame)
    Eigen::Matrix3i scale;    ///< integer rows: aligned = scale · rows
};

/// Options of findLatticeMappings.
struct LatticeMappingQuery {
    double ltol = 1e-5;           ///< relative length tolerance: 1/(1+ltol) < |v|/target < 1+ltol
    double angleTolDeg = 1;       ///< |angle − target angle| < angleTolDeg
    bool unimodularOnly = false;  ///< keep |det scale| = 1 only (the matcher's supercell size 1)
    std::size_t limit = static_cast<std::size_t>(-1);  ///< stop after this many mappings
};

/// Every basis (v_a, v_b, v_c) of the lattice `rows` whose lengths and angles fit `target`, in
/// pymatgen's order: candidates for a in sphere order, then (b, c) pairs row-major; bases with
/// |det scale| < 1e-8 are skipped (pymatgen's Lattice.find_all_mappings with
/// skip_rotation_matrix). Replaces `out`. Thread-safe.
void findLatticeMappings(const Eigen::Matrix3d& rows, const LatticeShape& target,
                         const LatticeMappingQuery& query, std::vector<LatticeMapping>& out);

}  // namespace cw
