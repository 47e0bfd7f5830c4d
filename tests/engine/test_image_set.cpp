// Data sets read as training images (engine/dataset/image_set.h): tiny real ECD and encoding
// data sets built in the test; every item equals 2·(stored value) − 1 of the shard read
// independently, CrysTens goes from channels last to CHW, resizing is an area average or
// bilinear, conditions come from the table (space group labels, standardised properties), and
// every error names the file, line or column.
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>

#include "core/error.h"
#include "core/npy.h"
#include "core/csv_reader.h"
#include "dataset/image_set.h"
#include "tiny_datasets.h"

namespace fs = std::filesystem;
using cw::test::readDatasetJson;
using cw::test::readSimpleTable;

namespace {

/// Stored values of every row of a split, in table order: (shard, row) → float in [0, 1].
struct StoredItems {
    std::vector<std::vector<float>> values;  // per item, in file order
    std::vector<std::string> ids;
};

StoredItems storedItems(const std::string& dir, const std::string& table,
                        const std::string& split) {
    const auto ds = readDatasetJson(dir);
    std::vector<cw::NpyArray> shards;
    for (const auto& s : ds["shards"])
        shards.push_back(cw::readNpy(dir + "/" + s["file"].get<std::string>()));
    const auto t = readSimpleTable(dir + "/" + table);
    StoredItems out;
    for (const auto& r : t.rows) {
        if (split != "all" && r[t.column("split")] != split) continue;
        const cw::NpyArray& a = shards.at(std::stoul(r[t.column("shard")]));
        const std::size_t n = a.elementCount() / a.shape[0];
        const std::size_t first = std::stoul(r[t.column("row")]) * n;
        std::vector<float> v(n);
        for (std::size_t i = 0; i < n; ++i) {
            switch (a.dtype) {
                case cw::NpyDtype::Float32:
                    v[i] = a.f32[first + i];
                    break;
                case cw::NpyDtype::UInt8:
                    v[i] = static_cast<float>(a.u8[first + i]) / 255.0f;
                    break;
                case cw::NpyDtype::UInt16:
                    v[i] = static_cast<float>(a.u16[first + i]) / 65535.0f;
                    break;
            }
        }
        out.values.push_back(std::move(v));
        out.ids.push_back(r[t.column("material_id")]);
    }
    return out;
}

std::vector<float> item(const cw::ImageSet& set, std::size_t index) {
    std::vector<float> pixels(static_cast<std::size_t>(set.channels()) * set.imageSize() *
                              set.imageSize());
    set.readItem(index, pixels.data());
    return pixels;
}

cw::ImageSetOptions splitOptions(const std::string& split, int size = 0,
                                 const std::string& condition = {}) {
    cw::ImageSetOptions o;
    o.split = split;
    o.imageSize = size;
    o.condition = condition;
    return o;
}

/// Bilinear resampling with align_corners = false written out from its definition.
float bilinearReference(const std::vector<float>& in, int n, int m, int y, int x) {
    auto coordinate = [&](int i, int& i0, int& i1, double& w) {
        const double src = std::max(0.0, (i + 0.5) * n / m - 0.5);
        i0 = static_cast<int>(std::floor(src));
        i1 = std::min(i0 + 1, n - 1);
        w = src - i0;
    };
    int y0, y1, x0, x1;
    double wy, wx;
    coordinate(y, y0, y1, wy);
    coordinate(x, x0, x1, wx);
    auto at = [&](int r, int c) {
        return static_cast<double>(in[static_cast<std::size_t>(r * n + c)]);
    };
    return static_cast<float>((1 - wy) * ((1 - wx) * at(y0, x0) + wx * at(y0, x1)) +
                              wy * ((1 - wx) * at(y1, x0) + wx * at(y1, x1)));
}

template <typename E>
QString messageOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const E& e) {
        return QString::fromStdString(e.what());
    } catch (const std::exception& e) {
        return "wrong exception type: " + QString::fromStdString(e.what());
    }
    return "no exception";
}

}  // namespace

class TestImageSet : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;
    std::string m_ecd, m_ecdU8, m_crystens, m_x2p;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        const std::string root = m_tmp.path().toStdString();
        m_ecd = root + "/ecd";
        m_ecdU8 = root + "/ecd-u8";
        m_crystens = root + "/crystens";
        m_x2p = root + "/x2p";
        cw::test::buildTinyEcd(m_ecd);
        cw::test::buildTinyEcd(m_ecdU8, cw::NpyDtype::UInt8);
        cw::test::buildTinyEncoding(m_crystens);
        cw::test::buildTinyEncoding(m_x2p, cw::DatasetEncoding::Xtal2Png);
    }

    void ecdSplitSizesMatchTheManifest() {
        const auto ds = readDatasetJson(m_ecd);
        std::size_t total = 0;
        for (const char* split : {"train", "val", "test"}) {
            const std::size_t expected = ds["counts"][split].get<std::size_t>();
            QVERIFY2(expected > 0, split);
            const cw::ImageSet set(m_ecd, splitOptions(split));
            QCOMPARE(set.size(), expected);
            total += expected;
        }
        const cw::ImageSet all(m_ecd, splitOptions("all"));
        QCOMPARE(all.size(), total);
        QCOMPARE(all.size(), ds["counts"]["slices"].get<std::size_t>());
        QCOMPARE(all.kind(), cw::ImageSetKind::EcdSlices);
        QCOMPARE(std::string(cw::imageSetKindName(all.kind())), std::string("ecd"));
        QCOMPARE(all.channels(), 1);
        QCOMPARE(all.imageSize(), 32);
        QVERIFY(all.augmentable());
        QCOMPARE(all.classes(), 0);
        QCOMPARE(all.conditionDim(), 0);
        QCOMPARE(all.classLabel(0), -1);
        QVERIFY(all.conditionVector(0).empty());
    }

    void ecdItemsAreTwiceTheStoredValueMinusOne() {
        for (const std::string& dir : {m_ecd, m_ecdU8}) {
            const cw::ImageSet set(dir, splitOptions("train"));
            const StoredItems stored = storedItems(dir, "manifest.csv", "train");
            QCOMPARE(set.size(), stored.values.size());
            bool notConstant = false;
            for (std::size_t i = 0; i < set.size(); ++i) {
                QCOMPARE(set.materialId(i), stored.ids[i]);
                const std::vector<float> pixels = item(set, i);
                QCOMPARE(pixels.size(), stored.values[i].size());
                for (std::size_t k = 0; k < pixels.size(); ++k) {
                    QVERIFY(std::abs(pixels[k] - (2.0f * stored.values[i][k] - 1.0f)) < 1e-6f);
                    QVERIFY(pixels[k] >= -1.0f && pixels[k] <= 1.0f);
                    notConstant = notConstant || pixels[k] != pixels[0];
                }
            }
            QVERIFY(notConstant);
        }
        // The 8-bit export holds the float build's values to within 1/510.
        const cw::ImageSet f32(m_ecd, splitOptions("val")), u8(m_ecdU8, splitOptions("val"));
        QCOMPARE(f32.size(), u8.size());
        const auto a = item(f32, 0), b = item(u8, 0);
        for (std::size_t k = 0; k < a.size(); ++k)
            QVERIFY(std::abs(a[k] - b[k]) <= 2.0f / 510 + 1e-6f);
    }

    void integerDownsamplingIsAnAreaAverage() {
        const cw::ImageSet full(m_ecd, splitOptions("train"));
        const cw::ImageSet half(m_ecd, splitOptions("train", 16));
        QCOMPARE(half.imageSize(), 16);
        for (std::size_t i = 0; i < full.size(); i += 3) {
            const auto a = item(full, i), b = item(half, i);
            QCOMPARE(b.size(), std::size_t{16 * 16});
            for (int y = 0; y < 16; ++y)
                for (int x = 0; x < 16; ++x) {
                    const float mean =
                        (a[(2 * y) * 32 + 2 * x] + a[(2 * y) * 32 + 2 * x + 1] +
                         a[(2 * y + 1) * 32 + 2 * x] + a[(2 * y + 1) * 32 + 2 * x + 1]) /
                        4.0f;
                    QVERIFY(std::abs(b[y * 16 + x] - mean) < 1e-6f);
                }
        }
    }

    void aFactorOfFourAveragesWholeBlocks() {
        // At factor 2 bilinear sampling happens to equal the 2 × 2 mean; at 4 it would read only
        // the middle of each block.
        const cw::ImageSet full(m_ecd, splitOptions("val"));
        const cw::ImageSet quarter(m_ecd, splitOptions("val", 8));
        const auto a = item(full, 1), b = item(quarter, 1);
        for (int y = 0; y < 8; ++y)
            for (int x = 0; x < 8; ++x) {
                double sum = 0;
                for (int dy = 0; dy < 4; ++dy)
                    for (int dx = 0; dx < 4; ++dx) sum += a[(4 * y + dy) * 32 + 4 * x + dx];
                QVERIFY(std::abs(b[y * 8 + x] - sum / 16) < 1e-6);
            }
    }

    void otherSizesAreBilinear() {
        const cw::ImageSet full(m_ecd, splitOptions("test"));
        for (int m : {24, 48, 40}) {
            const cw::ImageSet resized(m_ecd, splitOptions("test", m));
            const auto a = item(full, 0), b = item(resized, 0);
            QCOMPARE(b.size(), static_cast<std::size_t>(m * m));
            for (int y = 0; y < m; ++y)
                for (int x = 0; x < m; ++x)
                    QVERIFY(std::abs(b[y * m + x] - bilinearReference(a, 32, m, y, x)) < 1e-5f);
        }
        // Upsampling by 2: the first output pixel is the corner (clamped), the second a 3:1 mix.
        const cw::ImageSet twice(m_ecd, splitOptions("test", 64));
        const auto a = item(full, 0), b = item(twice, 0);
        QVERIFY(std::abs(b[0] - a[0]) < 1e-6f);
        QVERIFY(std::abs(b[1] - (0.75f * a[0] + 0.25f * a[1])) < 1e-6f);
    }

    void crysTensIsReadChannelsFirst() {
        const cw::ImageSet set(m_crystens, splitOptions("all"));
        QCOMPARE(set.kind(), cw::ImageSetKind::CrysTens);
        QCOMPARE(set.channels(), 4);
        QCOMPARE(set.imageSize(), 64);
        QVERIFY(!set.augmentable());
        const StoredItems stored = storedItems(m_crystens, "properties.csv", "all");
        QCOMPARE(set.size(), stored.values.size());
        QVERIFY(set.size() >= 10);
        for (std::size_t i = 0; i < set.size(); ++i) {
            QCOMPARE(set.materialId(i), stored.ids[i]);
            const auto pixels = item(set, i);
            const auto& s = stored.values[i];  // (64, 64, 4)
            for (int c = 0; c < 4; ++c)
                for (int y = 0; y < 64; ++y)
                    for (int x = 0; x < 64; ++x) {
                        const float expected =
                            s[static_cast<std::size_t>((y * 64 + x) * 4 + c)] * 2 - 1;
                        QCOMPARE(pixels[static_cast<std::size_t>((c * 64 + y) * 64 + x)], expected);
                    }
        }
        // Table cells are never resampled: asking for another size is refused, naming the size.
        try {
            const cw::ImageSet half(m_crystens, splitOptions("all", 32));
            QFAIL("a CrysTens set was resampled to 32 px");
        } catch (const cw::ConfigError& e) {
            QVERIFY2(std::string(e.what()).find("cannot be resampled to 32") != std::string::npos, e.what());
        }
        QCOMPARE(cw::ImageSet(m_crystens, splitOptions("all", 64)).imageSize(), 64);
    }

    void xtal2pngIsOneChannelOfBytes() {
        const cw::ImageSet set(m_x2p, splitOptions("train"));
        QCOMPARE(set.kind(), cw::ImageSetKind::Xtal2Png);
        QCOMPARE(set.channels(), 1);
        QCOMPARE(set.imageSize(), 64);
        QVERIFY(!set.augmentable());
        const StoredItems stored = storedItems(m_x2p, "properties.csv", "train");
        QCOMPARE(set.size(), stored.values.size());
        for (std::size_t i = 0; i < set.size(); ++i) {
            const auto pixels = item(set, i);
            for (std::size_t k = 0; k < pixels.size(); ++k)
                QVERIFY(std::abs(pixels[k] - (2 * stored.values[i][k] - 1)) < 1e-6f);
        }
    }

    void spaceGroupLabelsMatchTheTable() {
        const cw::ImageSet set(m_crystens, splitOptions("all", 0, "space_group"));
        QCOMPARE(set.classes(), 230);
        QCOMPARE(set.conditionDim(), 0);
        const auto t = readSimpleTable(m_crystens + "/properties.csv");
        QCOMPARE(set.size(), t.rows.size());
        std::set<int> distinct;
        for (std::size_t i = 0; i < set.size(); ++i) {
            QCOMPARE(set.classLabel(i), std::stoi(t.rows[i][t.column("space_group")]) - 1);
            distinct.insert(set.classLabel(i));
        }
        QVERIFY(distinct.size() > 3);
        QVERIFY(*distinct.begin() >= 0 && *distinct.rbegin() < 230);
        // ECD manifests have no space group.
        const QString m = messageOf<cw::ConfigError>(
            [&] { cw::ImageSet(m_ecd, splitOptions("all", 0, "space_group")); });
        QVERIFY2(m.contains("manifest.csv") && m.contains("space_group"), qPrintable(m));
    }

    void propertyConditionsAreStandardised() {
        const cw::ImageSet set(m_crystens,
                               splitOptions("all", 0, "band_gap, formation_energy_per_atom"));
        QCOMPARE(set.conditionDim(), 2);
        QCOMPARE(set.classes(), 0);
        QCOMPARE(set.conditionNames(),
                 (std::vector<std::string>{"band_gap", "formation_energy_per_atom"}));
        const auto t = readSimpleTable(m_crystens + "/properties.csv");
        for (int k = 0; k < 2; ++k) {
            const std::size_t col = t.column(set.conditionNames()[static_cast<std::size_t>(k)]);
            double sum = 0;
            for (const auto& r : t.rows) sum += std::stod(r[col]);
            QVERIFY(std::abs(set.conditionMeans()[static_cast<std::size_t>(k)] -
                             sum / t.rows.size()) < 1e-12);
            double mean = 0, squares = 0;
            for (std::size_t i = 0; i < set.size(); ++i)
                mean += set.conditionVector(i)[static_cast<std::size_t>(k)];
            mean /= static_cast<double>(set.size());
            for (std::size_t i = 0; i < set.size(); ++i) {
                const double v = set.conditionVector(i)[static_cast<std::size_t>(k)];
                squares += (v - mean) * (v - mean);
                // Undoing the standardisation gives the table's value.
                const double raw = v * set.conditionStds()[static_cast<std::size_t>(k)] +
                                   set.conditionMeans()[static_cast<std::size_t>(k)];
                QVERIFY(std::abs(raw - std::stod(t.rows[i][col])) < 1e-5 * (1 + std::abs(raw)));
            }
            QVERIFY(std::abs(mean) < 1e-6);
            QVERIFY(std::abs(std::sqrt(squares / static_cast<double>(set.size())) - 1.0) < 1e-5);
        }
    }

    void maxItemsKeepsTheFirstItems() {
        cw::ImageSetOptions o = splitOptions("train");
        o.maxItems = 4;
        const cw::ImageSet few(m_ecd, o);
        const cw::ImageSet all(m_ecd, splitOptions("train"));
        QVERIFY(all.size() > 4);
        QCOMPARE(few.size(), std::size_t{4});
        for (std::size_t i = 0; i < 4; ++i) {
            QCOMPARE(few.materialId(i), all.materialId(i));
            QCOMPARE(item(few, i), item(all, i));
        }
    }

    void anEmptyConditionCellNamesFileLineAndColumn() {
        // mp-10810 has a null efermi: its cell is empty.
        const auto t = readSimpleTable(m_crystens + "/properties.csv");
        const std::size_t col = t.column("efermi");
        QVERIFY(col < t.header.size());
        std::size_t line = 0;
        for (std::size_t i = 0; i < t.rows.size() && line == 0; ++i)
            if (t.rows[i][col].empty()) line = i + 2;
        QVERIFY(line > 0);
        try {
            cw::ImageSet(m_crystens, splitOptions("all", 0, "efermi"));
            QFAIL("no error for an empty condition cell");
        } catch (const cw::FormatError& e) {
            QVERIFY2(e.path().ends_with("properties.csv"), e.what());
            QCOMPARE(e.location(), "line " + std::to_string(line) + ", column efermi");
        }
    }

    void errorsNameTheFileOrColumn() {
        const std::string root = m_tmp.path().toStdString();
        QString m =
            messageOf<cw::IoError>([&] { cw::ImageSet(root + "/nowhere", splitOptions("train")); });
        QVERIFY2(m.contains("nowhere"), qPrintable(m));

        // An unfinished build: the message says which command finishes it.
        for (const auto& [source, command] :
             {std::pair{m_ecd, "cwb ecd build"}, std::pair{m_crystens, "cwb crystens build"}}) {
            const std::string copy = root + "/unfinished-" + fs::path(source).filename().string();
            fs::copy(source, copy, fs::copy_options::recursive);
            fs::remove(copy + "/dataset.json");
            m = messageOf<cw::ConfigError>([&] { cw::ImageSet(copy, splitOptions("train")); });
            QVERIFY2(m.contains("dataset.json") && m.contains(command) &&
                         m.contains(QString::fromStdString(copy)),
                     qPrintable(m));
        }

        m = messageOf<cw::ConfigError>([&] { cw::ImageSet(m_ecd, splitOptions("training")); });
        QVERIFY2(m.contains("'training'"), qPrintable(m));
        m = messageOf<cw::ConfigError>(
            [&] { cw::ImageSet(m_crystens, splitOptions("train", 0, "band_gap,bandgap")); });
        QVERIFY2(m.contains("'bandgap'") && m.contains("properties.csv") && m.contains("band_gap"),
                 qPrintable(m));
        m = messageOf<cw::ConfigError>([&] { cw::ImageSet(m_ecd, splitOptions("train", 4)); });
        QVERIFY2(m.contains("image size 4"), qPrintable(m));

        // Raw CrysTens values have no fixed range.
        const std::string raw = root + "/raw";
        cw::test::buildTinyEncoding(raw, cw::DatasetEncoding::CrysTens, true);
        m = messageOf<cw::ConfigError>([&] { cw::ImageSet(raw, splitOptions("train")); });
        QVERIFY2(m.contains("--raw") && m.contains("raw/dataset.json"), qPrintable(m));

        // A shard whose header disagrees with dataset.json, and a truncated shard.
        const std::string edited = root + "/edited";
        fs::copy(m_ecd, edited, fs::copy_options::recursive);
        auto ds = readDatasetJson(edited);
        ds["shards"][1]["slices"] = ds["shards"][1]["slices"].get<int>() + 1;
        std::ofstream(edited + "/dataset.json") << ds.dump(2);
        try {
            cw::ImageSet(edited, splitOptions("train"));
            QFAIL("no error for a shard of the wrong shape");
        } catch (const cw::FormatError& e) {
            QVERIFY2(e.path().ends_with("images-00001.npy") &&
                         std::string(e.what()).find("shape") != std::string::npos,
                     e.what());
        }
        const std::string cut = root + "/cut";
        fs::copy(m_ecd, cut, fs::copy_options::recursive);
        fs::resize_file(cut + "/images-00002.npy", fs::file_size(cut + "/images-00002.npy") - 100);
        try {
            cw::ImageSet(cut, splitOptions("train"));
            QFAIL("no error for a truncated shard");
        } catch (const cw::FormatError& e) {
            QVERIFY2(e.path().ends_with("images-00002.npy") &&
                         std::string(e.what()).find("truncated") != std::string::npos,
                     e.what());
        }

        // A table row pointing outside its shard.
        const std::string bad = root + "/badrow";
        fs::copy(m_ecd, bad, fs::copy_options::recursive);
        std::string text = cw::readFileToString(bad + "/manifest.csv");
        const std::size_t second = text.find('\n', text.find('\n') + 1) + 1;  // line 3
        const std::size_t c1 = text.find(',', second), c2 = text.find(',', c1 + 1),
                          c3 = text.find(',', c2 + 1);
        text.replace(c2 + 1, c3 - c2 - 1, "999");
        std::ofstream(bad + "/manifest.csv") << text;
        try {
            cw::ImageSet(bad, splitOptions("all"));
            QFAIL("no error for a row outside its shard");
        } catch (const cw::FormatError& e) {
            QVERIFY2(e.path().ends_with("manifest.csv") && e.location() == "line 3", e.what());
        }
    }

    void csvReaderHandlesQuotedFields() {
        QTemporaryDir tmp;
        const std::string path = tmp.path().toStdString() + "/t.csv";
        std::ofstream(path) << "a,b,c\n1,\"x,y\",\"say \"\"hi\"\"\"\n\n2,\"two\nlines\",\r\n3,,z";
        cw::CsvReader csv(path);
        std::vector<std::string> f;
        QVERIFY(csv.next(f));
        QCOMPARE(f, (std::vector<std::string>{"a", "b", "c"}));
        QVERIFY(csv.next(f));
        QCOMPARE(f, (std::vector<std::string>{"1", "x,y", "say \"hi\""}));
        QCOMPARE(csv.line(), std::size_t{2});
        QVERIFY(csv.next(f));
        QCOMPARE(f, (std::vector<std::string>{"2", "two\nlines", ""}));
        QCOMPARE(csv.line(), std::size_t{4});
        QVERIFY(csv.next(f));
        QCOMPARE(f, (std::vector<std::string>{"3", "", "z"}));
        QCOMPARE(csv.line(), std::size_t{6});
        QVERIFY(!csv.next(f));

        std::ofstream(path) << "a,b\n1,\"open\n";
        cw::CsvReader broken(path);
        QVERIFY(broken.next(f));
        try {
            broken.next(f);
            QFAIL("no error for an unclosed quote");
        } catch (const cw::FormatError& e) {
            QCOMPARE(e.location(), std::string("line 2"));
        }
    }
};

QTEST_APPLESS_MAIN(TestImageSet)
#include "test_image_set.moc"
