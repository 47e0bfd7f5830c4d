#include "dataset/image_set.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "core/error.h"
#include "core/name_list.h"
#include "core/csv_reader.h"
#include "dataset/resample.h"
#include "dataset/stored_images.h"

namespace cw {
namespace fs = std::filesystem;

const char* imageSetKindName(ImageSetKind kind) {
    switch (kind) {
        case ImageSetKind::EcdSlices:
            return "ecd";
        case ImageSetKind::CrysTens:
            return "crystens";
        case ImageSetKind::Xtal2Png:
            return "xtal2png";
    }
    return "";
}

namespace {

constexpr int kSpaceGroups = 230;
constexpr int kMinImageSize = 8;
constexpr int kMaxImageSize = 1024;

struct ItemRef {
    std::uint32_t shard = 0;
    std::uint32_t row = 0;
};

bool parseDouble(const std::string& text, double& value) {
    const char* end = text.data() + text.size();
    const auto r = std::from_chars(text.data(), end, value);
    return r.ec == std::errc() && r.ptr == end && std::isfinite(value);
}

template <typename T>
bool parseInt(const std::string& text, T& value) {
    const char* end = text.data() + text.size();
    const auto r = std::from_chars(text.data(), end, value);
    return r.ec == std::errc() && r.ptr == end;
}

// Stored element i of an item → v ∈ [0, 1] → 2v − 1, for every element, in file order.
template <typename T>
void decode(const unsigned char* p, std::size_t count, bool swap, float scale, float* out) {
    for (std::size_t i = 0; i < count; ++i) {
        unsigned char bytes[sizeof(T)];
        std::memcpy(bytes, p + i * sizeof(T), sizeof(T));
        if (swap) std::reverse(bytes, bytes + sizeof(T));
        T v;
        std::memcpy(&v, bytes, sizeof(T));
        out[i] = 2.0f * (static_cast<float>(v) * scale) - 1.0f;
    }
}

}  // namespace

struct ImageSet::Data {
    std::string dir;
    StoredImages stored;
    int storedSize = 0;
    int outSize = 0;
    int channels = 1;
    std::vector<ItemRef> items;
    std::vector<std::string> materialIds;
    int classes = 0;
    std::vector<int> labels;
    std::vector<std::string> conditionNames;
    std::vector<double> means, stds;
    std::vector<float> conditions;  // items × conditionNames.size()
    std::vector<std::string> propertyNames;
    std::vector<double> properties;  // items × propertyNames.size(), NaN = missing

    void readTable(const ImageSetOptions& options);
};

void ImageSet::Data::readTable(const ImageSetOptions& options) {
    const std::string tablePath = (fs::path(dir) / stored.layout.table).string();
    CsvReader csv(tablePath);
    std::vector<std::string> header, fields;
    if (!csv.next(header)) throw FormatError(tablePath, "line 1", "empty table (no header)");
    auto column = [&](const std::string& name) -> std::size_t {
        const auto it = std::find(header.begin(), header.end(), name);
        return it == header.end() ? std::string::npos
                                  : static_cast<std::size_t>(it - header.begin());
    };
    auto required = [&](const std::string& name) {
        const std::size_t c = column(name);
        if (c == std::string::npos)
            throw FormatError(tablePath, "line 1", "no '" + name + "' column");
        return c;
    };
    const std::size_t shardCol = required("shard"), rowCol = required("row"),
                      idCol = required("material_id"), splitCol = required("split");

    const std::string condition = [&] {
        std::string c = options.condition;
        c.erase(0, c.find_first_not_of(" \t"));
        c.erase(c.find_last_not_of(" \t") + 1);
        return c;
    }();
    std::vector<std::size_t> conditionCols;
    std::size_t classCol = std::string::npos;
    if (condition == "space_group") {
        classCol = column("space_group");
        if (classCol == std::string::npos)
            throw ConfigError("condition 'space_group' needs an encoding data set: " + tablePath +
                              " has no space_group column");
        classes = kSpaceGroups;
    } else if (!condition.empty()) {
        conditionNames = splitNameList(condition);
        for (const std::string& name : conditionNames) {
            const std::size_t c = column(name);
            if (c == std::string::npos) {
                std::string known;
                for (std::size_t i = 0; i < header.size(); ++i) {
                    if (i == shardCol || i == rowCol || i == idCol || i == splitCol) continue;
                    known += (known.empty() ? "" : ", ") + header[i];
                }
                throw ConfigError("unknown condition column '" + name + "': " + tablePath +
                                  " has " + known);
            }
            conditionCols.push_back(c);
        }
    }

    std::vector<std::size_t> propertyCols;
    for (const std::string& name : options.properties) {
        const std::size_t c = column(name);
        if (c == std::string::npos) {
            std::string known;
            for (const std::string& h : header) known += (known.empty() ? "" : ", ") + h;
            throw ConfigError("unknown property column '" + name + "': " + tablePath + " has " + known);
        }
        propertyNames.push_back(name);
        propertyCols.push_back(c);
    }

    std::size_t withoutSpaceGroup = 0, firstWithout = 0;
    std::vector<double> values;  // items × conditionCols.size(), before standardisation
    const bool all = options.split == "all";
    while ((options.maxItems == 0 || items.size() < options.maxItems) && csv.next(fields)) {
        const std::string where = "line " + std::to_string(csv.line());
        if (fields.size() != header.size())
            throw FormatError(tablePath, where,
                              std::to_string(fields.size()) + " fields, the header has " +
                                  std::to_string(header.size()));
        if (!all && fields[splitCol] != options.split) continue;
        ItemRef ref;
        if (!parseInt(fields[shardCol], ref.shard) || ref.shard >= stored.shards.size())
            throw FormatError(tablePath, where,
                              "shard '" + fields[shardCol] + "' is not a shard of dataset.json");
        if (!parseInt(fields[rowCol], ref.row) || ref.row >= stored.shards[ref.shard]->rows)
            throw FormatError(
                tablePath, where,
                "row '" + fields[rowCol] + "' is not in shard " + std::to_string(ref.shard));
        if (classCol != std::string::npos) {
            int number = 0;
            const std::string& cell = fields[classCol];
            if (!cell.empty() && (!parseInt(cell, number) || number < 0 || number > kSpaceGroups))
                throw FormatError(tablePath, where,
                                  "space_group '" + cell + "' is not a number 1…230");
            if (number == 0 && withoutSpaceGroup++ == 0) firstWithout = csv.line();
            labels.push_back(number - 1);
        }
        for (std::size_t k = 0; k < conditionCols.size(); ++k) {
            const std::string& cell = fields[conditionCols[k]];
            double v = 0.0;
            if (cell.empty())
                throw FormatError(tablePath, where + ", column " + conditionNames[k],
                                  "no value for material " + fields[idCol] +
                                      "; conditioning needs a value for every selected item: "
                                      "choose columns every item has");
            if (!parseDouble(cell, v))
                throw FormatError(tablePath, where + ", column " + conditionNames[k],
                                  "'" + cell + "' is not a finite number");
            values.push_back(v);
        }
        for (const std::size_t c : propertyCols) {
            double v = 0.0;
            properties.push_back(parseDouble(fields[c], v) ? v : std::nan(""));
        }
        items.push_back(ref);
        materialIds.push_back(fields[idCol]);
    }

    if (items.empty())
        throw ConfigError("no items in split '" + options.split + "' of " + tablePath);
    if (withoutSpaceGroup > 0)
        throw ConfigError(std::to_string(withoutSpaceGroup) + " of the " +
                          std::to_string(items.size()) + " selected items of " + tablePath +
                          " have no space group (0; the first on line " +
                          std::to_string(firstWithout) +
                          "): conditioning on the space group needs one for every item");

    const std::size_t dim = conditionCols.size(), n = items.size();
    means.assign(dim, 0.0);
    stds.assign(dim, 1.0);
    conditions.resize(n * dim);
    for (std::size_t k = 0; k < dim; ++k) {
        double sum = 0.0;
        for (std::size_t i = 0; i < n; ++i) sum += values[i * dim + k];
        const double mean = sum / static_cast<double>(n);
        double squares = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            const double d = values[i * dim + k] - mean;
            squares += d * d;
        }
        const double sd = std::sqrt(squares / static_cast<double>(n));
        means[k] = mean;
        stds[k] = sd > 0.0 ? sd : 1.0;  // a constant column standardises to 0
        for (std::size_t i = 0; i < n; ++i)
            conditions[i * dim + k] = static_cast<float>((values[i * dim + k] - mean) / stds[k]);
    }
}

ImageSet::ImageSet(const std::string& directory, const ImageSetOptions& options)
    : m_data(std::make_unique<Data>()) {
    Data& d = *m_data;
    d.dir = directory;
    if (options.split != "train" && options.split != "val" && options.split != "test" &&
        options.split != "all")
        throw ConfigError("unknown split '" + options.split + "' (train, val, test or all)");
    if (options.imageSize != 0 &&
        (options.imageSize < kMinImageSize || options.imageSize > kMaxImageSize))
        throw ConfigError("image size " + std::to_string(options.imageSize) + " is outside " +
                          std::to_string(kMinImageSize) + "…" + std::to_string(kMaxImageSize));
    d.stored = openStoredImages(directory);
    const StoredLayout& layout = d.stored.layout;
    d.storedSize = static_cast<int>(layout.itemShape[0]);
    d.channels = layout.itemShape.size() == 3 ? static_cast<int>(layout.itemShape[2]) : 1;
    d.outSize = options.imageSize == 0 ? d.storedSize : options.imageSize;
    // An encoding's rows and columns are atoms and header fields: resampling would blend them
    // into meaningless values, so only slices may change size.
    if (layout.kind != ImageSetKind::EcdSlices && d.outSize != d.storedSize)
        throw ConfigError(directory + ": " + imageSetKindName(layout.kind) + " items are " +
                          std::to_string(d.storedSize) + "×" + std::to_string(d.storedSize) +
                          " tables and cannot be resampled to " + std::to_string(d.outSize) +
                          " px; use image size " + std::to_string(d.storedSize));
    d.readTable(options);
}

ImageSet::~ImageSet() = default;

std::optional<int> encodingItemSide(const std::string& directory) {
    if (!std::filesystem::is_regular_file(std::filesystem::path(directory) / "dataset.json"))
        return std::nullopt;
    const StoredImages stored = openStoredImages(directory);
    if (stored.layout.kind == ImageSetKind::EcdSlices) return std::nullopt;
    return static_cast<int>(stored.layout.itemShape[0]);
}

std::optional<int> storedItemSide(const std::string& directory) {
    if (!std::filesystem::is_regular_file(std::filesystem::path(directory) / "dataset.json"))
        return std::nullopt;
    return static_cast<int>(openStoredImages(directory).layout.itemShape[0]);
}

ImageSetKind ImageSet::kind() const {
    return m_data->stored.layout.kind;
}
std::size_t ImageSet::size() const {
    return m_data->items.size();
}
int ImageSet::channels() const {
    return m_data->channels;
}
int ImageSet::imageSize() const {
    return m_data->outSize;
}
bool ImageSet::augmentable() const {
    return m_data->stored.layout.kind == ImageSetKind::EcdSlices;
}
const std::string& ImageSet::encodingJson() const {
    return m_data->stored.layout.encodingJson;
}
int ImageSet::classes() const {
    return m_data->classes;
}
int ImageSet::conditionDim() const {
    return static_cast<int>(m_data->conditionNames.size());
}
const std::vector<std::string>& ImageSet::conditionNames() const {
    return m_data->conditionNames;
}
const std::vector<double>& ImageSet::conditionMeans() const {
    return m_data->means;
}
const std::vector<double>& ImageSet::conditionStds() const {
    return m_data->stds;
}

void ImageSet::readItem(std::size_t index, float* pixels) const {
    const Data& d = *m_data;
    if (index >= d.items.size())
        throw ValueError("item " + std::to_string(index) + " is outside the " +
                         std::to_string(d.items.size()) + " items of " + d.dir);
    StoredShard& shard = *d.stored.shards[d.items[index].shard];
    const MappedFile& map = mapShard(shard);
    const NpyHeader& h = shard.header;
    const std::size_t n = static_cast<std::size_t>(d.storedSize);
    const std::size_t c = static_cast<std::size_t>(d.channels);
    const std::size_t count = n * n * c;
    const unsigned char* p = map.data() + h.dataOffset + d.items[index].row * count * h.itemSize;

    // Decode in file order; CrysTens is channels last on disk and goes to CHW here.
    thread_local std::vector<float> fileOrder, chw;
    const bool transpose = c > 1, resize = d.outSize != d.storedSize;
    float* decoded = pixels;
    if (transpose || resize) {
        fileOrder.resize(count);
        decoded = fileOrder.data();
    }
    switch (d.stored.layout.dtype) {
        case NpyDtype::Float32:
            decode<float>(p, count, h.byteSwapped, 1.0f, decoded);
            break;
        case NpyDtype::UInt16:
            decode<std::uint16_t>(p, count, h.byteSwapped, 1.0f / 65535.0f, decoded);
            break;
        case NpyDtype::UInt8:
            decode<std::uint8_t>(p, count, false, 1.0f / 255.0f, decoded);
            break;
    }
    float* planar = decoded;
    if (transpose) {
        planar = resize ? (chw.resize(count), chw.data()) : pixels;
        for (std::size_t i = 0; i < n * n; ++i)
            for (std::size_t k = 0; k < c; ++k) planar[k * n * n + i] = decoded[i * c + k];
    }
    if (resize) {
        const std::size_t m = static_cast<std::size_t>(d.outSize);
        for (std::size_t k = 0; k < c; ++k)
            resampleSquare(planar + k * n * n, d.storedSize, pixels + k * m * m, d.outSize);
    }
}

int ImageSet::classLabel(std::size_t index) const {
    return m_data->labels.empty() ? -1 : m_data->labels.at(index);
}

std::vector<float> ImageSet::conditionVector(std::size_t index) const {
    const std::size_t dim = m_data->conditionNames.size();
    if (dim == 0) return {};
    if (index >= m_data->items.size())
        throw ValueError("item " + std::to_string(index) + " is outside the data set");
    const auto first = m_data->conditions.begin() + static_cast<std::ptrdiff_t>(index * dim);
    return {first, first + static_cast<std::ptrdiff_t>(dim)};
}

const std::string& ImageSet::materialId(std::size_t index) const {
    return m_data->materialIds.at(index);
}

std::optional<double> ImageSet::property(std::size_t index, const std::string& name) const {
    const Data& d = *m_data;
    const auto it = std::find(d.propertyNames.begin(), d.propertyNames.end(), name);
    if (it == d.propertyNames.end())
        throw ConfigError("property '" + name + "' of " + d.dir +
                          " was not asked for when the data set was opened");
    if (index >= d.items.size())
        throw ValueError("item " + std::to_string(index) + " is outside the " +
                         std::to_string(d.items.size()) + " items of " + d.dir);
    const double v = d.properties[index * d.propertyNames.size() +
                                  static_cast<std::size_t>(it - d.propertyNames.begin())];
    if (std::isnan(v)) return std::nullopt;
    return v;
}

}  // namespace cw
