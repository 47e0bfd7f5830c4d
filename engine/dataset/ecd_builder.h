#pragma once
/// @file Building an ECD slice data set from structure collections (docs/ecd-datasets.md):
/// filters, enumeration, slicing on all cores, storage in resumable units, sharding over jobs.

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/npy.h"
#include "core/progress.h"
#include "ecd/slicer.h"

namespace cw {

/// The options that define a data set's content. Two builds with equal options produce
/// byte-identical files, whatever the thread count and however often they were interrupted.
struct EcdDatasetOptions {
    std::vector<std::string> inputs;  ///< collections read in order (structure_stream.h)
    /// Slices per structure (uniform sample from enumerateSlices); nullopt = all triples.
    std::optional<std::size_t> perStructure = 64;
    std::uint64_t seed = 0;     ///< sampling seed (per structure via structureSeed) and split seed
    std::size_t maxSites = 51;  ///< skip structures with more sites
    /// Skip structures whose `e_above_hull` property exceeds this (eV/atom); nullopt = no filter.
    /// Structures without the property are kept.
    std::optional<double> maxEAboveHull = 0.1;
    int shardIndex = 0;  ///< this job builds entries with (global entry index mod shardCount) ==
    int shardCount = 1;  ///< shardIndex
    std::array<double, 3> split{0.8, 0.1, 0.1};  ///< train, val, test fractions by material
    std::size_t structuresPerShard = 64;         ///< selected structures per unit (one .npy shard)
    SliceParameters parameters;
    /// Stored pixel type: Float32 (the spec's values), UInt16 (round(65535·I): error ≤ 7.7e-6,
    /// half the bytes) or UInt8 (round(255·I), the 8-bit export).
    NpyDtype dtype = NpyDtype::Float32;

    /// The options as a JSON object text (stored in dataset.json and compared on resume).
    std::string toJson() const;
    /// Throws ConfigError for inconsistent values.
    void validate() const;
};

/// Where and how to build (does not change the result).
struct EcdBuildSettings {
    std::string outDir;
    int threads = 0;     ///< ≤ 0: all hardware threads
    std::string pngDir;  ///< also write 8-bit PNGs {material_id}_{i}_{j}_{k}.png here if set
    /// Input entries over all inputs (all jobs' entries), if known: the "slices" progress events
    /// then carry an estimated total (for an ETA). 0: unknown, total stays 0.
    std::size_t expectedEntries = 0;
};

/// "float32", "uint16", "uint8" → the dtype; throws ConfigError for anything else.
NpyDtype parseDatasetDtype(const std::string& name);
/// The name of a data-set dtype ("float32", "uint16", "uint8"), as stored in dataset.json.
const char* datasetDtypeName(NpyDtype dtype);
/// Writes an image's pixels as `dtype` to `out` (rows × cols elements): float32 as is, uint16 as
/// round(65535·I), uint8 as round(255·I) (I clamped to [0, 1] by the slicer). Thread-safe.
void encodePixels(const Image& image, NpyDtype dtype, void* out);

/// What a build did.
struct EcdBuildResult {
    bool cancelled = false;
    std::size_t slices = 0;        ///< slices in the data set (finished units)
    std::size_t structures = 0;    ///< structures that gave slices
    std::size_t units = 0;         ///< finished units (shards)
    std::size_t unitsResumed = 0;  ///< of which were already finished on disk
    std::map<std::string, std::size_t> skippedByReason;
};

/// Builds (or resumes) the data set of `options` in settings.outDir. Work is done in units of
/// options.structuresPerShard selected structures; each unit is written as images-NNNNN.npy
/// (via .part and rename), parts/manifest-NNNNN.csv and, last, parts/unit-NNNNN.json, which marks
/// it finished. Finished units are skipped on a re-run. At the end manifest.csv and dataset.json
/// are written. `stop` is checked between batches of slices: the current unit is abandoned and
/// the result has cancelled = true (re-running resumes). Progress: stage "slices" (step = slices
/// done in this run) and stage "unit" after each unit.
/// Throws ConfigError (bad options, or outDir holding a data set of other options), IoError,
/// FormatError (an input as a whole unreadable). Bad entries and filtered structures are skipped
/// and counted by reason.
EcdBuildResult buildEcdDataset(const EcdDatasetOptions& options, const EcdBuildSettings& settings,
                         ProgressSink& progress, std::stop_token stop = {});

}  // namespace cw
