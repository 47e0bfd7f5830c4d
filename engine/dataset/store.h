#pragma once
/// @file The on-disk format of ECD slice data sets (docs/ecd-datasets.md): float32 NumPy shards
/// `images-00000.npy` of shape (K, size, size), one manifest row per slice in `manifest.csv`,
/// and `dataset.json` (format version, options, counts, shards, skipped structures). Also the
/// reproducible train/val/test split and the merge of shard directories.

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ecd/slicer.h"

namespace cw {

/// Version of the layout written by buildEcdDataset and mergeDatasets.
inline constexpr int kDatasetFormatVersion = 1;

/// FNV-1a 64-bit hash of bytes (Fowler, Noll, Vo). Thread-safe.
std::uint64_t fnv1a64(std::string_view bytes);

/// SplitMix64's output function (Steele, Lea, Flood 2014): a well-mixed 64-bit value of x, the
/// engine's deterministic per-item random source (splits, batches, augmentations). Thread-safe.
std::uint64_t splitMix64(std::uint64_t x);

/// 16 hex digits of fnv1a64(sliceParametersToJson(parameters)): the manifest's parameters hash.
std::string parametersHash(const SliceParameters& parameters);

/// Split of a material: 0 train, 1 val, 2 test. u = SplitMix64(fnv1a64(id) ⊕ seed) / 2⁶⁴;
/// train if u < fractions[0], val if u < fractions[0] + fractions[1], else test. Every slice of a
/// material gets the same split. Thread-safe.
int assignSplit(const std::string& materialId, std::uint64_t seed,
                const std::array<double, 3>& fractions);
/// "train", "val", "test".
const char* splitName(int split);
/// Parses "0.8,0.1,0.1" (three non-negative numbers summing to 1 within 1e-6). Throws
/// ConfigError.
std::array<double, 3> parseSplitFractions(const std::string& text);

/// "images-00042.npy", "manifest-00042.csv" (in parts/), "unit-00042.json" (in parts/).
std::string shardFileName(std::size_t shard);
std::string manifestPartName(std::size_t shard);
std::string unitFileName(std::size_t shard);

/// The header line of manifest.csv (with a trailing newline). Columns: index, shard, row,
/// structure_index, material_id, site1, t1a, t1b, t1c, site2, …, site3, …, nx, ny, nz, e1x,
/// e1y, e1z, cx, cy, cz (Cartesian, Å, scaled cell), atoms_in_window, split, params_hash.
std::string manifestHeader();

/// A material id as one CSV field (quoted when it holds a comma, quote or newline).
std::string csvField(const std::string& text);

/// Result of mergeDatasets.
struct MergeResult {
    std::size_t slices = 0;
    std::size_t shards = 0;
    std::size_t sources = 0;
};

/// What distinguishes one kind of sharded data set (ECD slices, encoded crystals) for the
/// shared merge: dataset.json's "format", its row table, the count key of its rows (in
/// "counts" and in each "shards" item), dataset.json keys that must agree between sources, and
/// the command that finishes an unfinished build (for error messages).
struct DatasetLayout {
    std::string format = "cw-ecd-dataset";
    int formatVersion = kDatasetFormatVersion;
    std::string tableFile = "manifest.csv";
    std::string rowsKey = "slices";
    std::vector<std::string> sameKeys;
    std::string buildCommand = "cwb ecd build";
};

/// The generic merge behind mergeDatasets: shards renumbered in the order of `dirs` (hard links
/// where possible, copies otherwise), the first two fields (index, shard) of every table row
/// renumbered, the table header taken from the first source, counts and skipped lists summed.
/// Sources must be finished, of `layout.format`, with equal "options" apart from "shard" and
/// equal `layout.sameKeys`. Throws ConfigError, IoError, FormatError.
MergeResult mergeDatasetDirectories(const std::vector<std::string>& dirs, const std::string& outDir,
                                    const DatasetLayout& layout);

/// Records `optionsJson` (a JSON object text) as outDir/parts/options.json on a first run, and
/// on a later run checks that it equals the recorded one. Throws ConfigError naming the keys
/// that differ, IoError.
void checkOrRecordOptions(const std::string& outDir, const std::string& optionsJson);

/// What every build does first: refuses an empty outDir (ConfigError), creates outDir/parts and
/// pngDir (if not empty), then checkOrRecordOptions(outDir, optionsJson). Throws as those do.
void prepareBuildDirectory(const std::string& outDir, const std::string& pngDir,
                           const std::string& optionsJson);

/// True when unit `unit` of the data set in outDir is finished: its shard
/// (shardFileName) and its marker parts/unitFileName exist.
bool unitFinished(const std::string& outDir, std::size_t unit);

/// Joins finished data-set directories (typically the `--shard I/N` builds of one command) into
/// `outDir`: shards renumbered in the order of `dirs`, files hard-linked where possible and
/// copied otherwise, manifest rows renumbered (global index, shard), counts and skipped lists
/// summed into a new dataset.json. Every source must be complete and have the same options apart
/// from the shard. Throws ConfigError (incompatible or unfinished sources, outDir not empty),
/// IoError, FormatError.
MergeResult mergeDatasets(const std::vector<std::string>& dirs, const std::string& outDir);

}  // namespace cw
