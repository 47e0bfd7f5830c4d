#pragma once
/// @file RUN/eval.csv: the evaluation of a diffusion run's samples against its training slices,
/// appended by the trainer at each sample grid (docs/diffusion.md, "Evaluation during training")
/// and plotted over steps by the window's Metrics panel. Torch-free.
///
/// Columns: step, real_count, generated_count, mean_atoms_real, mean_atoms_generated,
/// ks_statistic, ks_pvalue, wasserstein, fid, kid, extractor. Empty cells = not computed.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cw::ml {

/// One evaluation of a run at a training step.
struct EvalLogRow {
    std::int64_t step = 0;
    std::size_t realCount = 0, generatedCount = 0;
    std::optional<double> meanAtomsReal, meanAtomsGenerated;
    std::optional<double> ksStatistic, ksPValue, wasserstein;
    std::optional<double> fid, kid;
    std::string extractor;  ///< names the FID/KID features, e.g. "spectral-v1 (96-d)"
};

std::string runEvalLogPath(const std::string& runDir);  ///< RUN/eval.csv

/// Appends a row (writes the header first when the file is new). Throws IoError.
void appendEvalLogRow(const std::string& runDir, const EvalLogRow& row);

/// Keeps the rows with step ≤ `step` (used when a run resumes from an earlier checkpoint).
/// A missing file is fine. Throws IoError.
void truncateEvalLog(const std::string& runDir, std::int64_t step);

/// All rows; a missing file gives none. A malformed line is skipped and named in `problems`
/// ("eval.csv line N: reason") if given. Throws IoError on an unreadable file.
std::vector<EvalLogRow> readEvalLog(const std::string& runDir,
                                    std::vector<std::string>* problems = nullptr);

}  // namespace cw::ml
