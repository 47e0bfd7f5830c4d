#pragma once
/// @file Standardised cells with spglib (conventional and primitive) and Niggli reduction.

#include "crystal/structure.h"
#include "symmetry/space_group.h"

namespace cw {

/// spglib's standardised conventional cell (spg_standardize_cell, to_primitive = 0, no_idealize
/// = 0). Keeps id and properties. Throws ValueError if spglib fails.
Structure conventionalStandardCell(const Structure& structure, const SymmetryOptions& options = {});

/// spglib's standardised primitive cell (to_primitive = 1). Throws ValueError if spglib fails.
Structure primitiveStandardCell(const Structure& structure, const SymmetryOptions& options = {});

/// Niggli-reduced cell of the same crystal (spg_niggli_reduce; eps relative tolerance), sites
/// re-expressed in the new basis and wrapped to [0, 1). Throws ValueError if reduction fails.
Structure niggliReducedCell(const Structure& structure, double eps = 1e-5);

}  // namespace cw
