#pragma once
/// @file The built-in 5×7 bitmap font of the charts (printable ASCII) and the UTF-8 → ASCII
/// transliteration that lets it spell the science characters of labels (Å, σ, ², ≤, …).

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace cw {

/// The 5 columns of the glyph of `c`, left to right; bit r (0 = top) of a column is row r of the
/// 9-row cell: capitals fill rows 0–6, descenders (g j p q y) reach rows 7–8. Characters outside
/// printable ASCII (32–126) get the glyph of '?'. Thread-safe.
const std::array<std::uint16_t, 5>& glyphColumns(char c);

/// The closest ASCII spelling of UTF-8 text: Å → A, σ → sigma, ² → ^2, ≤ → <=, × → x, · → .,
/// − → -, μ → u, λ → lambda, ° → deg, – and — → -, subscript digits → digits; printable ASCII is
/// kept, tabs and newlines become spaces, anything else (and malformed UTF-8) becomes '?'.
/// Thread-safe.
std::string transliterateToAscii(std::string_view utf8);

}  // namespace cw
