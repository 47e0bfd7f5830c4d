#pragma once
// Tiny real data sets for the loader tests, built by the engine's own builders from the 12 MP
// structures of tests/data/collections/mp_small.json (see its PROVENANCE.md).

#include <cstddef>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "core/atomic_file.h"
#include "core/npy.h"
#include "core/problem_log.h"
#include "core/progress.h"
#include "dataset/ecd_builder.h"
#include "dataset/encoding_builder.h"
#include "io/structure_stream.h"
#include "test_paths.h"

namespace cw::test {

inline const std::string kMpSmall = std::string(CW_TEST_DATA_DIR) + "/collections/mp_small.json";

/// An ECD slice data set: 3 slices per structure at 32² px (10 structures give slices), 4
/// structures per shard (3 shards), split 0.5/0.25/0.25 with seed 5: 5/3/2 materials, so every
/// part is non-empty.
inline void buildTinyEcd(const std::string& dir, cw::NpyDtype dtype = cw::NpyDtype::Float32,
                         std::size_t perStructure = 3) {
    cw::EcdDatasetOptions o;
    o.inputs = {kMpSmall};
    o.perStructure = perStructure;
    o.seed = 5;
    o.structuresPerShard = 4;
    o.split = {0.5, 0.25, 0.25};
    o.parameters.size = 32;
    o.dtype = dtype;
    cw::EcdBuildSettings s;
    s.outDir = dir;
    s.threads = 1;
    cw::NullProgressSink null;
    cw::buildEcdDataset(o, s, null);
}

/// An encoding data set (CrysTens or xtal2png) of the 12 structures, 5 per shard (3 shards);
/// the split gives 6/3/3 materials.
inline void buildTinyEncoding(const std::string& dir,
                              cw::DatasetEncoding encoding = cw::DatasetEncoding::CrysTens,
                              bool raw = false) {
    cw::EncodingDatasetOptions o;
    o.inputs = {kMpSmall};
    o.encoding = encoding;
    o.raw = raw;
    o.seed = 5;
    o.split = {0.5, 0.25, 0.25};
    o.structuresPerShard = 5;
    cw::EncodingBuildSettings s;
    s.outDir = dir;
    s.threads = 1;
    cw::NullProgressSink null;
    cw::buildEncodingDataset(o, s, null);
}

/// The first `count` materials of the shared MP collection (../shared/data; callers check
/// CW_REQUIRE_SHARED_DATA first) as a CrysTens data set in `dir`, the structures also written to
/// `dir`.json.
inline void buildMpEncoding(const std::string& dir, std::size_t count) {
    std::vector<cw::Structure> structures;
    cw::ProblemLog problems;
    cw::forEachStructure(
        sharedDataPath("mp/mp_dev_summary.json.gz"),
        [&](cw::Structure&& s, std::size_t) {
            structures.push_back(std::move(s));
            return structures.size() < count;
        },
        problems);
    cw::writeStructures(dir + ".json", structures);
    cw::EncodingDatasetOptions o;
    o.inputs = {dir + ".json"};
    cw::EncodingBuildSettings s;
    s.outDir = dir;
    s.threads = 1;
    cw::NullProgressSink null;
    cw::buildEncodingDataset(o, s, null);
}

/// A data-set table (manifest.csv or properties.csv) as header + rows, for files whose fields
/// hold no commas (true of the MP ids and formulas used here).
struct SimpleTable {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;

    std::size_t column(const std::string& name) const {
        for (std::size_t i = 0; i < header.size(); ++i)
            if (header[i] == name) return i;
        return header.size();
    }
};

inline std::vector<std::string> splitCommas(const std::string& line) {
    std::vector<std::string> fields;
    std::string field;
    std::stringstream in(line);
    while (std::getline(in, field, ',')) fields.push_back(field);
    if (!line.empty() && line.back() == ',') fields.emplace_back();
    return fields;
}

inline SimpleTable readSimpleTable(const std::string& path) {
    std::istringstream in(cw::readFileToString(path));
    SimpleTable t;
    std::string line;
    std::getline(in, line);
    t.header = splitCommas(line);
    while (std::getline(in, line))
        if (!line.empty()) t.rows.push_back(splitCommas(line));
    return t;
}

inline nlohmann::json readDatasetJson(const std::string& dir) {
    return nlohmann::json::parse(cw::readFileToString(dir + "/dataset.json"));
}

}  // namespace cw::test
