#pragma once
/// @file A finished data set (ECD slices, docs/ecd-datasets.md, or encoded crystals,
/// docs/encoding-datasets.md) read as training images: items as float CHW arrays in [−1, 1],
/// filtered by split, with optional per-item conditioning (a class label or property values).
/// Torch-free, so the batch loader and its tests need no LibTorch.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cw {

/// What the items are: ECD slices (1 channel; rotations by 90° and flips keep them valid),
/// CrysTens (4 channels, channels-last on disk; no augmentation is valid), xtal2png (1 channel,
/// uint8; no augmentation is valid).
enum class ImageSetKind { EcdSlices, CrysTens, Xtal2Png };
const char* imageSetKindName(ImageSetKind kind);  ///< "ecd", "crystens", "xtal2png"

/// How to open a data set.
struct ImageSetOptions {
    /// "train", "val", "test" or "all".
    std::string split = "train";
    /// Output pixels per side; 0 = the stored size. A different size resamples each item with
    /// area averaging (integer down-sampling factor) or bilinear interpolation otherwise.
    /// Only ECD slices may be resampled (an encoding's pixels are table cells).
    int imageSize = 0;
    /// Conditioning: empty = none; "space_group" (encoding sets) = a class label 0…229
    /// (number − 1); otherwise comma-separated numeric property columns of properties.csv,
    /// standardised with the mean and standard deviation over the selected items.
    std::string condition;
    /// Keep at most this many items (the first ones in table order); 0 = all. For quick runs.
    std::size_t maxItems = 0;
    /// Numeric table columns to keep as raw values, with missing cells allowed (the targets of
    /// property prediction, nsites for a filter), read back with ImageSet::property.
    std::vector<std::string> properties;
};

/// The item side of a finished encoding data set (its items cannot be resampled, so a model
/// trained on it takes this size); nullopt for an ECD data set or a folder without dataset.json.
/// Throws FormatError for a malformed dataset.json.
std::optional<int> encodingItemSide(const std::string& directory);

/// The stored item side of any finished data set (an ECD slice's pixels, an encoding's side): the
/// image size a new run should default to. nullopt for a folder without dataset.json. Throws
/// FormatError for a malformed dataset.json.
std::optional<int> storedItemSide(const std::string& directory);

/// The items of a data set. Opening reads dataset.json and the table; pixel data are read from
/// the shards on demand (each shard file is memory-mapped). readItem is thread-safe.
class ImageSet {
public:
    /// Throws IoError (missing files), FormatError (file, line, reason: a malformed
    /// dataset.json, table row or shard; a property cell that is not a number where a
    /// conditioning column is asked for), ConfigError (unfinished build, unknown split or
    /// condition column, empty selection, an image size out of 8…1024).
    ImageSet(const std::string& directory, const ImageSetOptions& options);
    ~ImageSet();
    ImageSet(const ImageSet&) = delete;
    ImageSet& operator=(const ImageSet&) = delete;

    ImageSetKind kind() const;
    std::size_t size() const;   ///< items in the selection
    int channels() const;
    int imageSize() const;      ///< output pixels per side
    /// True for ECD slices: the eight symmetries of the square (D4) map a slice to a valid slice.
    bool augmentable() const;
    /// The encoding of an encoding data set (EncodingSpec::toJson, crystal_encoding.h), so that
    /// a model trained on it knows how to decode its samples; empty for ECD slices.
    const std::string& encodingJson() const;

    /// Class count (230) with a space-group condition, else 0.
    int classes() const;
    /// Property count with a vector condition, else 0.
    int conditionDim() const;
    /// Names of the conditioning properties, and their mean and standard deviation (to undo
    /// the standardisation when sampling with given values).
    const std::vector<std::string>& conditionNames() const;
    const std::vector<double>& conditionMeans() const;
    const std::vector<double>& conditionStds() const;

    /// Writes item `index` (0 ≤ index < size()) as channels() × imageSize() × imageSize()
    /// floats in [−1, 1] (2·v − 1 of the stored value v ∈ [0, 1]; uint8/uint16 divided first)
    /// to `pixels`. Thread-safe. Throws FormatError on a short or unreadable shard.
    void readItem(std::size_t index, float* pixels) const;
    /// The class label of an item (−1 without class conditioning).
    int classLabel(std::size_t index) const;
    /// The standardised condition vector of an item (empty without vector conditioning).
    std::vector<float> conditionVector(std::size_t index) const;
    /// The material id of an item (for reports and the memorisation check).
    const std::string& materialId(std::size_t index) const;
    /// The raw value of column `name` (one of ImageSetOptions::properties) for item `index`;
    /// nullopt when the cell is empty or not a finite number. Throws ConfigError for a column
    /// that was not asked for, ValueError for an index outside the selection.
    std::optional<double> property(std::size_t index, const std::string& name) const;

private:
    struct Data;
    std::unique_ptr<Data> m_data;
};

}  // namespace cw
