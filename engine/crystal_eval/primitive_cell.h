#pragma once
/// @file pymatgen's primitive-cell search (Structure.get_primitive_structure), ported so that the
/// structure matcher reduces supercells exactly when pymatgen does.

#include "crystal_eval/pymatgen_niggli.h"

namespace cw {

/// The smallest cell pymatgen's get_primitive_structure(tolerance) finds, Niggli-reduced as it
/// returns it; the input cell itself (unchanged, not re-reduced) when none is smaller.
///
/// Sites are grouped by element symbol (alphabetical, as pymatgen sorts species strings).
/// Candidate lattice translations are the fractional differences within the smallest group that
/// map every group onto itself within 2·tolerance/|aₖ| per axis; the Hermite-normal-form
/// supercell matrices of each determinant d > 1 dividing the gcd of the group sizes (ascending d,
/// pymatgen's enumeration order) whose rows lie on such translations are tried; a matrix is
/// accepted when the sites fall into cliques of exactly d sites that coincide within
/// tolerance/|a′ₖ| per axis in the smaller cell; coinciding sites are averaged, and the search
/// recurses. `toleranceA` is in Å. Thread-safe. Throws ValueError from the Niggli reduction.
MatcherCell pymatgenPrimitiveCell(const MatcherCell& cell, double toleranceA = 0.25);

}  // namespace cw
