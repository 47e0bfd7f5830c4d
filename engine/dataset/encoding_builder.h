#pragma once
/// @file Data sets of encoded crystals (docs/encoding-datasets.md): every structure of a list of
/// collections as a CrysTens tensor (K, 64, 64, 4) float32 or an xtal2png image (K, 64, 64)
/// uint8 in chunked .npy shards, one row per material in `properties.csv` (ids, formula, site
/// count, space group, split and every numeric property of the input), a reproducible split by
/// material, filters counted by reason, resumable units and `--shard I/N` jobs merged later.
/// Storage, resume, options check, split and merge are those of the ECD data sets (store.h,
/// entry_scan.h).

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/progress.h"
#include "dataset/store.h"
#include "encoding/crystal_encoding.h"

namespace cw {

/// Version of the layout written by buildEncodingDataset and mergeEncodingDatasets.
inline constexpr int kEncodingDatasetFormatVersion = 1;

enum class DatasetEncoding { CrysTens, Xtal2Png };
/// "crystens", "xtal2png". Throws ConfigError naming the choices.
DatasetEncoding parseDatasetEncoding(const std::string& name);
const char* datasetEncodingName(DatasetEncoding encoding);

/// The options that define an encoding data set's content. Two builds with equal options
/// produce byte-identical files, whatever the thread count and however often interrupted.
struct EncodingDatasetOptions {
    std::vector<std::string> inputs;  ///< collections read in order (structure_stream.h)
    DatasetEncoding encoding = DatasetEncoding::CrysTens;
    CellChoice cell = CellChoice::AsIs;
    /// CrysTens only: store raw values (Z, Å, °, fractional) instead of min–max normalised ones.
    bool raw = false;
    /// Skip structures with more sites (after the cell choice); ≤ 52. With `compact` it is also
    /// the layout's site capacity (< 52), giving paddedEncodingSide(maxSites)-pixel items.
    std::size_t maxSites = 52;
    bool compact = false;  ///< the compact variant ("crystens-compact", "xtal2png-compact")
    /// Skip structures whose `e_above_hull` property exceeds this (eV/atom); nullopt = off.
    /// Structures without the property are kept.
    std::optional<double> maxEAboveHull = 0.1;
    std::uint64_t seed = 0;  ///< split seed
    int shardIndex = 0;      ///< this job builds entries with (global index mod shardCount) ==
    int shardCount = 1;      ///< shardIndex
    std::array<double, 3> split{0.64, 0.16, 0.20};  ///< train, val, test fractions by material
    std::size_t structuresPerShard = 1024;          ///< selected structures per unit (.npy shard)

    /// The registered encoding these options build (crystal_encoding.h).
    EncodingSpec encodingSpec() const;
    /// Sets encoding and compact from a registered name ("crystens", "xtal2png-compact", …).
    /// Throws ConfigError naming the choices.
    void setEncodingName(const std::string& name);

    /// The options as a JSON object text (stored in dataset.json and compared on resume).
    std::string toJson() const;
    /// Throws ConfigError for inconsistent values.
    void validate() const;
};

/// Where and how to build (does not change the data set).
struct EncodingBuildSettings {
    std::string outDir;
    int threads = 0;  ///< ≤ 0: all hardware threads
    /// If set, also write each stored structure's xtal2png PNG here, named as upstream names
    /// them (xtal2pngFileName). Units resumed from disk are not exported again.
    std::string pngDir;
};

struct EncodingBuildResult {
    bool cancelled = false;
    std::size_t rows = 0;          ///< materials stored (finished units)
    std::size_t units = 0;         ///< finished units (shards)
    std::size_t unitsResumed = 0;  ///< of which were already finished on disk
    std::array<std::size_t, 3> perSplit{};
    std::map<std::string, std::size_t> skippedByReason;
};

/// The fixed leading columns of properties.csv; property columns follow, sorted by name (a
/// property named like a fixed column gets the prefix "property_").
const std::vector<std::string>& encodingTableFixedColumns();

/// The space group written for a structure: the source's `symmetry_number` (else `spg`,
/// Alexandria's) when present and the cell is as-is, else 0 (meaning: let spglib find it in the
/// chosen cell at xtal2png's tolerances).
int knownSpaceGroupOf(const Structure& structure, CellChoice cell);

/// Builds (or resumes) the data set of `options` in settings.outDir, in units of
/// options.structuresPerShard selected structures: images-NNNNN.npy (via .part and rename),
/// parts/rows-NNNNN.jsonl, then parts/unit-NNNNN.json marking the unit finished. At the end
/// properties.csv and dataset.json. `stop` is checked between batches; a stopped build keeps
/// its finished units and returns cancelled = true. Progress: stage "structures" (step = rows
/// encoded in this run), "unit" after each unit. Throws ConfigError (bad options, outDir holding
/// another data set), IoError, FormatError. Filtered and failing entries are counted by reason:
/// unreadable, too_many_sites, e_above_hull, invalid (partial occupancy, spglib failure, …).
EncodingBuildResult buildEncodingDataset(const EncodingDatasetOptions& options,
                                         const EncodingBuildSettings& settings,
                                         ProgressSink& progress, std::stop_token stop = {});

/// Joins finished `--shard I/N` builds of one command (mergeDatasetDirectories with this
/// format's layout). Throws ConfigError, IoError, FormatError.
MergeResult mergeEncodingDatasets(const std::vector<std::string>& dirs, const std::string& outDir);

}  // namespace cw
