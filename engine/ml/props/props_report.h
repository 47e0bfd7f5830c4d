#pragma once
/// @file `cwb props report`: a finished property run's results as files a person reads
/// (torch-free): results.md (a metrics table per split), results.json (RUN/results.json), and
/// per target a parity plot (predicted against true, test split, y = x drawn) and a histogram
/// of the errors, each as PNG and SVG, plus the loss curves.

#include <string>
#include <vector>

namespace cw::ml {

/// The markdown table of a run's results (RUN/results.json). Throws IoError, FormatError.
std::string propsResultsMarkdown(const std::string& runDir);

/// Writes results.md, results.json, loss.{png,svg}, parity-TARGET.{png,svg} and
/// errors-TARGET.{png,svg} (test split; the validation split when the run has no test items)
/// into `outDir` (created). Returns the paths written. Throws IoError (no results yet),
/// FormatError.
std::vector<std::string> writePropsReport(const std::string& runDir, const std::string& outDir);

}  // namespace cw::ml
