#pragma once
/// @file Versions of the third-party libraries the engine was built with (for `cwb version`
/// and bug reports).

#include <string>
#include <utility>
#include <vector>

namespace cw {

/// Crystal Workbench's version: the one number of CMakeLists.txt's project(), shared by `cwb
/// version`, the window's About and the package.
std::string workbenchVersion();

/// {"spglib", "2.0.2"}, {"gemmi", "0.5.7"}, {"eigen", "3.4.0"}, {"zlib", …}: name and version.
std::vector<std::pair<std::string, std::string>> libraryVersions();

}  // namespace cw
