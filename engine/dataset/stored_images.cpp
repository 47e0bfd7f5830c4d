#include "dataset/stored_images.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "encoding/crystal_encoding.h"

namespace cw {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxStoredSide = 16384;

std::string buildCommandFor(const std::string& dir) {
    // The recorded options tell an interrupted encoding build ("encoding" key) from an ECD one.
    const fs::path options = fs::path(dir) / "parts" / "options.json";
    std::error_code ec;
    if (fs::exists(options, ec)) {
        try {
            const auto j = nlohmann::json::parse(readFileToString(options.string()));
            return j.contains("encoding") ? "cwb crystens build" : "cwb ecd build";
        } catch (const std::exception&) {
        }
    }
    return "cwb ecd build or cwb crystens build";
}

nlohmann::json readDatasetJson(const std::string& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw IoError(dir, "no such data-set directory");
    const std::string path = (fs::path(dir) / "dataset.json").string();
    if (!fs::exists(path, ec)) {
        throw ConfigError("'" + dir +
                          "' is not a finished data set (no dataset.json): if its build was "
                          "interrupted, finish it by re-running the same " +
                          buildCommandFor(dir) + " command");
    }
    try {
        return nlohmann::json::parse(readFileToString(path));
    } catch (const nlohmann::json::exception& e) {
        throw FormatError(path, "", e.what());
    }
}

StoredLayout describe(const nlohmann::json& ds, const std::string& path) {
    StoredLayout l;
    try {
        const std::string format = ds.at("format").get<std::string>();
        if (format == "cw-ecd-dataset") {
            l.kind = ImageSetKind::EcdSlices;
            l.dtype = [&] {
                const std::string d = ds.value("dtype", std::string("float32"));
                if (d == "float32") return NpyDtype::Float32;
                if (d == "uint16") return NpyDtype::UInt16;
                if (d == "uint8") return NpyDtype::UInt8;
                throw FormatError(path, "dtype", "unknown dtype '" + d + "'");
            }();
            l.itemShape = ds.at("image_shape").get<std::vector<std::size_t>>();
            l.table = ds.value("manifest", std::string("manifest.csv"));
            l.rowsKey = "slices";
            if (l.itemShape.size() != 2 || l.itemShape[0] != l.itemShape[1] || l.itemShape[0] == 0)
                throw FormatError(path, "image_shape", "expected [size, size]");
        } else if (format == "cw-encoding-dataset") {
            const std::string encoding = ds.at("encoding").get<std::string>();
            l.table = ds.value("table", std::string("properties.csv"));
            l.rowsKey = "rows";
            l.itemShape = ds.at("item_shape").get<std::vector<std::size_t>>();
            // The compact variants share their family's storage; the layout says how many
            // sites the padded items hold.
            const bool compact = encoding == "crystens-compact" || encoding == "xtal2png-compact";
            const std::string family = compact ? encoding.substr(0, encoding.size() - 8) : encoding;
            EncodingSpec spec;
            spec.name = encoding;
            if (compact) {
                spec = EncodingSpec::fromJson(ds.at("encoding_layout").dump(), path);
                if (spec.name != encoding)
                    throw FormatError(path, "encoding_layout",
                                      "names '" + spec.name + "', dataset.json '" + encoding + "'");
            }
            if (encoding == "crystens" || encoding == "xtal2png" || compact) {
                spec.raw = family == "crystens" && !ds.value("normalized", true);
                l.encodingJson = spec.toJson();
                const auto e = makeEncoding(spec);
                if (l.itemShape != e->itemShape())
                    throw FormatError(path, "item_shape",
                                      "does not match the " + encoding + " layout of " +
                                          std::to_string(e->maxSites()) + " sites (side " +
                                          std::to_string(e->side()) + ")");
            }
            if (family == "crystens") {
                l.kind = ImageSetKind::CrysTens;
                l.dtype = NpyDtype::Float32;
                if (ds.value("dtype", std::string("float32")) != "float32")
                    throw FormatError(path, "dtype", "CrysTens items must be float32");
                if (l.itemShape.size() != 3 || l.itemShape[0] != l.itemShape[1] ||
                    ds.value("layout", std::string("channels_last")) != "channels_last")
                    throw FormatError(path, "item_shape",
                                      "CrysTens items must be (n, n, channels), channels last");
                if (!ds.at("normalized").get<bool>()) {
                    throw ConfigError(
                        "'" + path +
                        "' holds raw CrysTens values (built with --raw: Z, Å, degrees), which "
                        "have no fixed range to map to [−1, 1] for diffusion training; rebuild "
                        "the data set without --raw (cwb crystens build …)");
                }
            } else if (family == "xtal2png") {
                l.kind = ImageSetKind::Xtal2Png;
                l.dtype = NpyDtype::UInt8;
                if (ds.value("dtype", std::string("uint8")) != "uint8")
                    throw FormatError(path, "dtype", "xtal2png items must be uint8");
                if (l.itemShape.size() != 2 || l.itemShape[0] != l.itemShape[1])
                    throw FormatError(path, "item_shape", "xtal2png items must be (n, n)");
            } else {
                throw FormatError(path, "encoding", "unknown encoding '" + encoding + "'");
            }
        } else {
            throw ConfigError("'" + path + "' is of format '" + format +
                              "', not an ECD (cw-ecd-dataset) or encoding (cw-encoding-dataset) "
                              "data set");
        }
        if (ds.at("format_version").get<int>() != 1)
            throw FormatError(path, "format_version", "unsupported data-set format version");
    } catch (const nlohmann::json::exception& e) {
        throw FormatError(path, "", std::string("missing or malformed entry: ") + e.what());
    }
    if (l.itemShape[0] > kMaxStoredSide)
        throw FormatError(path, "", "item side " + std::to_string(l.itemShape[0]) + " too large");
    return l;
}

std::string shapeText(const std::vector<std::size_t>& shape) {
    std::string s = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + ")";
}

std::unique_ptr<StoredShard> openShard(const std::string& dir, const std::string& file,
                                       std::size_t rows, const StoredLayout& layout) {
    auto shard = std::make_unique<StoredShard>();
    shard->path = (fs::path(dir) / file).string();
    shard->rows = rows;
    shard->header = readNpyHeader(shard->path);
    const NpyHeader& h = shard->header;
    if (h.dtype != layout.dtype || h.itemSize != npyItemSize(layout.dtype))
        throw FormatError(
            shard->path, "header",
            "dtype differs from dataset.json's " + std::string(npyDescr(layout.dtype)));
    std::vector<std::size_t> expected{rows};
    expected.insert(expected.end(), layout.itemShape.begin(), layout.itemShape.end());
    if (h.shape != expected)
        throw FormatError(shard->path, "header",
                          "shape " + shapeText(h.shape) + " differs from " + shapeText(expected) +
                              " in dataset.json");
    std::error_code ec;
    const std::uintmax_t bytes = fs::file_size(shard->path, ec);
    const std::size_t needed = h.dataOffset + h.elementCount() * h.itemSize;
    if (ec || bytes < needed)
        throw FormatError(shard->path, "data",
                          "file holds " + std::to_string(bytes) + " bytes, its " +
                              std::to_string(rows) + " items need " + std::to_string(needed) +
                              ": the shard is truncated; rebuild the data set");
    return shard;
}

}  // namespace

StoredImages openStoredImages(const std::string& directory) {
    const nlohmann::json ds = readDatasetJson(directory);
    const std::string jsonPath = (fs::path(directory) / "dataset.json").string();
    StoredImages stored;
    stored.layout = describe(ds, jsonPath);
    try {
        for (const auto& s : ds.at("shards"))
            stored.shards.push_back(openShard(directory, s.at("file").get<std::string>(),
                                              s.at(stored.layout.rowsKey).get<std::size_t>(),
                                              stored.layout));
    } catch (const nlohmann::json::exception& e) {
        throw FormatError(jsonPath, "shards", std::string("malformed entry: ") + e.what());
    }
    return stored;
}

const MappedFile& mapShard(StoredShard& shard) {
    if (const MappedFile* m = shard.mapped.load(std::memory_order_acquire)) return *m;
    std::lock_guard lock(shard.mapMutex);
    if (!shard.map) {
        auto map = std::make_unique<MappedFile>(shard.path);
        const NpyHeader& h = shard.header;
        const std::size_t needed = h.dataOffset + h.elementCount() * h.itemSize;
        // The size was checked at open; the file may have been replaced or cut since.
        if (map->size() < needed)
            throw FormatError(shard.path, "data",
                              "file holds " + std::to_string(map->size()) + " bytes, its " +
                                  std::to_string(shard.rows) + " items need " +
                                  std::to_string(needed) +
                                  ": the shard is truncated; rebuild the data set");
        shard.map = std::move(map);
        shard.mapped.store(shard.map.get(), std::memory_order_release);
    }
    return *shard.map;
}

}  // namespace cw
