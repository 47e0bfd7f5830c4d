#pragma once
/// @file CIF reading (through gemmi) and writing (P1).

#include <string>
#include <vector>

#include "core/problem_log.h"
#include "crystal/structure.h"

namespace cw {

/// What a CIF block says about itself, beside the expanded structure.
struct CifBlockInfo {
    std::string blockName;
    int declaredSpaceGroupNumber = 0;     ///< _space_group_IT_number / _symmetry_Int_Tables_number; 0 if absent
    std::string declaredHermannMauguin;   ///< _space_group_name_H-M_alt / _symmetry_space_group_name_H-M
    std::string declaredHall;             ///< _space_group_name_Hall / _symmetry_space_group_name_Hall
    int symmetryOperationCount = 0;       ///< operations used to expand the asymmetric unit
    bool disordered = false;              ///< partial occupancies or sites sharing a position
};

/// One structure read from a CIF block.
struct CifStructure {
    Structure structure;  ///< id = block name
    CifBlockInfo info;
};

/// Reads every block that holds atoms. The asymmetric unit is expanded with the block's
/// symmetry operations (preferred) or its Hall / H-M symbol; images closer than `mergeToleranceA`
/// (same species) are merged; occupancies are kept. A block that fails is reported in
/// `problems` and skipped when the file has several blocks; a one-block file throws.
/// Throws IoError (unreadable file) or FormatError (file, line or block, reason).
std::vector<CifStructure> readCifBlocks(const std::string& path, ProblemLog* problems = nullptr,
                                        double mergeToleranceA = 1e-3);

/// Same from text in memory; `sourceName` is used in error messages.
std::vector<CifStructure> parseCifBlocks(const std::string& text, const std::string& sourceName,
                                         ProblemLog* problems = nullptr,
                                         double mergeToleranceA = 1e-3);

/// A P1 CIF of the structure (all sites, occupancies, symmetry loop with x,y,z, space group
/// number 1) that gemmi and pymatgen read back exactly (coordinates with 17 significant digits).
std::string toCifText(const Structure& structure);

/// Writes toCifText atomically (temporary file + rename). Throws IoError.
void writeCif(const std::string& path, const Structure& structure);

/// Several structures as several data blocks in one file.
void writeCif(const std::string& path, const std::vector<Structure>& structures);

}  // namespace cw
