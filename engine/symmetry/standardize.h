#pragma once
/// @file Standardised cells with spglib (conventional and primitive) and Niggli reduction.

#include "crystal/lattice.h"
#include "crystal/structure.h"
#include "symmetry/space_group.h"

namespace cw {

/// spglib's standardised conventional cell (spg_standardize_cell, to_primitive = 0, no_idealize
/// = 0): the lattice is idealised and rotated into spglib's standard orientation, positions are
/// symmetrised and wrapped to [0, 1). Keeps id and properties; occupancies become 1. Site labels
/// carry over from the input site each new site stems from (the element symbol where that site
/// has none). Throws ValueError for an empty structure, non-finite coordinates or if spglib
/// fails; ConfigError for bad tolerances (see analyzeSpaceGroup). Thread-safe.
Structure conventionalStandardCell(const Structure& structure, const SymmetryOptions& options = {});

/// spglib's standardised primitive cell (to_primitive = 1), in the same orientation as
/// conventionalStandardCell. Same conventions and errors as conventionalStandardCell.
Structure primitiveStandardCell(const Structure& structure, const SymmetryOptions& options = {});

/// Niggli-reduced cell of the same crystal (spg_niggli_reduce, Křivý & Gruber 1976; eps is
/// spglib's tolerance for the comparisons of the metric tensor, default as spglib's), sites
/// re-expressed in the new basis and wrapped to [0, 1) (within 1e-10 of 1 becomes 0). Cartesian
/// positions, handedness, labels, occupancies, id and properties are kept. An empty structure
/// is allowed (only the lattice is reduced). Throws ValueError if reduction fails or eps ≤ 0.
/// Thread-safe.
Structure niggliReducedCell(const Structure& structure, double eps = 1e-5);

/// The Niggli-reduced basis of a lattice (rows in Å), same handedness as the input. Throws
/// ValueError if reduction fails or eps ≤ 0. Thread-safe.
Lattice niggliReducedLattice(const Lattice& lattice, double eps = 1e-5);

}  // namespace cw
