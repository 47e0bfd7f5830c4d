// ECD data-set building (engine/dataset/ecd_builder.h, store.h): counts agree with the manifest, every
// stored slice equals the Slicer's output for its manifest row, bytes do not depend on the
// thread count or on interruption, shards merge to the unsharded content, filters are counted,
// and another command line against an existing directory is refused.
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/npy.h"
#include "dataset/ecd_builder.h"
#include "dataset/store.h"
#include "io/structure_stream.h"

namespace fs = std::filesystem;

namespace {

const std::string kSmall = std::string(CW_TEST_DATA_DIR) + "/collections/mp_small.json";

cw::EcdDatasetOptions smallOptions() {
    cw::EcdDatasetOptions o;
    o.inputs = {kSmall};
    o.perStructure = 5;
    o.seed = 7;
    o.structuresPerShard = 4;
    o.parameters.size = 32;
    return o;
}

cw::EcdBuildResult build(const cw::EcdDatasetOptions& o, const std::string& dir, int threads = 1,
                      std::stop_token stop = {}, cw::ProgressSink* sink = nullptr) {
    cw::EcdBuildSettings s;
    s.outDir = dir;
    s.threads = threads;
    cw::NullProgressSink null;
    return cw::buildEcdDataset(o, s, sink ? *sink : null, stop);
}

/// Every regular file of a data set (relative path → bytes), parts/ excluded.
std::map<std::string, std::string> files(const std::string& dir) {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_regular_file())
            out[e.path().filename().string()] = cw::readFileToString(e.path().string());
    return out;
}

std::vector<std::vector<std::string>> manifestRows(const std::string& dir) {
    std::istringstream in(cw::readFileToString(dir + "/manifest.csv"));
    std::string line;
    std::getline(in, line);
    std::vector<std::vector<std::string>> rows;
    while (std::getline(in, line)) {
        std::vector<std::string> f;
        std::stringstream ls(line);
        std::string field;
        while (std::getline(ls, field, ',')) f.push_back(field);
        rows.push_back(f);
    }
    return rows;
}

nlohmann::json datasetJson(const std::string& dir) {
    return nlohmann::json::parse(cw::readFileToString(dir + "/dataset.json"));
}

/// Slice key "material:i,j,k" → pixel bytes, over the whole data set.
std::map<std::string, std::string> slicesByKey(const std::string& dir) {
    const nlohmann::json ds = datasetJson(dir);
    std::vector<cw::NpyArray> shards;
    for (const auto& s : ds["shards"])
        shards.push_back(cw::readNpy(dir + "/" + s["file"].get<std::string>()));
    std::map<std::string, std::string> out;
    for (const auto& r : manifestRows(dir)) {
        const cw::NpyArray& a = shards.at(std::stoul(r[1]));
        const std::size_t n = a.shape[1] * a.shape[2];
        const float* p = a.f32.data() + std::stoul(r[2]) * n;
        out[r[4] + ":" + r[5] + "," + r[9] + "," + r[13]] =
            std::string(reinterpret_cast<const char*>(p), n * sizeof(float));
    }
    return out;
}

/// Keeps the "slices" events.
class SliceEventLog final : public cw::ProgressSink {
public:
    void report(const cw::ProgressEvent& e) override {
        if (e.stage == "slices") events.push_back(e);
    }
    std::vector<cw::ProgressEvent> events;
};

/// Requests a stop when the first unit has been written.
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

class TestDatasetBuilder : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void countsMatchManifestAndSlicesMatchSlicer() {
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString() + "/ds";
        const cw::EcdDatasetOptions o = smallOptions();
        const cw::EcdBuildResult r = build(o, dir, 2);
        QVERIFY(!r.cancelled);
        const nlohmann::json ds = datasetJson(dir);
        const auto rows = manifestRows(dir);
        QCOMPARE(ds["counts"]["slices"].get<std::size_t>(), rows.size());
        QCOMPARE(r.slices, rows.size());
        QVERIFY(rows.size() > 0);
        QCOMPARE(ds["format_version"].get<int>(), cw::kDatasetFormatVersion);
        // 12 structures: two have 2 sites (no triples); the others give 5 slices each.
        QCOMPARE(r.structures, std::size_t{10});
        QCOMPARE(rows.size(), std::size_t{50});
        QCOMPARE(r.skippedByReason.at("no_slices"), std::size_t{2});
        QCOMPARE(ds["counts"]["train"].get<std::size_t>() + ds["counts"]["val"].get<std::size_t>() +
                     ds["counts"]["test"].get<std::size_t>(),
                 rows.size());

        const std::vector<cw::Structure> structures = cw::readStructures(kSmall);
        std::vector<cw::NpyArray> shards;
        std::size_t total = 0;
        for (const auto& s : ds["shards"]) {
            shards.push_back(cw::readNpy(dir + "/" + s["file"].get<std::string>()));
            QCOMPARE(shards.back().shape.size(), std::size_t{3});
            QCOMPARE(shards.back().shape[0], s["slices"].get<std::size_t>());
            QCOMPARE(shards.back().shape[1], std::size_t{32});
            total += shards.back().shape[0];
        }
        QCOMPARE(total, rows.size());
        std::map<std::string, std::string> splitOf;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const auto& r = rows[i];
            QCOMPARE(r.size(), std::size_t{29});
            QCOMPARE(std::stoul(r[0]), i);
            const cw::Structure& s = structures.at(std::stoul(r[3]));
            QCOMPARE(QString::fromStdString(r[4]), QString::fromStdString(s.id()));
            cw::PickTriple picks;
            for (int k = 0; k < 3; ++k) {
                picks[k].site = std::stoi(r[5 + 4 * k]);
                for (int a = 0; a < 3; ++a) picks[k].translation[a] = std::stoi(r[6 + 4 * k + a]);
            }
            const cw::SliceResult expected = cw::Slicer(s, o.parameters).slice(picks);
            const cw::NpyArray& a = shards.at(std::stoul(r[1]));
            const float* p = a.f32.data() + std::stoul(r[2]) * 32 * 32;
            QVERIFY(std::equal(expected.image.data.begin(), expected.image.data.end(), p));
            QCOMPARE(std::stoi(r[26]), expected.metadata.atomsInWindow);
            // No material spans two splits.
            if (splitOf.count(r[4])) QCOMPARE(splitOf[r[4]], r[27]);
            splitOf[r[4]] = r[27];
            QCOMPARE(QString::fromStdString(r[28]),
                     QString::fromStdString(cw::parametersHash(o.parameters)));
        }
    }

    void integerDtypesStoreRoundedFloatPixels() {
        QTemporaryDir tmp;
        const std::string f = tmp.path().toStdString() + "/f32";
        build(smallOptions(), f, 2);
        const nlohmann::json fds = datasetJson(f);
        QCOMPARE(fds["dtype"].get<std::string>(), std::string("float32"));
        for (const auto& [dtype, scale] : {std::pair{cw::NpyDtype::UInt16, 65535.0},
                                           std::pair{cw::NpyDtype::UInt8, 255.0}}) {
            const std::string name = cw::datasetDtypeName(dtype);
            const std::string dir = tmp.path().toStdString() + "/" + name;
            cw::EcdDatasetOptions o = smallOptions();
            o.dtype = dtype;
            build(o, dir, 2);
            const nlohmann::json ds = datasetJson(dir);
            QCOMPARE(ds["dtype"].get<std::string>(), name);
            QCOMPARE(ds["options"]["dtype"].get<std::string>(), name);
            // Same slices, same manifest; only the pixel type differs.
            QCOMPARE(cw::readFileToString(dir + "/manifest.csv"),
                     cw::readFileToString(f + "/manifest.csv"));
            QCOMPARE(ds["shards"].size(), fds["shards"].size());
            std::size_t pixels = 0;
            for (std::size_t s = 0; s < ds["shards"].size(); ++s) {
                const std::string file = ds["shards"][s]["file"].get<std::string>();
                const cw::NpyArray a = cw::readNpy(dir + "/" + file);
                const cw::NpyArray ref = cw::readNpy(f + "/" + file);
                QVERIFY(a.dtype == dtype);
                QVERIFY(a.shape == ref.shape);
                for (std::size_t i = 0; i < ref.f32.size(); ++i, ++pixels) {
                    const long expected = std::lround(scale * static_cast<double>(ref.f32[i]));
                    const long got = dtype == cw::NpyDtype::UInt16 ? long{a.u16[i]} : long{a.u8[i]};
                    if (got != expected)
                        QFAIL(qPrintable(QString("%1 pixel %2 of %3: %4, expected round(%5·%6) = %7")
                                             .arg(name.c_str())
                                             .arg(i)
                                             .arg(file.c_str())
                                             .arg(got)
                                             .arg(scale)
                                             .arg(static_cast<double>(ref.f32[i]), 0, 'g', 9)
                                             .arg(expected)));
                }
            }
            QVERIFY(pixels > 0);
            // Resuming with another dtype is refused and names it.
            try {
                build(smallOptions(), dir, 1);
                QFAIL("a float32 build over a uint dataset was accepted");
            } catch (const cw::ConfigError& e) {
                QVERIFY2(std::string(e.what()).find("dtype") != std::string::npos, e.what());
            }
        }
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, cw::parseDatasetDtype("float16"));
    }

    void expectedEntriesGiveAnEstimatedTotal() {
        QTemporaryDir tmp;
        cw::EcdBuildSettings s;
        s.outDir = tmp.path().toStdString() + "/ds";
        s.threads = 2;
        s.expectedEntries = cw::readStructures(kSmall).size();
        SliceEventLog log;
        const cw::EcdBuildResult r = cw::buildEcdDataset(smallOptions(), s, log);
        QVERIFY(!log.events.empty());
        for (const auto& e : log.events) QVERIFY(e.total >= e.step && e.total > 0);
        QCOMPARE(log.events.back().step, static_cast<std::int64_t>(r.slices));
        QCOMPARE(log.events.back().total, static_cast<std::int64_t>(r.slices));
        // Unknown: no total.
        SliceEventLog unknown;
        build(smallOptions(), tmp.path().toStdString() + "/ds2", 1, {}, &unknown);
        for (const auto& e : unknown.events) QCOMPARE(e.total, std::int64_t{0});
    }

    void threadCountDoesNotChangeBytes() {
        QTemporaryDir tmp;
        const std::string a = tmp.path().toStdString() + "/a", b = tmp.path().toStdString() + "/b";
        build(smallOptions(), a, 1);
        build(smallOptions(), b, 4);
        QVERIFY(files(a) == files(b));
    }

    void interruptedBuildResumesToIdenticalBytes() {
        QTemporaryDir tmp;
        const std::string full = tmp.path().toStdString() + "/full";
        const std::string part = tmp.path().toStdString() + "/part";
        build(smallOptions(), full, 2);

        // Stop after the first unit, then re-run.
        std::stop_source source;
        StopAfterUnit sink(source);
        const cw::EcdBuildResult stopped = build(smallOptions(), part, 2, source.get_token(), &sink);
        QVERIFY(stopped.cancelled);
        QCOMPARE(stopped.units, std::size_t{1});
        QVERIFY(!fs::exists(part + "/dataset.json"));
        for (const auto& e : fs::directory_iterator(part)) QVERIFY(e.path().extension() != ".part");
        const cw::EcdBuildResult resumed = build(smallOptions(), part, 3);
        QVERIFY(!resumed.cancelled);
        QCOMPARE(resumed.unitsResumed, std::size_t{1});
        QVERIFY(files(full) == files(part));

        // A kill -9 mid-unit: the last shard, its manifest part and marker are gone, a stray
        // .part file is left.
        const std::size_t last = resumed.units - 1;
        fs::remove(part + "/" + cw::shardFileName(last));
        fs::remove(part + "/parts/" + cw::manifestPartName(last));
        fs::remove(part + "/parts/" + cw::unitFileName(last));
        fs::remove(part + "/dataset.json");
        cw::writeFileAtomically(part + "/" + cw::shardFileName(last) + ".part", "garbage");
        const cw::EcdBuildResult again = build(smallOptions(), part, 1);
        QCOMPARE(again.unitsResumed, resumed.units - 1);
        QVERIFY(files(full) == files(part));
    }

    void shardsMergeToTheUnshardedContent() {
        QTemporaryDir tmp;
        const std::string t = tmp.path().toStdString();
        build(smallOptions(), t + "/full", 2);
        cw::EcdDatasetOptions s0 = smallOptions(), s1 = smallOptions();
        s0.shardIndex = 0;
        s0.shardCount = 2;
        s1.shardIndex = 1;
        s1.shardCount = 2;
        build(s0, t + "/s0", 2);
        build(s1, t + "/s1", 2);
        const cw::MergeResult m = cw::mergeDatasets({t + "/s0", t + "/s1"}, t + "/merged");
        const auto fullSlices = slicesByKey(t + "/full");
        QCOMPARE(m.slices, fullSlices.size());
        QVERIFY(slicesByKey(t + "/merged") == fullSlices);
        const auto rows = manifestRows(t + "/merged");
        for (std::size_t i = 0; i < rows.size(); ++i) QCOMPARE(std::stoul(rows[i][0]), i);
        QCOMPARE(datasetJson(t + "/merged")["counts"]["structures_skipped"].get<std::size_t>(),
                 datasetJson(t + "/full")["counts"]["structures_skipped"].get<std::size_t>());
        // Shards of different commands do not merge.
        cw::EcdDatasetOptions other = s1;
        other.seed = 8;
        build(other, t + "/other", 2);
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError,
                                 cw::mergeDatasets({t + "/s0", t + "/other"}, t + "/m2"));
    }

    void filtersAreCounted() {
        QTemporaryDir tmp;
        const std::string t = tmp.path().toStdString();
        cw::EcdDatasetOptions o = smallOptions();
        o.maxSites = 6;  // mp-10003 (12), mp-19306 (14), mp-841, mp-10810, mp-973684 (8)
        const cw::EcdBuildResult r = build(o, t + "/sites");
        QCOMPARE(r.skippedByReason.at("too_many_sites"), std::size_t{5});
        QCOMPARE(datasetJson(t + "/sites")["skipped_by_reason"]["too_many_sites"].get<int>(), 5);

        // e_above_hull: a copy of the collection with the property on every structure.
        std::vector<cw::Structure> structures = cw::readStructures(kSmall);
        for (std::size_t i = 0; i < structures.size(); ++i)
            structures[i].setProperty("e_above_hull", i % 3 == 0 ? 0.5 : 0.0);
        const std::string copy = t + "/hull.json";
        cw::writeStructures(copy, structures);
        o = smallOptions();
        o.inputs = {copy};
        const cw::EcdBuildResult h = build(o, t + "/hull");
        QCOMPARE(h.skippedByReason.at("e_above_hull"), std::size_t{4});  // 0, 3, 6, 9
        o.maxEAboveHull.reset();
        const cw::EcdBuildResult off = build(o, t + "/hull-off");
        QCOMPARE(off.skippedByReason.count("e_above_hull"), std::size_t{0});

        // A bad entry is reported and skipped.
        o = smallOptions();
        o.inputs = {std::string(CW_TEST_DATA_DIR) + "/collections/mp_broken.json"};
        const cw::EcdBuildResult b = build(o, t + "/broken");
        QVERIFY(b.skippedByReason.count("unreadable") == 1);
        QVERIFY(b.slices > 0);
    }

    void otherOptionsAgainstAnExistingDirectoryAreRefused() {
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString() + "/ds";
        build(smallOptions(), dir);
        cw::EcdDatasetOptions o = smallOptions();
        o.parameters.size = 64;
        try {
            build(o, dir);
            QFAIL("expected ConfigError");
        } catch (const cw::ConfigError& e) {
            QVERIFY2(std::string(e.what()).find("parameters") != std::string::npos, e.what());
            QVERIFY2(std::string(e.what()).find("other options") != std::string::npos, e.what());
        }
        // The same options are a no-op resume.
        const cw::EcdBuildResult again = build(smallOptions(), dir);
        QCOMPARE(again.unitsResumed, again.units);
    }

    void splitsAreReproducibleAndProportional() {
        const std::array<double, 3> f{0.8, 0.1, 0.1};
        std::array<int, 3> counts{};
        for (int i = 0; i < 10000; ++i) {
            const std::string id = "mp-" + std::to_string(i);
            const int s = cw::assignSplit(id, 3, f);
            QCOMPARE(cw::assignSplit(id, 3, f), s);
            ++counts[s];
        }
        QVERIFY(counts[0] > 7700 && counts[0] < 8300);
        QVERIFY(counts[1] > 850 && counts[1] < 1150);
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, cw::parseSplitFractions("0.5,0.5,0.5"));
        QCOMPARE(cw::parseSplitFractions("0.64,0.16,0.20")[2], 0.20);
    }
};

QTEST_APPLESS_MAIN(TestDatasetBuilder)
#include "test_dataset_builder.moc"
