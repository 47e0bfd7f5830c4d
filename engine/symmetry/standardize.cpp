#include "symmetry/standardize.h"

#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string>

#include "core/error.h"
#include "crystal/elements.h"
#include "symmetry/spglib_cell.h"

namespace cw {
namespace {

std::string fallbackLabel(const Site& site) {
    return site.label.empty() ? std::string(element(site.z).symbol) : site.label;
}

// spg_standardize_cell returns types only, so labels have to be recovered. When every input
// site of an element carries one label, that label is the answer and no second spglib call is
// needed. Otherwise ("O1", "O2" on different orbits) each output site is traced back through
// spglib's dataset: output site → same position in the dataset's standardised cell (both come
// from the same idealised cell, so positions agree to round-off) → primitive atom → first
// input site mapping to it.
void assignLabels(const Structure& input, const SymmetryOptions& options, Structure& output) {
    std::map<int, std::set<std::string>> labelsByZ;
    for (const Site& site : input.sites()) labelsByZ[site.z].insert(fallbackLabel(site));
    bool unambiguous = true;
    for (const auto& [z, labels] : labelsByZ) unambiguous = unambiguous && labels.size() == 1;
    if (unambiguous) {
        for (Site& site : output.sites()) site.label = *labelsByZ.at(site.z).begin();
        return;
    }

    const detail::DatasetPtr dataset = detail::findDataset(input, options);
    std::vector<int> firstInputOfPrimitive;
    if (dataset) {
        for (int i = 0; i < dataset->n_atoms; ++i) {
            const auto p = static_cast<std::size_t>(dataset->mapping_to_primitive[i]);
            if (p >= firstInputOfPrimitive.size()) firstInputOfPrimitive.resize(p + 1, -1);
            if (firstInputOfPrimitive[p] < 0) firstInputOfPrimitive[p] = i;
        }
    }
    const Lattice stdLattice =
        dataset ? detail::latticeFromColumns(dataset->std_lattice) : output.lattice();
    const double tolerance = options.symprecA + 1e-3;  // Å
    for (Site& site : output.sites()) {
        site.label = element(site.z).symbol;
        if (!dataset) continue;
        const Eigen::Vector3d f = stdLattice.toFractional(output.lattice().toCartesian(site.frac));
        int best = -1;
        double bestDistance = std::numeric_limits<double>::infinity();
        for (int j = 0; j < dataset->n_std_atoms; ++j) {
            if (dataset->std_types[j] != site.z) continue;
            const Eigen::Vector3d g(dataset->std_positions[j][0], dataset->std_positions[j][1],
                                    dataset->std_positions[j][2]);
            const double d = stdLattice.minimumImageDistance(f, g);
            if (d < bestDistance) {
                bestDistance = d;
                best = j;
            }
        }
        if (best < 0 || bestDistance > tolerance) continue;
        const auto p = static_cast<std::size_t>(dataset->std_mapping_to_primitive[best]);
        if (p < firstInputOfPrimitive.size() && firstInputOfPrimitive[p] >= 0) {
            site.label =
                fallbackLabel(input.site(static_cast<std::size_t>(firstInputOfPrimitive[p])));
        }
    }
}

Structure standardize(const Structure& structure, const SymmetryOptions& options,
                      bool toPrimitive) {
    detail::checkOptions(options);
    // A conventional cell holds up to 4× the atoms of a primitive one (F centring), and spglib
    // writes it into the input arrays.
    detail::SpglibCell cell = detail::toSpglibCell(structure, toPrimitive ? 1 : 4);
    const int count =
        spgat_standardize_cell(cell.lattice, cell.positionArray(), cell.types.data(), cell.count,
                               toPrimitive ? 1 : 0, 0, options.symprecA, options.angleToleranceDeg);
    if (count <= 0) {
        throw ValueError(std::string("spglib could not build the standardised ") +
                         (toPrimitive ? "primitive" : "conventional") + " cell of structure '" +
                         structure.id() + "' (symprec " + std::to_string(options.symprecA) +
                         " Å): no space group found");
    }
    std::vector<Site> sites(static_cast<std::size_t>(count));
    for (std::size_t i = 0; i < sites.size(); ++i) {
        sites[i].z = cell.types[i];
        sites[i].frac = detail::wrapFractional(Eigen::Vector3d(
            cell.positions[3 * i], cell.positions[3 * i + 1], cell.positions[3 * i + 2]));
    }
    Structure result(detail::latticeFromColumns(cell.lattice), std::move(sites));
    result.setId(structure.id());
    result.properties() = structure.properties();
    assignLabels(structure, options, result);
    return result;
}

}  // namespace

Structure conventionalStandardCell(const Structure& structure, const SymmetryOptions& options) {
    return standardize(structure, options, false);
}

Structure primitiveStandardCell(const Structure& structure, const SymmetryOptions& options) {
    return standardize(structure, options, true);
}

Lattice niggliReducedLattice(const Lattice& lattice, double eps) {
    if (!(eps > 0) || !std::isfinite(eps)) {
        throw ValueError("Niggli tolerance eps must be positive, got " + std::to_string(eps));
    }
    double columns[3][3];
    const Eigen::Matrix3d& rows = lattice.matrix();
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) columns[i][j] = rows(j, i);
    if (spg_niggli_reduce(columns, eps) == 0) {
        throw ValueError("spglib's Niggli reduction failed (eps " + std::to_string(eps) + ")");
    }
    // Every Křivý–Gruber step in spglib is a unimodular matrix of determinant +1, so the
    // reduced basis has the input's handedness (the tests check it).
    return detail::latticeFromColumns(columns);
}

Structure niggliReducedCell(const Structure& structure, double eps) {
    const Lattice reduced = niggliReducedLattice(structure.lattice(), eps);
    Structure result(reduced, structure.sites());
    for (std::size_t i = 0; i < structure.size(); ++i) {
        const Site& site = structure.site(i);
        if (!site.frac.allFinite()) {
            throw ValueError("site " + std::to_string(i + 1) + " of structure '" + structure.id() +
                             "' has non-finite fractional coordinates");
        }
        result.sites()[i].frac =
            detail::wrapFractional(reduced.toFractional(structure.cartesian(i)));
    }
    result.setId(structure.id());
    result.properties() = structure.properties();
    return result;
}

}  // namespace cw
