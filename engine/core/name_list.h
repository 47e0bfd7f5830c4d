#pragma once
/// @file Comma-separated lists of names as users type them: --target "band_gap, density",
/// conditioning columns "space_group,nsites".

#include <string>
#include <vector>

namespace cw {

/// Splits "band_gap, density" into trimmed names; empty items (",,", a trailing comma) are dropped.
std::vector<std::string> splitNameList(const std::string& text);

}  // namespace cw
