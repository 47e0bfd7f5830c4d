#pragma once
/// @file Internal to the symmetry module: conversion between Structure and spglib's C arrays,
/// and an owning handle for SpglibDataset. Not part of the engine's public API; only the
/// module's .cpp files include it (spglib is linked PRIVATE).

#include <spglib.h>

#include <memory>
#include <vector>

#include "crystal/lattice.h"
#include "crystal/structure.h"
#include "symmetry/space_group.h"

namespace cw::detail {

/// A cell in spglib's layout: lattice vectors as COLUMNS, positions fractional, types = Z.
struct SpglibCell {
    double lattice[3][3] = {};
    std::vector<double> positions;  ///< 3 per atom; capacity for `capacityFactor` × atoms
    std::vector<int> types;
    int count = 0;  ///< atoms actually in the cell

    double (*positionArray())[3] { return reinterpret_cast<double(*)[3]>(positions.data()); }
};

/// The structure in spglib's layout, arrays sized for `capacityFactor` × its atoms (spglib
/// writes standardised cells in place). Throws ValueError for an empty structure or
/// non-finite fractional coordinates.
SpglibCell toSpglibCell(const Structure& structure, int capacityFactor = 1);

/// Throws ValueError for an empty structure or non-finite fractional coordinates (the checks of
/// toSpglibCell, without building a cell).
void checkCellInput(const Structure& structure);

/// Throws ConfigError unless symprec > 0 and both tolerances are finite.
void checkOptions(const SymmetryOptions& options);

/// Lattice from spglib's column layout. Throws ValueError for a degenerate matrix.
Lattice latticeFromColumns(const double columns[3][3]);

/// Wraps fractional coordinates to [0, 1); a value within 1e-10 of 1 becomes 0 so that
/// round-off never puts an atom on the far face of the cell.
Eigen::Vector3d wrapFractional(const Eigen::Vector3d& frac);

struct DatasetDeleter {
    void operator()(SpglibDataset* dataset) const {
        if (dataset) spg_free_dataset(dataset);
    }
};
using DatasetPtr = std::unique_ptr<SpglibDataset, DatasetDeleter>;

/// spgat_get_dataset on the structure; null when spglib finds no space group. Throws as
/// toSpglibCell and checkOptions do.
DatasetPtr findDataset(const Structure& structure, const SymmetryOptions& options);

}  // namespace cw::detail
