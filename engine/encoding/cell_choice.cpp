#include "encoding/cell_choice.h"

#include <algorithm>
#include <cstdio>

#include "core/error.h"
#include "crystal/elements.h"
#include "symmetry/standardize.h"

namespace cw {

CellChoice parseCellChoice(const std::string& name) {
    if (name == "as-is") return CellChoice::AsIs;
    if (name == "primitive") return CellChoice::Primitive;
    if (name == "conventional") return CellChoice::Conventional;
    if (name == "niggli") return CellChoice::Niggli;
    throw ConfigError("unknown cell choice '" + name +
                      "' (choose as-is, primitive, conventional or niggli)");
}

const char* cellChoiceName(CellChoice choice) {
    switch (choice) {
    case CellChoice::AsIs: return "as-is";
    case CellChoice::Primitive: return "primitive";
    case CellChoice::Conventional: return "conventional";
    case CellChoice::Niggli: return "niggli";
    }
    return "as-is";
}

Structure applyCellChoice(const Structure& structure, CellChoice choice, const SymmetryOptions& symmetry) {
    switch (choice) {
    case CellChoice::AsIs: return structure;
    case CellChoice::Primitive: return primitiveStandardCell(structure, symmetry);
    case CellChoice::Conventional: return conventionalStandardCell(structure, symmetry);
    case CellChoice::Niggli: return niggliReducedCell(structure);
    }
    return structure;
}

void checkEncodable(const Structure& structure, int maxSites, const char* encodingName) {
    const std::string who = structure.id().empty() ? std::string("structure") : "structure '" + structure.id() + "'";
    if (structure.size() == 0) throw ValueError(who + " has no sites: nothing to encode with " + encodingName);
    if (structure.size() > static_cast<std::size_t>(maxSites)) {
        throw ValueError(who + " has " + std::to_string(structure.size()) + " sites; " + encodingName +
                         " holds at most " + std::to_string(maxSites) +
                         " (choose --cell primitive, or raise --max-sites where supported)");
    }
    for (std::size_t i = 0; i < structure.size(); ++i) {
        const Site& site = structure.site(i);
        if (site.occupancy != 1.0) {
            char occ[32];
            std::snprintf(occ, sizeof occ, "%.4g", site.occupancy);
            throw ValueError(who + " is disordered: site " + std::to_string(i) + " (" + element(site.z).symbol +
                             ") has occupancy " + occ + "; " + encodingName +
                             " encodes one fully occupied element per site (order the structure first)");
        }
    }
}

int paddedEncodingSide(int maxSites) {
    if (maxSites < 1) throw ConfigError("an encoding needs room for at least one site");
    const int side = kEncodingHeaderWidth + maxSites;
    return std::max(32, (side + 15) / 16 * 16);
}

}  // namespace cw
