#pragma once
/// @file Reading the rows of a log that a running job appends to (metrics.csv, eval.csv): every
/// row the job writes ends with a newline, so a last line without one was cut off by a kill
/// mid-write and may hold incomplete fields even when they parse. It is left out.

#include <functional>
#include <string>
#include <string_view>

namespace cw {

/// Calls `onLine(line, lineNumber)` (1-based) for each newline-terminated line of `text`, a
/// trailing '\r' removed, empty lines skipped; the unterminated tail is dropped.
void forEachCompleteLine(std::string_view text,
                         const std::function<void(const std::string& line, int lineNumber)>& onLine);

}  // namespace cw
