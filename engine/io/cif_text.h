#pragma once
/// @file What the CIF reader needs of a block's text besides gemmi's parser: the tags it looks
/// up under each of their spellings, values found by tag with their lines, and the repairs of
/// how programs write coordinates, symmetry operations and space-group symbols. Internal to
/// engine/io (cif_reader.cpp).

#include <gemmi/cif.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cw::cif_text {

namespace gcif = gemmi::cif;

// Each quantity under its CIF 1.1 (DDL1) name, its DDLm/mmCIF-style name and, for symmetry,
// the magCIF names (two generations of them: magnetic.*.mcif in pymatgen's tests use both).
extern const std::vector<std::string> kSymopTags;
extern const std::vector<std::string> kMagneticSymopTags;
extern const std::vector<std::string> kMagneticCenteringTags;
extern const std::vector<std::string> kSuperspaceTags;
extern const std::vector<std::string> kHermannMauguinTags;
extern const std::vector<std::string> kHallTags;
extern const std::vector<std::string> kNumberTags;
extern const std::vector<std::string> kBnsTags;
extern const std::vector<std::string> kParentNumberTags;

/// A tag found in a block: a pair, or one column of a loop.
struct Found {
    const gcif::Item* item = nullptr;
    int column = 0;
    std::string tag;

    explicit operator bool() const { return item != nullptr; }
    int line() const { return item ? item->line_number : 0; }
    std::vector<std::string> rawValues() const;
};

/// The first of `spellings` present in `block` (case-insensitive), as a pair or a loop column.
Found findTag(const gcif::Block& block, const std::vector<std::string>& spellings);
/// The first non-null value of a tag, unquoted; empty when absent or null.
std::string firstValue(const Found& found);
std::string trim(std::string_view s);

/// Coordinates written to a few decimals without an uncertainty (0.3333, 0.6667) stand for exact
/// thirds, sixths or twelfths; left as written, their symmetry images miss each other by about
/// 1e-4 and are not merged (pymatgen's cif_finite_precision_frac_coord_error.cif). Values with an
/// uncertainty were refined and are kept; 17-digit values (our own writer) never snap.
double snapShortDecimal(const std::string& text, double value);
/// One unit in the last decimal of a number as written: "0.3333" → 1e-4, "0.16083(4)" → 1e-5,
/// "1.5e-3" → 1e-4; 0 for integers and '.' (exact).
double writtenPrecision(const std::string& text);
/// magCIF appends the time reversal (",+1" or ",-1") and sometimes more after the three
/// coordinates; the atom positions need only the spatial part.
std::string spatialPart(const std::string& triplet);
/// gemmi's triplet parser takes fractions only; some programs write "x+0.5" or "-y+0.3333".
/// Returns nullopt when a decimal is no multiple of 1/24 (gemmi's denominator).
std::optional<std::string> decimalsToFractions(const std::string& s);
/// International-table symbols as CIFs write them, in the spelling gemmi's table knows:
/// "P 6_3/m m c" → "P 63/m m c", "P 4/n m m (origin choice 2)" and ICSD's "F d -3 m Z" → ":2",
/// ICSD's "R -3 H" / "R -3 c R" → ":H" / ":R".
std::string normaliseHermannMauguin(std::string hm);
/// A short human-readable number for messages: 120, 5.64, 1.556.
std::string shortNumber(double value);
/// `text` as an integer when it is one (below 10⁶ in size), else `fallback`.
int integerOr(const std::string& text, int fallback);
/// Special labels and type symbols that pymatgen also understands (water, deuterium).
std::optional<int> specialSymbol(const std::string& symbol);
/// Deuterium written as a label or type that starts with D and names no element ("D1", "Dw",
/// "DWH1", "D0"): hydrogen (Z = 1), as pymatgen reads it.
std::optional<int> hydrogenIsotope(const std::string& symbol);

/// A parse error at the end of the file, said as what a user can act on: the last tag left
/// without its value, else gemmi's reason, with the line the file stops at.
std::string truncationReason(const std::string& text, const std::string& gemmiReason);

}  // namespace cw::cif_text
