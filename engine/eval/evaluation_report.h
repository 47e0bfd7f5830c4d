#pragma once
/// @file Writing an evaluation as a report folder: report.json (every figure, with the
/// extractor and image counts), counts.csv, neighbours.csv, and figures as PNG and SVG:
/// counts.{png,svg} (atoms-per-slice histograms overlaid, KS and W1 in the corner) and
/// neighbours.png (each generated image beside its nearest training image, closest first).

#include <string>

#include "eval/evaluation.h"

namespace cw {

/// Where the images came from, for the report.
struct ReportSources {
    std::string real;       ///< path as given
    std::string generated;  ///< path as given
    std::string split;      ///< of the real data set
};

/// report.json's content (pretty-printed JSON text). With the images given, per-image names
/// join the counts and the neighbour list (writeEvaluationReport passes them).
std::string evaluationJson(const EvaluationResult& result, const ReportSources& sources,
                           const EvaluationOptions& options, const EvalImages* real = nullptr,
                           const EvalImages* generated = nullptr);

/// Writes the report folder (created if missing; each file written atomically, so an existing
/// report is replaced file by file, never left half-written): report.json always; counts.csv,
/// counts.png and counts.svg when atoms were counted; neighbours.csv and neighbours.png (up to
/// 24 pairs, report_figures.h) when nearest neighbours were found. Throws IoError.
void writeEvaluationReport(const EvaluationResult& result, const EvalImages& real,
                           const EvalImages& generated, const ReportSources& sources,
                           const EvaluationOptions& options, const std::string& directory);

}  // namespace cw
