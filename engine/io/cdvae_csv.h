#pragma once
/// @file The crystal CSVs of the crystal-generation benchmarks (CDVAE's `data/*/train.csv`,
/// MP-20, Perov-5, Carbon-24, MPTS-52): one row per crystal with a `cif` column holding CIF
/// text, a `material_id`, an unnamed pandas index and numeric property columns.

#include <stop_token>
#include <string>
#include <vector>

#include "core/problem_log.h"
#include "io/structure_stream.h"

namespace cw {

/// True when a CSV header names a `cif` column (the case of the name ignored).
bool isCdvaeCsvHeader(const std::vector<std::string>& header);

/// Streams the crystals of a CDVAE CSV (plain, .gz or .bz2) row by row. Each crystal's id is
/// its `material_id` (else the first column, else "row N"); every other column whose value is
/// a finite number becomes a property (`formula` and the index are not). A row whose CIF
/// cannot be read is added to `problems` as "file:line N (id)" with the reason, and skipped;
/// a CIF with several blocks gives its first. Returns the number of crystals delivered.
/// Throws IoError (unreadable file), FormatError (no `cif` column in the header; a broken
/// quote, naming the line).
std::size_t forEachCdvaeCsvStructure(const std::string& path, const StructureCallback& onStructure,
                                     ProblemLog& problems, std::stop_token stop = {});

}  // namespace cw
