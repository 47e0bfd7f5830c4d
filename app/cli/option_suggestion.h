#pragma once
// "Did you mean --json?": the nearest known option for a mistyped one.

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

namespace cw::cli {

/// For the first argument in argv that looks like an option ("--xyz") and that no (sub)command
/// of `app` defines, the closest defined option name by edit distance (at most 3 edits).
/// Returns "--jsno → --json" style pairs: first = typed, second = suggestion.
std::optional<std::pair<std::string, std::string>> suggestOption(const CLI::App& app, int argc,
                                                                 char** argv);

}  // namespace cw::cli
