#include "symmetry/space_group.h"

#include <Eigen/Geometry>
#include <cstdio>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <string>

#include "core/error.h"
#include "crystal/close_pairs.h"
#include "crystal/elements.h"
#include "symmetry/spglib_cell.h"

namespace cw {
namespace {

/// Sites closer than this (Å) share a position: the convention of Structure::isOrdered.
constexpr double kSharedPositionA = 1e-3;

/// The structure as spglib sees it: one atom per position, typed by what the position holds.
/// An ordered site keeps its atomic number as type; a position with partial occupancy or
/// several species gets a type of its own per distinct content (pymatgen's SpacegroupAnalyzer
/// does the same with species-and-occupancy dictionaries), so a disordered crystal has the
/// group of its average structure, the one its file declares.
struct AnalysisCell {
    detail::SpglibCell cell;
    std::vector<int> atomOfSite;     ///< per input site: its spglib atom
    std::vector<int> firstSiteOfAtom;  ///< per spglib atom: the first input site on it
};

AnalysisCell analysisCell(const Structure& structure, double symprecA) {
    AnalysisCell result;
    const std::size_t n = structure.size();
    // Union of sites that share a position (the first site of a group represents it). Two
    // partly occupied sites closer than symprec are one disordered position too: files written
    // to four decimals put the alternatives of a split hydrogen 1–3 mÅ apart.
    std::vector<std::size_t> group(n);
    for (std::size_t i = 0; i < n; ++i) group[i] = i;
    auto root = [&](std::size_t i) {
        while (group[i] != i) i = group[i] = group[group[i]];
        return i;
    };
    const PeriodicNearTest near(structure.lattice());
    const double widest = std::max(kSharedPositionA, symprecA);
    for (const auto& [i, j] : closeSitePairs(structure.sites(), near, widest)) {
        const bool partial = structure.site(i).occupancy < 1 - 1e-6 ||
                             structure.site(j).occupancy < 1 - 1e-6;
        if (!partial && !near(structure.site(i).frac, structure.site(j).frac, kSharedPositionA)) {
            continue;
        }
        const std::size_t a = root(i), b = root(j);
        group[std::max(a, b)] = std::min(a, b);  // the first site of a group stays its root
    }
    for (std::size_t i = 0; i < n; ++i) group[i] = root(i);
    std::map<std::size_t, std::vector<std::pair<int, long>>> content;  // group → (Z, occ·10⁴)
    for (std::size_t i = 0; i < n; ++i) {
        const Site& site = structure.site(i);
        content[group[i]].emplace_back(site.z, std::lround(site.occupancy * 1e4));
    }
    std::map<std::vector<std::pair<int, long>>, int> compositeTypes;
    std::map<std::size_t, int> atomOfGroup;
    Structure positions(structure.lattice(), {});
    positions.setId(structure.id());
    std::vector<int> types;
    for (std::size_t i = 0; i < n; ++i) {
        if (atomOfGroup.count(group[i])) continue;
        std::vector<std::pair<int, long>> key = content[group[i]];
        std::sort(key.begin(), key.end());
        int type = key.front().first;
        if (key.size() > 1 || key.front().second != 10000) {
            const auto [it, added] =
                compositeTypes.emplace(key, 1000 + static_cast<int>(compositeTypes.size()));
            type = it->second;
        }
        atomOfGroup[group[i]] = static_cast<int>(types.size());
        result.firstSiteOfAtom.push_back(static_cast<int>(i));
        types.push_back(type);
        positions.addSite(structure.site(i));
    }
    result.cell = detail::toSpglibCell(positions);
    result.cell.types = types;
    for (std::size_t i = 0; i < n; ++i) result.atomOfSite.push_back(atomOfGroup[group[i]]);
    return result;
}

/// Why spglib found nothing: atoms closer than symprec are the usual cause.
std::string noGroupReason(const Structure& structure, const SymmetryOptions& options) {
    std::string reason = "spglib found no space group at symprec " +
                         std::to_string(options.symprecA).substr(0, 6) + " Å";
    const PeriodicNearTest near(structure.lattice());
    double closest = std::numeric_limits<double>::infinity();
    std::pair<std::size_t, std::size_t> pair{0, 0};
    for (const auto& [i, j] : closeSitePairs(structure.sites(), near, options.symprecA)) {
        const double d = structure.lattice().minimumImageDistance(structure.site(i).frac,
                                                                  structure.site(j).frac);
        if (d >= kSharedPositionA && d < closest) {
            closest = d;
            pair = {i, j};
        }
    }
    if (std::isfinite(closest)) {
        auto name = [&](std::size_t i) {
            const Site& s = structure.site(i);
            return (s.label.empty() ? std::string(element(s.z).symbol) : s.label) + " (site " +
                   std::to_string(i + 1) + ")";
        };
        char distance[32];
        std::snprintf(distance, sizeof distance, "%.4g", closest);
        reason += ": " + name(pair.first) + " and " + name(pair.second) + " are " + distance +
                  " Å apart, closer than symprec but not on one position";
    }
    return reason;
}

}  // namespace

/// The cell's smallest height (Å): its volume over its largest face.
static double smallestHeight(const Lattice& lattice) {
    const Eigen::Matrix3d& m = lattice.matrix();
    double largestFace = 0;
    for (int i = 0; i < 3; ++i)
        largestFace = std::max(largestFace, Eigen::Vector3d(m.row((i + 1) % 3))
                                                .cross(Eigen::Vector3d(m.row((i + 2) % 3)))
                                                .norm());
    return largestFace > 0 ? std::abs(lattice.volume()) / largestFace : 0.0;
}

SpaceGroupInfo analyzeSpaceGroup(const Structure& structure, const SymmetryOptions& options) {
    detail::checkOptions(options);
    detail::checkCellInput(structure);  // before the close-pair search reads the coordinates
    // spglib crashes (segfault in its space-group search, 2.0) on cells flatter than symprec,
    // which generated crystals produce; no symmetry is meaningful there anyway.
    if (const double height = smallestHeight(structure.lattice()); !(height >= options.symprecA)) {
        SpaceGroupInfo info;
        char text[160];
        std::snprintf(text, sizeof text,
                      "the cell is %.3g Å thick in one direction, less than symprec %.3g Å: no symmetry "
                      "can be found",
                      height, options.symprecA);
        info.failure = text;
        return info;
    }
    AnalysisCell analysed = analysisCell(structure, options.symprecA);
    detail::SpglibCell& cell = analysed.cell;
    const detail::DatasetPtr dataset(
        spgat_get_dataset(cell.lattice, cell.positionArray(), cell.types.data(), cell.count,
                          options.symprecA, options.angleToleranceDeg));
    SpaceGroupInfo info;
    // spglib gives up on e.g. atoms closer than symprec; callers screening thousands of
    // structures want a "no space group" answer with its reason there, not an exception.
    if (!dataset || dataset->spacegroup_number == 0) {
        info.failure = noGroupReason(structure, options);
        return info;
    }

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
    const std::size_t n = structure.size();
    info.wyckoffLetters.resize(n);
    info.siteSymmetries.resize(n);
    info.equivalentAtoms.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        const int atom = analysed.atomOfSite[i];
        info.wyckoffLetters[i] = static_cast<char>('a' + dataset->wyckoffs[atom]);
        const char* symbol = dataset->site_symmetry_symbols[atom];
        info.siteSymmetries[i].assign(symbol,
                                      strnlen(symbol, sizeof dataset->site_symmetry_symbols[atom]));
        info.equivalentAtoms[i] = analysed.firstSiteOfAtom[dataset->equivalent_atoms[atom]];
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

namespace cw {

namespace {
std::string compactSymbol(std::string_view symbol) {
    std::string out;
    for (const char c : symbol)
        if (c != ' ' && c != '_') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}
}  // namespace

int spaceGroupNumberOfSymbol(std::string_view symbol) {
    // Every Hall setting's short and full symbols, built once (spglib's own tables).
    static const std::map<std::string, int> numbers = [] {
        std::map<std::string, int> m;
        for (int hall = 1; hall <= 530; ++hall) {
            const SpglibSpacegroupType type = spg_get_spacegroup_type(hall);
            if (type.number == 0) continue;
            m.emplace(compactSymbol(type.international_short), type.number);
            m.emplace(compactSymbol(type.international_full), type.number);
            m.emplace(compactSymbol(type.international), type.number);
        }
        return m;
    }();
    const auto found = numbers.find(compactSymbol(symbol));
    return found == numbers.end() ? 0 : found->second;
}

}  // namespace cw
