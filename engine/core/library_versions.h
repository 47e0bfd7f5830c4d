#pragma once
/// @file Versions of the third-party libraries the engine was built with (for `cwb version`
/// and bug reports).

#include <string>
#include <utility>
#include <vector>

namespace cw {

/// {"spglib", "2.0.2"}, {"gemmi", "0.5.7"}, {"eigen", "3.4.0"}, {"zlib", …}: name and version.
std::vector<std::pair<std::string, std::string>> libraryVersions();

}  // namespace cw
