#pragma once
/// @file Three picked sites as users type them, the same on the command line (`cwb ecd
/// slice --picks`) and in the window (`crystal-workbench --pick`): "I,J,K" site indices from 0,
/// and optionally their cell translations "a,b,c;a,b,c;a,b,c" (zero when not given).

#include <string>

#include "ecd/plane.h"

namespace cw {

/// Parses `sites` and `translations` (may be empty). Spaces are ignored; whether an index
/// exists is the slicer's check. Throws ConfigError naming `sitesOption` / `translationsOption`
/// (the flag the user typed) and the text.
PickTriple parsePickTriple(const std::string& sites, const std::string& translations = {},
                           const std::string& sitesOption = "--picks",
                           const std::string& translationsOption = "--translations");

}  // namespace cw
