#pragma once
/// @file Whitespace-separated fields of text formats (POSCAR, extended XYZ): strict number
/// parsing that rejects partial matches ("1.5x") instead of reading a prefix.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cw::textfields {

/// Words of `line` split on spaces and tabs.
std::vector<std::string> splitWords(std::string_view line);

/// The whole token as a double, or nullopt. Accepts a leading '+', Fortran's 'D' exponent
/// ("0.5D+00") and "nan"/"inf" (callers reject non-finite values with their own message).
std::optional<double> parseNumber(std::string_view token);

/// The whole token as an integer, or nullopt.
std::optional<long> parseInteger(std::string_view token);

/// Shortest text that reads back to exactly `value`: 17 significant digits ("%.17g"), and
/// "0" rather than "-0". `width` pads on the left.
std::string formatDouble(double value, int width = 0);

}  // namespace cw::textfields
