#pragma once
/// @file Supercells: integer diagonal repeats and general 3×3 integer transformations.

#include <Eigen/Core>

#include "crystal/structure.h"

namespace cw {

/// Supercell whose lattice rows are `scaling` · (old rows), i.e. row i of `scaling` gives new
/// vector i in units of a, b, c (pymatgen's make_supercell convention). Sites are the images
/// inside the new cell, wrapped to [0, 1); labels, occupancies, id and properties are kept.
/// Throws ValueError if det(scaling) is 0. Thread-safe.
Structure makeSupercell(const Structure& structure, const Eigen::Matrix3i& scaling);

/// Diagonal supercell na × nb × nc. Throws ValueError unless all are ≥ 1.
Structure makeSupercell(const Structure& structure, int na, int nb, int nc);

}  // namespace cw
