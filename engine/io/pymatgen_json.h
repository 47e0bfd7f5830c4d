#pragma once
/// @file pymatgen `Structure.as_dict()` JSON, the structure format of Materials Project and
/// Alexandria documents.

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "crystal/structure.h"

namespace cw {

/// Structure from a pymatgen Structure dict: `lattice.matrix` rows (Å), `sites[].abc`
/// fractional, `sites[].species[]` {element, occu} (several species = a disordered site, kept
/// as several sites at the same position), `sites[].label`. `where` names the source in errors
/// ("file.json:entry 17 (mp-1234)"). Throws FormatError naming `where` and the site.
Structure structureFromPymatgenDict(const nlohmann::json& dict, const std::string& where);

/// pymatgen dict of a structure (sites at the same position are written as separate sites).
nlohmann::json structureToPymatgenDict(const Structure& structure);

}  // namespace cw
