#pragma once
// Element colours of the 3D view and its legend. "Jmol" is the CPK table every viewer uses;
// "distinct" keeps it where it works and recolours elements of one crystal whose Jmol colours
// are too alike to tell apart (Fe and P are both orange, Ba and Ca both green): the heavier of a
// close pair takes the palette colour farthest from those in use. Qt-free.

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace cw {

enum class ElementColorScheme { Jmol, Distinct };

using Rgb = std::array<std::uint8_t, 3>;

/// "jmol" / "distinct"; parseElementColorScheme throws ValueError for anything else.
std::string elementColorSchemeName(ElementColorScheme scheme);
ElementColorScheme parseElementColorScheme(const std::string& name);

/// Colours for the elements `zs` of one crystal under `scheme` (every z of `zs` is a key).
std::map<int, Rgb> elementColors(const std::vector<int>& zs, ElementColorScheme scheme);

/// CIE76 colour difference ΔE*ab of two sRGB colours (D65): about 2 is just noticeable; the
/// distinct scheme keeps every pair of one crystal at least kDistinctDeltaE apart.
double colorDifference(const Rgb& a, const Rgb& b);
inline constexpr double kDistinctDeltaE = 30.0;

}  // namespace cw
