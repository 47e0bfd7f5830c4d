#pragma once
/// @file Space-group analysis with spglib.

#include <string>

#include "crystal/structure.h"

namespace cw {

/// Tolerances of spglib. Defaults follow pymatgen's SpacegroupAnalyzer and xtal2png:
/// symprec 0.01 Å, angle tolerance 5°.
struct SymmetryOptions {
    double symprecA = 0.01;
    double angleToleranceDeg = 5.0;  ///< negative: spglib's own default
};

/// What spglib found. number 0 means spglib found no space group (it failed).
struct SpaceGroupInfo {
    int number = 0;
    std::string international;      ///< Hermann–Mauguin short symbol, e.g. "Fm-3m"
    std::string internationalFull;  ///< e.g. "F 4/m -3 2/m"
    std::string hallSymbol;         ///< e.g. "-F 4 2 3"
    int hallNumber = 0;             ///< 1…530
    std::string pointGroup;         ///< e.g. "m-3m"
    std::string crystalSystem;      ///< "cubic", "hexagonal", …
};

/// Space group of an ordered structure. Sites are typed by atomic number (occupancies are
/// ignored: check Structure::isOrdered first for disordered input). Throws ValueError for an
/// empty structure. Thread-safe (spglib keeps no state between calls that we rely on).
SpaceGroupInfo analyzeSpaceGroup(const Structure& structure, const SymmetryOptions& options = {});

/// Crystal system name for a space-group number 1…230 ("triclinic" … "cubic").
std::string crystalSystemOf(int spaceGroupNumber);

}  // namespace cw
