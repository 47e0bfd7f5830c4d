#pragma once
/// @file The crystal report as files, for `cwb eval crystals` and the window's export:
/// report.json, crystals.csv, the CIFs of the valid, unique and novel crystals, and figures.

#include <optional>
#include <string>
#include <vector>

#include "crystal/structure.h"
#include "crystal_eval/crystal_report.h"

namespace cw {

/// The report's figures and counts as JSON text: counts and rates of every metric, coverage,
/// property distances with their draw, the space-group histograms, the stage times, and
/// `published` rows for `dataset` ("perov5", "carbon24", "mp20"; none for other names).
std::string crystalReportJson(const CrystalReport& report, const std::string& dataset);

/// One CSV row per generated crystal: id, formula, space group, every flag with its reason,
/// nearest training crystal and RMS.
std::string crystalReportCsv(const CrystalReport& report);

/// Writes into `directory` (created): report.json, crystals.csv, valid/, unique/ and novel/
/// (one P1 CIF per crystal with a cell, named by its id) and the figures space_groups.png/.svg (generated beside reference, the 20 most
/// common groups) and properties.png/.svg (density histograms). Every file is written
/// atomically; a folder of CIFs left by an earlier run is replaced. Returns the paths written.
/// Throws IoError.
std::vector<std::string> writeCrystalReport(const std::string& directory,
                                            const CrystalReport& report,
                                            const std::vector<Structure>& reference,
                                            const std::string& dataset);

/// The published rows of docs/spec/crystal-generation.md §6 for a data set: model name and
/// struct %, comp %, COV-R %, COV-P %, W(ρ), W(N_el) (NaN where not published).
struct PublishedRow {
    std::string model;
    double structural, compositional, coverageRecall, coveragePrecision, densityW1, elementsW1;
};
std::vector<PublishedRow> publishedRows(const std::string& dataset);

}  // namespace cw
