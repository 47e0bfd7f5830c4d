#pragma once
/// @file pymatgen's Niggli reduction (Lattice.get_niggli_reduced_lattice and
/// Structure.get_reduced_structure), ported so that the structure matcher starts from the very
/// cell pymatgen starts from: same reduced metric, same choice among equivalent bases.

#include <Eigen/Core>

#include <vector>

namespace cw {

/// An ordered periodic cell as the matcher handles it: basis rows (Å), one element per site and
/// fractional coordinates, in pymatgen's site order. Plain value type.
struct MatcherCell {
    Eigen::Matrix3d rows = Eigen::Matrix3d::Identity();
    std::vector<int> z;                 ///< atomic numbers
    std::vector<Eigen::Vector3d> frac;  ///< fractional coordinates, same length as z
};

/// The Niggli-reduced basis of `rows` (Å) as pymatgen computes it: LLL first, then the
/// Křivý–Gruber steps A1–A8 in Grosse-Kunstleve, Sauter & Adams' form (Acta Cryst. A60, 1–6,
/// 2004) with ε = tol · V^(1/3), then the first basis of the input lattice that fits the reduced
/// lengths and angles (pymatgen's find_mapping: lengths within ε relative, angles within 1°),
/// negated when left-handed. Thread-safe. Throws ValueError when no basis fits (pymatgen's
/// "can't find niggli").
Eigen::Matrix3d pymatgenNiggliRows(const Eigen::Matrix3d& rows, double tol = 1e-5);

/// pymatgen's Structure.get_reduced_structure("niggli"): the same sites on the Niggli basis,
/// fractional coordinates wrapped into [0, 1) — unless the basis is unchanged (np.allclose),
/// when the cell is returned as is. Thread-safe. Throws ValueError as pymatgenNiggliRows.
MatcherCell pymatgenNiggliCell(const MatcherCell& cell);

/// Python's x % 1.0 (numpy's np.mod): the result lies in [0, 1], with 1 only for tiny negative x.
double pythonModOne(double x);

}  // namespace cw
