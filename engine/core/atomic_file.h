#pragma once
/// @file Atomic file writes: readers never see a half-written file, and a crash mid-write
/// leaves the previous version intact.

#include <string>
#include <string_view>

namespace cw {

/// Writes `content` to a temporary file beside `path`, flushes it and renames it over `path`.
/// Creates missing parent directories. Throws IoError naming the path and the reason.
void writeFileAtomically(const std::string& path, std::string_view content);

/// Reads a whole (uncompressed) file. Throws IoError.
std::string readFileToString(const std::string& path);

}  // namespace cw
