// Encoding data sets (engine/dataset/encoding_builder.h): every stored tensor or image equals
// the encoder's output for its material, the property table holds the source's values, the
// split is by material and reproducible, interruption and thread count do not change the bytes,
// shards merge to the unsharded content, filters are counted, PNG names follow upstream's
// pattern; with the shared data, the full MP dev set is built and timed.
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>
#include <cstring>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/npy.h"
#include "dataset/encoding_builder.h"
#include "dataset/store.h"
#include "encoding/crystens.h"
#include "io/structure_stream.h"
#include "test_paths.h"

namespace fs = std::filesystem;

namespace {

const std::string kSmall = std::string(CW_TEST_DATA_DIR) + "/collections/mp_small.json";
const std::string kSmallGz = std::string(CW_TEST_DATA_DIR) + "/collections/mp_small.json.gz";
const std::string kAlexandria =
    std::string(CW_TEST_DATA_DIR) + "/collections/alexandria_small.json.bz2";

cw::EncodingDatasetOptions smallOptions(
    cw::DatasetEncoding encoding = cw::DatasetEncoding::CrysTens) {
    cw::EncodingDatasetOptions o;
    o.inputs = {kSmall};
    o.encoding = encoding;
    o.seed = 7;
    o.structuresPerShard = 5;
    return o;
}

cw::EncodingBuildResult build(const cw::EncodingDatasetOptions& o, const std::string& dir,
                              int threads = 1, std::stop_token stop = {},
                              cw::ProgressSink* sink = nullptr, const std::string& pngDir = {}) {
    cw::EncodingBuildSettings s;
    s.outDir = dir;
    s.threads = threads;
    s.pngDir = pngDir;
    cw::NullProgressSink null;
    return cw::buildEncodingDataset(o, s, sink ? *sink : null, stop);
}

std::map<std::string, std::string> files(const std::string& dir) {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_regular_file())
            out[e.path().filename().string()] = cw::readFileToString(e.path().string());
    return out;
}

std::vector<std::string> splitCsv(const std::string& line) {
    std::vector<std::string> f;
    std::string cur;
    for (char c : line) {
        if (c == ',') {
            f.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    f.push_back(cur);
    return f;
}

struct Table {
    std::vector<std::string> header;
    std::vector<std::map<std::string, std::string>> rows;
};

Table readTable(const std::string& dir) {
    std::istringstream in(cw::readFileToString(dir + "/properties.csv"));
    Table t;
    std::string line;
    std::getline(in, line);
    t.header = splitCsv(line);
    while (std::getline(in, line)) {
        const auto f = splitCsv(line);
        std::map<std::string, std::string> row;
        for (std::size_t i = 0; i < f.size() && i < t.header.size(); ++i) row[t.header[i]] = f[i];
        if (f.size() != t.header.size()) row["__bad"] = line;
        t.rows.push_back(row);
    }
    return t;
}

nlohmann::json datasetJson(const std::string& dir) {
    return nlohmann::json::parse(cw::readFileToString(dir + "/dataset.json"));
}

/// The stored bytes of the item of a table row.
std::string itemBytes(const std::string& dir, const std::map<std::string, std::string>& row) {
    const nlohmann::json ds = datasetJson(dir);
    const std::size_t shard = std::stoul(row.at("shard")), r = std::stoul(row.at("row"));
    const cw::NpyArray a = cw::readNpy(dir + "/" + ds["shards"][shard]["file"].get<std::string>());
    std::size_t item = 1;
    for (std::size_t i = 1; i < a.shape.size(); ++i) item *= a.shape[i];
    if (a.dtype == cw::NpyDtype::Float32)
        return std::string(reinterpret_cast<const char*>(a.f32.data() + r * item), item * 4);
    return std::string(reinterpret_cast<const char*>(a.u8.data() + r * item), item);
}

/// material id → (row without index/shard/row, stored bytes): a data set's content.
std::map<std::string, std::pair<std::string, std::string>> content(const std::string& dir) {
    std::map<std::string, std::pair<std::string, std::string>> out;
    const Table t = readTable(dir);
    for (const auto& row : t.rows) {
        std::string rest;
        for (std::size_t i = 3; i < t.header.size(); ++i) rest += row.at(t.header[i]) + ",";
        out[row.at("material_id")] = {rest, itemBytes(dir, row)};
    }
    return out;
}

std::map<std::string, cw::Structure> structuresById(const std::string& path) {
    std::map<std::string, cw::Structure> out;
    for (cw::Structure& s : cw::readStructures(path)) out[s.id()] = s;
    return out;
}

class StopAfterUnit final : public cw::ProgressSink {
public:
    explicit StopAfterUnit(std::stop_source& s) : m_source(s) {}
    void report(const cw::ProgressEvent& e) override {
        if (e.stage == "unit") m_source.request_stop();
    }

private:
    std::stop_source& m_source;
};

}  // namespace

class TestEncodingDataset : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void crysTensItemsEqualTheEncoder() {
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString() + "/ds";
        const cw::EncodingBuildResult r = build(smallOptions(), dir, 2);
        QVERIFY(!r.cancelled);
        QCOMPARE(r.rows, std::size_t{12});
        QCOMPARE(r.units, std::size_t{3});
        const nlohmann::json ds = datasetJson(dir);
        QCOMPARE(ds["counts"]["rows"].get<std::size_t>(), std::size_t{12});
        QCOMPARE(ds["counts"]["structures_considered"].get<std::size_t>(), std::size_t{12});
        QCOMPARE(ds["dtype"].get<std::string>(), std::string("float32"));
        const cw::NpyArray a0 = cw::readNpy(dir + "/" + cw::shardFileName(0));
        QVERIFY((a0.shape == std::vector<std::size_t>{5, 64, 64, 4}));

        const auto byId = structuresById(kSmall);
        const Table t = readTable(dir);
        QCOMPARE(t.rows.size(), std::size_t{12});
        for (std::size_t i = 0; i < t.rows.size(); ++i) {
            const auto& row = t.rows[i];
            QVERIFY(!row.count("__bad"));
            QCOMPARE(std::stoul(row.at("index")), i);
            const cw::Structure& s = byId.at(row.at("material_id"));
            cw::CrysTensOptions co;
            co.knownSpaceGroup = static_cast<int>(s.properties().at("symmetry_number"));
            const cw::CrysTensTensor expected = cw::encodeCrysTens(s, co);
            const std::string stored = itemBytes(dir, row);
            QCOMPARE(stored.size(), expected.data.size() * sizeof(float));
            QVERIFY(std::memcmp(stored.data(), expected.data.data(), stored.size()) == 0);
            QCOMPARE(row.at("formula"), s.reducedFormula());
            QCOMPARE(std::stoul(row.at("nsites")), s.size());
            QCOMPARE(std::stoi(row.at("space_group")), co.knownSpaceGroup);
        }
    }

    void xtal2pngItemsEqualTheEncoderAndThreadsDoNotMatter() {
        QTemporaryDir tmp;
        const std::string a = tmp.path().toStdString() + "/a", b = tmp.path().toStdString() + "/b";
        build(smallOptions(cw::DatasetEncoding::Xtal2Png), a, 1);
        build(smallOptions(cw::DatasetEncoding::Xtal2Png), b, 4);
        QVERIFY(files(a) == files(b));
        const cw::NpyArray a0 = cw::readNpy(a + "/" + cw::shardFileName(0));
        QVERIFY(a0.dtype == cw::NpyDtype::UInt8);
        QVERIFY((a0.shape == std::vector<std::size_t>{5, 64, 64}));
        const auto byId = structuresById(kSmall);
        for (const auto& row : readTable(a).rows) {
            const cw::Structure& s = byId.at(row.at("material_id"));
            cw::Xtal2PngOptions xo;
            xo.knownSpaceGroup = static_cast<int>(s.properties().at("symmetry_number"));
            const cw::Xtal2PngImage expected = cw::encodeXtal2Png(s, xo);
            const std::string stored = itemBytes(a, row);
            QVERIFY(stored == std::string(expected.pixels.begin(), expected.pixels.end()));
        }
    }

    void otherCellChoiceUsesSpglib() {
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString() + "/ds";
        cw::EncodingDatasetOptions o = smallOptions();
        o.cell = cw::CellChoice::Conventional;
        o.raw = true;
        build(o, dir, 2);
        const auto byId = structuresById(kSmall);
        for (const auto& row : readTable(dir).rows) {
            const cw::Structure& s = byId.at(row.at("material_id"));
            cw::CrysTensOptions co;
            co.cell = cw::CellChoice::Conventional;
            co.normalize = false;
            const cw::CrysTensTensor expected = cw::encodeCrysTens(s, co);
            const std::string stored = itemBytes(dir, row);
            QVERIFY(std::memcmp(stored.data(), expected.data.data(), stored.size()) == 0);
            QCOMPARE(std::stoi(row.at("space_group")), static_cast<int>(expected(12, 10, 0)));
        }
    }

    void propertyTableHoldsTheSourceValues() {
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString() + "/ds";
        build(smallOptions(), dir, 2);
        const Table t = readTable(dir);
        const nlohmann::json ds = datasetJson(dir);
        const auto props = ds["property_columns"].get<std::vector<std::string>>();
        QVERIFY(std::is_sorted(props.begin(), props.end()));
        QCOMPARE(std::vector<std::string>(t.header.begin() + 8, t.header.end()), props);
        QCOMPARE(std::vector<std::string>(t.header.begin(), t.header.begin() + 8),
                 cw::encodingTableFixedColumns());
        for (const char* name : {"band_gap", "formation_energy_per_atom", "efermi",
                                 "total_magnetization", "density", "volume", "symmetry_number"})
            QVERIFY2(std::find(props.begin(), props.end(), name) != props.end(), name);

        // The values of the JSON file itself, read here as plain data.
        const nlohmann::json docs = nlohmann::json::parse(cw::readFileToString(kSmall));
        std::map<std::string, nlohmann::json> byId;
        for (const auto& d : docs) byId[d["material_id"].get<std::string>()] = d;
        QCOMPARE(byId.at("mp-1000")["band_gap"].get<double>(), 1.593);
        for (const auto& row : t.rows) {
            const nlohmann::json& d = byId.at(row.at("material_id"));
            QCOMPARE(std::stod(row.at("band_gap")), d["band_gap"].get<double>());
            QCOMPARE(std::stod(row.at("formation_energy_per_atom")),
                     d["formation_energy_per_atom"].get<double>());
            if (d["efermi"].is_null())
                QCOMPARE(row.at("efermi"), std::string());  // mp-10810: missing → empty
            else
                QCOMPARE(std::stod(row.at("efermi")), d["efermi"].get<double>());
        }
    }

    void splitsAreByMaterialReproducibleAndProportional() {
        QTemporaryDir tmp;
        const std::string t = tmp.path().toStdString();
        // Every material twice (the plain and the gzip file): one split per material.
        cw::EncodingDatasetOptions o = smallOptions();
        o.inputs = {kSmall, kSmallGz};
        build(o, t + "/a", 2);
        std::map<std::string, std::set<std::string>> splits;
        const Table ta = readTable(t + "/a");
        QCOMPARE(ta.rows.size(), std::size_t{24});
        for (const auto& row : ta.rows) {
            splits[row.at("material_id")].insert(row.at("split"));
            QCOMPARE(row.at("split"), std::string(cw::splitName(cw::assignSplit(
                                          row.at("material_id"), 7, {0.64, 0.16, 0.20}))));
        }
        for (const auto& [id, s] : splits) QVERIFY2(s.size() == 1, id.c_str());
        // Same seed: same bytes; another seed: another split.
        build(o, t + "/b", 1);
        QVERIFY(files(t + "/a") == files(t + "/b"));
        o.seed = 8;
        build(o, t + "/c", 2);
        int differ = 0;
        const Table tc = readTable(t + "/c");
        for (std::size_t i = 0; i < tc.rows.size(); ++i)
            differ += tc.rows[i].at("split") != ta.rows[i].at("split");
        QVERIFY(differ > 0);
        // Proportions of the hash split over many ids: 64/16/20 within 1.5 %.
        std::array<int, 3> n{};
        const int count = 20000;
        for (int i = 0; i < count; ++i)
            ++n[cw::assignSplit("mp-" + std::to_string(i), 7, {0.64, 0.16, 0.20})];
        QVERIFY(std::abs(n[0] / double(count) - 0.64) < 0.015);
        QVERIFY(std::abs(n[1] / double(count) - 0.16) < 0.015);
        QVERIFY(std::abs(n[2] / double(count) - 0.20) < 0.015);
    }

    void interruptedBuildResumesToIdenticalBytes() {
        QTemporaryDir tmp;
        const std::string full = tmp.path().toStdString() + "/full";
        const std::string part = tmp.path().toStdString() + "/part";
        build(smallOptions(), full, 2);
        std::stop_source source;
        StopAfterUnit sink(source);
        const cw::EncodingBuildResult stopped =
            build(smallOptions(), part, 2, source.get_token(), &sink);
        QVERIFY(stopped.cancelled);
        QCOMPARE(stopped.units, std::size_t{1});
        QVERIFY(!fs::exists(part + "/dataset.json"));
        QVERIFY(!fs::exists(part + "/properties.csv"));
        for (const auto& e : fs::directory_iterator(part)) QVERIFY(e.path().extension() != ".part");
        const cw::EncodingBuildResult resumed = build(smallOptions(), part, 3);
        QVERIFY(!resumed.cancelled);
        QCOMPARE(resumed.unitsResumed, std::size_t{1});
        QVERIFY(files(full) == files(part));

        // A kill -9 mid-unit: the last shard and its marker are gone, a stray .part is left.
        const std::size_t last = resumed.units - 1;
        fs::remove(part + "/" + cw::shardFileName(last));
        fs::remove(part + "/parts/" + cw::unitFileName(last));
        fs::remove(part + "/dataset.json");
        cw::writeFileAtomically(part + "/" + cw::shardFileName(last) + ".part", "garbage");
        const cw::EncodingBuildResult again = build(smallOptions(), part, 1);
        QCOMPARE(again.unitsResumed, resumed.units - 1);
        QVERIFY(files(full) == files(part));

        // Other options against the directory are refused.
        cw::EncodingDatasetOptions other = smallOptions();
        other.seed = 9;
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, build(other, part, 1));
    }

    void shardsMergeToTheUnshardedContent() {
        QTemporaryDir tmp;
        const std::string t = tmp.path().toStdString();
        cw::EncodingDatasetOptions o = smallOptions();
        o.inputs = {kSmall, kAlexandria};  // properties differ between the two inputs
        build(o, t + "/full", 2);
        std::vector<std::string> dirs;
        for (int i = 0; i < 3; ++i) {
            cw::EncodingDatasetOptions s = o;
            s.shardIndex = i;
            s.shardCount = 3;
            dirs.push_back(t + "/s" + std::to_string(i));
            build(s, dirs.back(), 2);
            QCOMPARE(datasetJson(dirs.back())["property_columns"],
                     datasetJson(t + "/full")["property_columns"]);
        }
        const cw::MergeResult m = cw::mergeEncodingDatasets(dirs, t + "/merged");
        QCOMPARE(m.slices, std::size_t{24});
        QCOMPARE(m.sources, std::size_t{3});
        // Ids repeat between the two inputs: compare the sorted content rows instead of a map.
        const auto rowsOf = [](const std::string& dir) {
            std::vector<std::string> out;
            const Table tb = readTable(dir);
            for (const auto& row : tb.rows) {
                std::string rest;
                for (std::size_t i = 3; i < tb.header.size(); ++i)
                    rest += row.at(tb.header[i]) + ",";
                out.push_back(rest + itemBytes(dir, row));
            }
            std::sort(out.begin(), out.end());
            return out;
        };
        QVERIFY(rowsOf(t + "/merged") == rowsOf(t + "/full"));
        const Table merged = readTable(t + "/merged");
        for (std::size_t i = 0; i < merged.rows.size(); ++i)
            QCOMPARE(std::stoul(merged.rows[i].at("index")), i);
        QCOMPARE(datasetJson(t + "/merged")["counts"]["rows"].get<std::size_t>(), std::size_t{24});
        // Shards of another command do not merge.
        cw::EncodingDatasetOptions other = o;
        other.shardIndex = 1;
        other.shardCount = 3;
        other.seed = 99;
        build(other, t + "/other", 2);
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError,
                                 cw::mergeEncodingDatasets({dirs[0], t + "/other"}, t + "/m2"));
        // Nor do ECD data sets with encoding ones.
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, cw::mergeDatasets({dirs[0]}, t + "/m3"));
    }

    void filtersAreCounted() {
        QTemporaryDir tmp;
        const std::string t = tmp.path().toStdString();
        cw::EncodingDatasetOptions o = smallOptions();
        o.inputs = {kAlexandria};
        o.maxEAboveHull = 0.0055;  // placeholders 0.001 × index: entries 6…11 go
        cw::EncodingBuildResult r = build(o, t + "/hull", 2);
        QCOMPARE(r.rows, std::size_t{6});
        QCOMPARE(r.skippedByReason.at("e_above_hull"), std::size_t{6});
        const nlohmann::json ds = datasetJson(t + "/hull");
        QCOMPARE(ds["skipped_by_reason"]["e_above_hull"].get<std::size_t>(), std::size_t{6});
        QCOMPARE(ds["counts"]["structures_considered"].get<std::size_t>(), std::size_t{12});
        // Alexandria's spg is the space group used; its properties are columns.
        for (const auto& row : readTable(t + "/hull").rows) {
            QVERIFY(!row.at("e_above_hull").empty());
            QCOMPARE(row.at("space_group"), row.at("spg"));
        }
        o.maxEAboveHull.reset();
        QCOMPARE(build(o, t + "/off", 2).rows, std::size_t{12});
        o.maxEAboveHull = 0.1;
        o.maxSites = 6;
        r = build(o, t + "/sites", 2);
        QCOMPARE(r.rows, std::size_t{7});
        QCOMPARE(r.skippedByReason.at("too_many_sites"), std::size_t{5});
        // Unreadable entries are counted too.
        o.inputs = {std::string(CW_TEST_DATA_DIR) + "/collections/mp_broken.json"};
        o.maxSites = 52;
        r = build(o, t + "/broken", 2);
        QCOMPARE(r.rows, std::size_t{3});
        QCOMPARE(r.skippedByReason.at("unreadable"), std::size_t{3});
    }

    void pngNamesFollowUpstream() {
        QTemporaryDir tmp;
        const std::string t = tmp.path().toStdString();
        build(smallOptions(), t + "/ds", 2, {}, nullptr, t + "/png");
        std::set<std::string> names;
        for (const auto& e : fs::directory_iterator(t + "/png"))
            names.insert(e.path().filename().string());
        std::set<std::string> expected;
        for (const cw::Structure& s : cw::readStructures(kSmall)) {
            cw::Xtal2PngOptions xo;
            xo.knownSpaceGroup = static_cast<int>(s.properties().at("symmetry_number"));
            const cw::Xtal2PngImage image = cw::encodeXtal2Png(s, xo);
            expected.insert(cw::xtal2pngFileName(s, image));
            QCOMPARE(cw::readXtal2PngFile(t + "/png/" + cw::xtal2pngFileName(s, image)).pixels,
                     image.pixels);
        }
        QVERIFY(names == expected);
        const std::regex pattern(R"(^[A-Za-z0-9()]+,space-group=\d{1,3},uid=[0-9a-f]{4}\.png$)");
        for (const std::string& n : names) QVERIFY2(std::regex_match(n, pattern), n.c_str());
        QVERIFY(std::any_of(names.begin(), names.end(), [](const std::string& n) {
            return n.rfind("BaTe,space-group=225,uid=", 0) == 0;  // mp-1000
        }));
    }

    void fullMpDevSet() {
        CW_REQUIRE_SHARED_DATA();
        QTemporaryDir tmp;
        cw::EncodingDatasetOptions o;
        o.inputs = {cw::test::sharedDataPath("mp/mp_dev_summary.json.gz")};
        QElapsedTimer timer;
        timer.start();
        const cw::EncodingBuildResult r = build(o, tmp.path().toStdString() + "/mp", 2);
        const double seconds = timer.elapsed() / 1000.0;
        QVERIFY(!r.cancelled);
        QCOMPARE(r.rows, std::size_t{26959});
        qInfo("full MP dev set, crystens, 2 threads: %zu rows in %zu shards, %.1f s", r.rows,
              r.units, seconds);
    }
};

QTEST_APPLESS_MAIN(TestEncodingDataset)
#include "test_encoding_dataset.moc"
