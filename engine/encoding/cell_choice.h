#pragma once
/// @file What every image encoding of a crystal shares (xtal2png, CrysTens and their compact
/// variants): the header width, the site capacity and padded image side, the cell that is
/// encoded, and the check that a structure fits. Layout rules: docs/spec/encodings.md.

#include <string>

#include "crystal/structure.h"
#include "symmetry/space_group.h"

namespace cw {

/// Site s owns row and column 12 + s; 12 header features per site.
inline constexpr int kEncodingHeaderWidth = 12;
/// The 64 × 64 images of xtal2png and CrysTens hold at most 52 sites.
inline constexpr int kEncodingMaxSites = 52;

/// The cell that is encoded: the structure as given (the upstream default), or spglib's
/// standardised primitive or conventional cell, or the Niggli-reduced cell.
enum class CellChoice { AsIs, Primitive, Conventional, Niggli };

/// "as-is", "primitive", "conventional", "niggli". Throws ConfigError naming the choices.
CellChoice parseCellChoice(const std::string& name);
/// The name parseCellChoice reads.
const char* cellChoiceName(CellChoice choice);

/// The structure in the chosen cell (standardisation at `symmetry`'s tolerances). Throws
/// ValueError if spglib fails. Thread-safe.
Structure applyCellChoice(const Structure& structure, CellChoice choice,
                          const SymmetryOptions& symmetry = {0.01, kPymatgenAngleToleranceDeg});

/// Checks that a structure can be encoded in an image for `maxSites` sites: non-empty, at most
/// maxSites sites, every occupancy 1 (xtal2png and CrysTens hold one element per site).
/// Throws ValueError naming the structure id and the reason.
void checkEncodable(const Structure& structure, int maxSites, const char* encodingName);

/// The image side of an encoding for `maxSites` sites: the header plus the sites (12 + maxSites)
/// rounded up to a multiple of 16 and at least 32, what the UNet's down-sampling needs
/// (52 sites → 64, 20 → 32, 5 → 32). Throws ConfigError for maxSites < 1.
int paddedEncodingSide(int maxSites);

}  // namespace cw
