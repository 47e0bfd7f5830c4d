#pragma once
/// @file The input side shared by the data-set builders: every entry of a list of collections
/// in order, with a global entry index (bad entries included), split over `--shard I/N` jobs by
/// index mod N, unreadable entries of this job reported with their index.

#include <cstddef>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "crystal/structure.h"

namespace cw {

/// A structure left out of a data set, with the reason ("unreadable", "too_many_sites", …).
struct SkippedEntry {
    std::size_t index = 0;  ///< global entry index over all inputs
    std::string materialId;
    std::string reason;
    std::string detail;
};

/// Called for every structure read (all jobs' entries), before selection.
using EntryObserver = std::function<void(const Structure& structure, std::size_t index)>;
/// Called for the structures of this job, in order; return false to stop reading.
using EntryConsumer = std::function<bool(Structure&& structure, std::size_t index)>;

/// Reads `inputs` in order (forEachStructure). Entry g (global index) belongs to job
/// g mod shardCount. `observe` (may be empty) sees every structure read; `consume` receives
/// this job's. Returns this job's unreadable entries (reason "unreadable", detail from the
/// reader), in index order. Stops when `stop` is requested or `consume` returns false.
/// Throws as forEachStructure (IoError, FormatError for an input as a whole).
std::vector<SkippedEntry> scanShardEntries(const std::vector<std::string>& inputs, int shardIndex,
                                           int shardCount, const EntryObserver& observe,
                                           const EntryConsumer& consume, std::stop_token stop = {});

}  // namespace cw
