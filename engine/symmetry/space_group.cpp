#include "symmetry/space_group.h"

#include <cstring>
#include <string>

#include "core/error.h"
#include "symmetry/spglib_cell.h"

namespace cw {

SpaceGroupInfo analyzeSpaceGroup(const Structure& structure, const SymmetryOptions& options) {
    const detail::DatasetPtr dataset = detail::findDataset(structure, options);
    SpaceGroupInfo info;
    // spglib gives up on e.g. atoms closer than symprec; callers screening thousands of
    // structures want a "no space group" answer there, not an exception.
    if (!dataset || dataset->spacegroup_number == 0) return info;

    info.number = dataset->spacegroup_number;
    info.hallNumber = dataset->hall_number;
    // The symbols come from spglib's table for the Hall number rather than the dataset so that
    // short and full symbols, Schoenflies and point group all describe the same setting.
    const SpglibSpacegroupType type = spg_get_spacegroup_type(dataset->hall_number);
    info.international = type.international_short;
    info.internationalFull = type.international_full;
    info.hallSymbol = type.hall_symbol;
    info.pointGroup = type.pointgroup_international;
    info.schoenflies = type.schoenflies;
    info.choice = type.choice;
    info.crystalSystem = crystalSystemOf(info.number);

    info.operations.resize(static_cast<std::size_t>(dataset->n_operations));
    for (int k = 0; k < dataset->n_operations; ++k) {
        SymmetryOperation& op = info.operations[static_cast<std::size_t>(k)];
        for (int i = 0; i < 3; ++i) {
            for (int j = 0; j < 3; ++j) op.rotation(i, j) = dataset->rotations[k][i][j];
            op.translation[i] = dataset->translations[k][i];
        }
    }
    const auto n = static_cast<std::size_t>(dataset->n_atoms);
    info.wyckoffLetters.resize(n);
    info.siteSymmetries.resize(n);
    info.equivalentAtoms.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        info.wyckoffLetters[i] = static_cast<char>('a' + dataset->wyckoffs[i]);
        const char* symbol = dataset->site_symmetry_symbols[i];
        info.siteSymmetries[i].assign(symbol,
                                      strnlen(symbol, sizeof dataset->site_symmetry_symbols[i]));
        info.equivalentAtoms[i] = dataset->equivalent_atoms[i];
    }
    return info;
}

std::string crystalSystemOf(int number) {
    if (number == 0) return "";
    if (number < 0 || number > 230) {
        throw ValueError("space-group number must be 1…230, got " + std::to_string(number));
    }
    if (number <= 2) return "triclinic";
    if (number <= 15) return "monoclinic";
    if (number <= 74) return "orthorhombic";
    if (number <= 142) return "tetragonal";
    if (number <= 167) return "trigonal";
    if (number <= 194) return "hexagonal";
    return "cubic";
}

}  // namespace cw
