#pragma once
/// @file Names as users and data sets spell them: comma-separated lists (--target "band_gap,
/// density", conditioning columns "space_group,nsites") and names made safe for file names.

#include <string>
#include <vector>

namespace cw {

/// Splits "band_gap, density" into trimmed names; empty items (",,", a trailing comma) are dropped.
std::vector<std::string> splitNameList(const std::string& text);

/// The names joined by commas, as splitNameList reads them back ("band_gap,density").
std::string joinNameList(const std::vector<std::string>& names);

/// `name` with every character other than A–Z, a–z, 0–9, '-', '.' and '_' replaced by '_', for a
/// file name made of a material id or a property name ("mp-1/2 x" → "mp-1_2_x").
std::string fileSafeName(const std::string& name);

}  // namespace cw
