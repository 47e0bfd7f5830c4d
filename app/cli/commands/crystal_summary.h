#pragma once
// The crystal report as the table `cwb eval crystals` and `cwb generate` print: every rate
// with its count, coverage, property distances, and the published rows of the benchmark.

#include <string>

#include "crystal_eval/crystal_report.h"

namespace cw::cli {

void printCrystalReportSummary(const CrystalReport& report, const std::string& dataset);

}  // namespace cw::cli
