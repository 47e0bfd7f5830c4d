#pragma once
/// @file Whole integers as users type them in options ("--per-structure 12").

#include <string>

namespace cw {

/// The integer `text` spells exactly (no trailing characters). Throws ConfigError
/// "WHAT: 'TEXT' is not an integer".
int parseInteger(const std::string& text, const std::string& what);

}  // namespace cw
