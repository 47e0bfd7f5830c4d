#include "symmetry/spglib_cell.h"

#include <cmath>
#include <string>

#include "core/error.h"

namespace cw::detail {

void checkCellInput(const Structure& structure) {
    if (structure.size() == 0) {
        throw ValueError("symmetry analysis of structure '" + structure.id() +
                         "' is impossible: it has no sites");
    }
    for (std::size_t i = 0; i < structure.size(); ++i) {
        if (!structure.site(i).frac.allFinite()) {
            throw ValueError("site " + std::to_string(i + 1) + " of structure '" + structure.id() +
                             "' has non-finite fractional coordinates");
        }
    }
}

SpglibCell toSpglibCell(const Structure& structure, int capacityFactor) {
    checkCellInput(structure);
    SpglibCell cell;
    const Eigen::Matrix3d& rows = structure.lattice().matrix();
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) cell.lattice[i][j] = rows(j, i);  // spglib wants columns
    const std::size_t n = structure.size();
    cell.positions.assign(3 * n * static_cast<std::size_t>(capacityFactor), 0.0);
    cell.types.assign(n * static_cast<std::size_t>(capacityFactor), 0);
    cell.count = static_cast<int>(n);
    for (std::size_t i = 0; i < n; ++i) {
        const Site& site = structure.site(i);
        for (int d = 0; d < 3; ++d) cell.positions[3 * i + d] = site.frac[d];
        cell.types[i] = site.z;
    }
    return cell;
}

void checkOptions(const SymmetryOptions& options) {
    if (!(options.symprecA > 0) || !std::isfinite(options.symprecA)) {
        throw ConfigError("symmetry tolerance symprec must be a positive length in Å, got " +
                          std::to_string(options.symprecA));
    }
    if (!std::isfinite(options.angleToleranceDeg)) {
        throw ConfigError("symmetry angle tolerance must be finite (negative: spglib's default)");
    }
}

Lattice latticeFromColumns(const double columns[3][3]) {
    Eigen::Matrix3d rows;
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) rows(j, i) = columns[i][j];
    return Lattice(rows);
}

Eigen::Vector3d wrapFractional(const Eigen::Vector3d& frac) {
    constexpr double kEdge = 1e-10;
    Eigen::Vector3d g = frac.array() - frac.array().floor();
    for (int d = 0; d < 3; ++d) {
        if (g[d] >= 1.0 - kEdge) g[d] = 0.0;
        if (g[d] == 0.0) g[d] = 0.0;  // turns -0.0 into +0.0 for tidy output
    }
    return g;
}

DatasetPtr findDataset(const Structure& structure, const SymmetryOptions& options) {
    checkOptions(options);
    SpglibCell cell = toSpglibCell(structure);  // spglib's prototypes take non-const arrays
    return DatasetPtr(spgat_get_dataset(cell.lattice, cell.positionArray(), cell.types.data(),
                                        cell.count, options.symprecA, options.angleToleranceDeg));
}

}  // namespace cw::detail
