#include "dataset/store.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/atomic_file.h"
#include "core/error.h"

namespace cw {
namespace fs = std::filesystem;

namespace {

std::string numbered(const char* pattern, std::size_t n) {
    char buf[64];
    std::snprintf(buf, sizeof buf, pattern, n);
    return buf;
}

nlohmann::json readJsonFile(const std::string& path) {
    const std::string text = readFileToString(path);
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw FormatError(path, "", e.what());
    }
}
}  // namespace

std::uint64_t splitMix64(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

std::uint64_t fnv1a64(std::string_view bytes) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    return h;
}

std::string parametersHash(const SliceParameters& parameters) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%016llx",
                  static_cast<unsigned long long>(fnv1a64(sliceParametersToJson(parameters))));
    return buf;
}

int assignSplit(const std::string& materialId, std::uint64_t seed,
                const std::array<double, 3>& fractions) {
    // Top 53 bits give a double in [0, 1) exactly on every platform.
    const double u = static_cast<double>(splitMix64(fnv1a64(materialId) ^ seed) >> 11) * 0x1.0p-53;
    if (u < fractions[0]) return 0;
    if (u < fractions[0] + fractions[1]) return 1;
    return 2;
}

const char* splitName(int split) {
    switch (split) {
        case 0:
            return "train";
        case 1:
            return "val";
        default:
            return "test";
    }
}

std::array<double, 3> parseSplitFractions(const std::string& text) {
    std::array<double, 3> f{};
    std::stringstream in(text);
    std::string part;
    int n = 0;
    while (std::getline(in, part, ',')) {
        if (n >= 3) {
            n = 4;
            break;
        }
        try {
            std::size_t used = 0;
            f[n] = std::stod(part, &used);
            if (used != part.size()) throw std::invalid_argument("trailing");
        } catch (const std::exception&) {
            throw ConfigError("--split: '" + part + "' is not a number");
        }
        if (!(f[n] >= 0) || !std::isfinite(f[n]))
            throw ConfigError("--split: fractions must be non-negative, not '" + part + "'");
        ++n;
    }
    if (n != 3)
        throw ConfigError("--split takes three fractions TRAIN,VAL,TEST, not '" + text + "'");
    if (std::abs(f[0] + f[1] + f[2] - 1.0) > 1e-6)
        throw ConfigError("--split: the fractions '" + text + "' do not sum to 1");
    return f;
}

std::string shardFileName(std::size_t shard) {
    return numbered("images-%05zu.npy", shard);
}
std::string manifestPartName(std::size_t shard) {
    return numbered("manifest-%05zu.csv", shard);
}
std::string unitFileName(std::size_t shard) {
    return numbered("unit-%05zu.json", shard);
}

std::string manifestHeader() {
    return "index,shard,row,structure_index,material_id,"
           "site1,t1a,t1b,t1c,site2,t2a,t2b,t2c,site3,t3a,t3b,t3c,"
           "nx,ny,nz,e1x,e1y,e1z,cx,cy,cz,atoms_in_window,split,params_hash\n";
}

std::string csvField(const std::string& text) {
    if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

MergeResult mergeDatasets(const std::vector<std::string>& dirs, const std::string& outDir) {
    return mergeDatasetDirectories(dirs, outDir, DatasetLayout{});
}

void checkOrRecordOptions(const std::string& outDir, const std::string& optionsJson) {
    const nlohmann::json options = nlohmann::json::parse(optionsJson);
    const fs::path optionsPath = fs::path(outDir) / "parts" / "options.json";
    if (fs::exists(optionsPath)) {
        const nlohmann::json old = nlohmann::json::parse(readFileToString(optionsPath.string()));
        if (old != options) {
            std::string diff;
            for (const auto& [key, value] : options.items())
                if (!old.contains(key) || old[key] != value)
                    diff += (diff.empty() ? "" : ", ") + key + " (was " +
                            (old.contains(key) ? old[key].dump() : "absent") + ", now " +
                            value.dump() + ")";
            throw ConfigError(
                "'" + outDir + "' holds a data set built with other options: " + diff +
                "; re-run the original command to resume it, or choose another --out");
        }
    } else {
        writeFileAtomically(optionsPath.string(), options.dump(2) + "\n");
    }
}

bool unitFinished(const std::string& outDir, std::size_t unit) {
    return fs::exists(fs::path(outDir) / "parts" / unitFileName(unit)) &&
           fs::exists(fs::path(outDir) / shardFileName(unit));
}

MergeResult mergeDatasetDirectories(const std::vector<std::string>& dirs, const std::string& outDir,
                                    const DatasetLayout& layout) {
    if (dirs.empty()) throw ConfigError("merge needs at least one data-set directory");
    if (fs::exists(outDir) && !fs::is_empty(outDir))
        throw ConfigError("merge output '" + outDir + "' exists and is not empty");
    std::vector<nlohmann::json> sources;
    nlohmann::json options;
    for (const std::string& dir : dirs) {
        const std::string path = (fs::path(dir) / "dataset.json").string();
        if (!fs::exists(path)) {
            throw ConfigError("'" + dir +
                              "' is not a finished data set (no dataset.json): finish its build "
                              "by re-running the same " +
                              layout.buildCommand + " command");
        }
        nlohmann::json j = readJsonFile(path);
        if (j.value("format", std::string()) != layout.format)
            throw ConfigError("'" + dir + "' is not a " + layout.format + " data set");
        if (j.value("format_version", 0) != layout.formatVersion)
            throw FormatError(path, "format_version", "unsupported data-set format version");
        for (const std::string& key : layout.sameKeys) {
            if (!sources.empty() &&
                j.value(key, nlohmann::json()) != sources[0].value(key, nlohmann::json()))
                throw ConfigError("'" + dir + "' differs from '" + dirs[0] + "' in " + key +
                                  "; only shards of one build command can be merged");
        }
        nlohmann::json o = j.at("options");
        o.erase("shard");
        if (sources.empty())
            options = o;
        else if (o != options) {
            throw ConfigError("'" + dir + "' was built with other options than '" + dirs[0] +
                              "'; only shards of one build command can be merged");
        }
        sources.push_back(std::move(j));
    }
    fs::create_directories(outDir);
    MergeResult result;
    std::string manifest;
    {
        const std::string first = readFileToString((fs::path(dirs[0]) / layout.tableFile).string());
        manifest = first.substr(0, first.find('\n')) + "\n";
    }
    nlohmann::json shards = nlohmann::json::array();
    nlohmann::json skipped = nlohmann::json::array();
    nlohmann::json mergedFrom = nlohmann::json::array();
    std::map<std::string, std::size_t> byReason;
    std::map<std::string, std::size_t> counts;
    for (std::size_t s = 0; s < dirs.size(); ++s) {
        const nlohmann::json& j = sources[s];
        mergedFrom.push_back(j.at("options").at("shard"));
        std::vector<std::size_t> shardMap;  // source shard → merged shard
        for (const auto& sh : j.at("shards")) {
            const std::string file = sh.at("file").get<std::string>();
            const std::string dest = shardFileName(result.shards);
            const fs::path from = fs::path(dirs[s]) / file;
            const fs::path to = fs::path(outDir) / dest;
            std::error_code ec;
            fs::create_hard_link(from, to, ec);
            if (ec) {
                fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
                if (ec)
                    throw IoError(to.string(),
                                  "cannot copy " + from.string() + ": " + ec.message());
            }
            shards.push_back(
                {{"file", dest},
                 {layout.rowsKey, sh.at(layout.rowsKey)},
                 {"first_index", result.slices + sh.at("first_index").get<std::size_t>()}});
            shardMap.push_back(result.shards++);
        }
        // Rows: renumber the index (first field) and the shard (second); the rest is unchanged.
        const std::string manifestPath = (fs::path(dirs[s]) / layout.tableFile).string();
        std::istringstream in(readFileToString(manifestPath));
        std::string line;
        std::getline(in, line);  // header
        std::size_t rows = 0;
        while (std::getline(in, line)) {
            if (line.empty()) continue;
            const std::size_t c1 = line.find(',');
            const std::size_t c2 = c1 == std::string::npos ? c1 : line.find(',', c1 + 1);
            if (c2 == std::string::npos)
                throw FormatError(manifestPath, "row " + std::to_string(rows + 1),
                                  "too few fields");
            const std::size_t shard = std::stoul(line.substr(c1 + 1, c2 - c1 - 1));
            if (shard >= shardMap.size())
                throw FormatError(manifestPath, "row " + std::to_string(rows + 1), "unknown shard");
            manifest += std::to_string(result.slices + rows) + ',' +
                        std::to_string(shardMap[shard]) + line.substr(c2) + '\n';
            ++rows;
        }
        if (rows != j.at("counts").at(layout.rowsKey).get<std::size_t>())
            throw FormatError(manifestPath, "", "row count differs from dataset.json's count");
        result.slices += rows;
        for (const auto& item : j.at("skipped")) skipped.push_back(item);
        for (const auto& [reason, n] : j.at("skipped_by_reason").items())
            byReason[reason] += n.get<std::size_t>();
        for (const auto& [key, n] : j.at("counts").items()) counts[key] += n.get<std::size_t>();
    }
    writeFileAtomically((fs::path(outDir) / layout.tableFile).string(), manifest);
    nlohmann::json out = sources[0];
    out["options"]["shard"] = "merged";
    out["merged_from"] = mergedFrom;
    out["counts"] = counts;
    out["skipped_by_reason"] = byReason;
    out["skipped"] = skipped;
    out["shards"] = shards;
    writeFileAtomically((fs::path(outDir) / "dataset.json").string(), out.dump(2) + "\n");
    result.sources = dirs.size();
    return result;
}

void prepareBuildDirectory(const std::string& outDir, const std::string& pngDir,
                           const std::string& optionsJson) {
    if (outDir.empty()) throw ConfigError("no output directory given (--out)");
    std::filesystem::create_directories(std::filesystem::path(outDir) / "parts");
    if (!pngDir.empty()) std::filesystem::create_directories(pngDir);
    checkOrRecordOptions(outDir, optionsJson);
}

}  // namespace cw
