#pragma once
/// @file VASP POSCAR / CONTCAR (VASP 4 and 5).

#include <istream>
#include <string>

#include "crystal/structure.h"

namespace cw {

/// Reads a POSCAR or CONTCAR (plain or .gz): VASP 5 (species line) or VASP 4 (species from the
/// comment line, or from a POTCAR beside the file); direct or Cartesian coordinates; a scale
/// factor, negative meaning the target cell volume (Å³), or three scale factors; selective
/// dynamics flags are accepted and dropped. Velocities and predictor blocks after the
/// coordinates are ignored. The id is the file name.
/// Throws IoError, FormatError (file, line, reason; a zero-volume cell included).
Structure readPoscar(const std::string& path);

/// Parses POSCAR text; `sourceName` names it in errors. No POTCAR is looked for, and the id is
/// left empty. Throws FormatError (sourceName, line, reason).
Structure parsePoscar(std::istream& in, const std::string& sourceName);

/// VASP 5 POSCAR text, direct coordinates, scale 1.0, 17 significant digits. Site order is
/// kept: consecutive runs of one species form a group, and a species may appear in several
/// groups ("Na Cl Na Cl / 1 1 1 1"), which VASP and pymatgen accept. The comment line is the
/// full formula and the id. Occupancies cannot be written (a disordered site becomes several
/// atoms). Throws ValueError for a structure with no sites.
std::string toPoscarText(const Structure& structure);

/// Writes toPoscarText atomically. Throws IoError.
void writePoscar(const std::string& path, const Structure& structure);

}  // namespace cw
