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
    /// _space_group_IT_number / _symmetry_Int_Tables_number; 0 if absent.
    int declaredSpaceGroupNumber = 0;
    /// _space_group_name_H-M_alt / _symmetry_space_group_name_H-M, unquoted.
    std::string declaredHermannMauguin;
    /// _space_group_name_Hall / _symmetry_space_group_name_Hall, unquoted.
    std::string declaredHall;
    int symmetryOperationCount = 0;  ///< distinct operations used to expand the asymmetric unit
    bool disordered = false;         ///< partial occupancies or sites sharing a position
    /// Where the operations came from: "operations (_symmetry_equiv_pos_as_xyz)", "Hall symbol",
    /// "H-M symbol", "IT number", "magnetic operations (…)" or "none (P 1)".
    std::string symmetrySource;
    /// Space-group number of the operations used (gemmi's table of 530 settings); 0 when they
    /// form no tabulated setting. Useful when a block declares a symbol but no number.
    int symmetrySpaceGroupNumber = 0;
    /// Magnetic CIFs (.mcif): _space_group_magn.number_BNS, e.g. "62.448"; empty otherwise.
    std::string declaredMagneticBns;
    /// Magnetic CIFs: _parent_space_group.IT_number (the non-magnetic parent); 0 if absent.
    int declaredParentSpaceGroupNumber = 0;
    /// Asymmetric-unit sites that lay within their coordinates' written precision of a special
    /// position, off it, and were moved onto it (unit_cell_expansion.h); 0 for exact files.
    int sitesMovedToSpecialPositions = 0;
    /// The largest of those moves (Å).
    double largestSpecialPositionShiftA = 0;
    /// What the reader repaired or guessed in this block, one sentence each (a damaged
    /// operation loop replaced by the named group, non-ASCII bytes blanked). Empty normally.
    std::vector<std::string> warnings;
};

/// One structure read from a CIF block.
struct CifStructure {
    Structure structure;  ///< id = block name
    CifBlockInfo info;
};

/// Reads every block that holds atoms. The asymmetric unit is expanded with the block's
/// symmetry operations (preferred; _space_group_symop_operation_xyz, _symmetry_equiv_pos_as_xyz
/// or magCIF's operations × centrings, time reversal ignored) or else its Hall symbol, its H-M
/// symbol or its IT number; a block with none of them is P1. A site that lies on a special
/// position to the precision its coordinates were written with (four decimals: ±1e-4) is moved
/// onto it, so that its images coincide; images of one site closer than that precision allows
/// (at least `mergeToleranceA` Å, at most 0.1 Å, periodic) are merged, as are two listed sites
/// of one element on one position whose occupancies would exceed 1 together (the same atom
/// written twice); other sites that share a position are kept with their occupancies
/// (disorder). Fractional
/// coordinates are wrapped into [0, 1); values written to 3–8 decimals without an uncertainty
/// that lie within the last digit of a twelfth (0.3333, 0.6667) are taken as that fraction.
/// The lattice is rebuilt from a, b, c, α, β, γ with Lattice::fromParameters. Elements come from
/// _atom_site_type_symbol ("Fe3+" is Fe) or else from the label ("Fe1a").
///
/// A block with no atom sites is skipped. A block that fails is reported in `problems` and
/// skipped when other blocks give structures; when none does, the first failure is thrown.
/// Thread-safe (no shared state).
/// Throws IoError (unreadable file) or FormatError naming the file, the line and block
/// ("line 12 (data_NaCl)") and the reason: syntax error or truncated file, missing cell
/// parameter, zero or negative cell volume, unknown element, missing or non-finite coordinate,
/// occupancy outside 0…1 or above 1 in total on a position, unparsable symmetry operation or
/// Hall symbol, unknown space-group symbol, incommensurate (superspace) structure, or a file
/// without any atom sites.
std::vector<CifStructure> readCifBlocks(const std::string& path, ProblemLog* problems = nullptr,
                                        double mergeToleranceA = 1e-3);

/// Same from text in memory; `sourceName` is used in error messages. Throws FormatError, or
/// ValueError for a negative `mergeToleranceA`.
std::vector<CifStructure> parseCifBlocks(const std::string& text, const std::string& sourceName,
                                         ProblemLog* problems = nullptr,
                                         double mergeToleranceA = 1e-3);

/// A P1 CIF of the structure (all sites, occupancies, symmetry loop with x,y,z, space group
/// number 1) that gemmi and pymatgen read back exactly (coordinates with 17 significant digits).
/// The block is data_<id> (whitespace → '_', "structure" when the id is empty); cell lengths in
/// Å and angles in degrees; fractional coordinates as stored (not wrapped). Labels are kept
/// when unique, else made unique ("Na1", "Na1_2", …; element symbol and index when empty).
/// Thread-safe. Throws ValueError for a structure without sites or with non-finite coordinates.
std::string toCifText(const Structure& structure);

/// Writes toCifText atomically (temporary file + rename). Throws IoError or ValueError.
void writeCif(const std::string& path, const Structure& structure);

/// Several structures as several data blocks in one file (block names made unique).
/// Throws IoError or ValueError.
void writeCif(const std::string& path, const std::vector<Structure>& structures);

/// The text writeCif(path, structures) writes. Throws ValueError as toCifText.
std::string toCifText(const std::vector<Structure>& structures);

}  // namespace cw
