// The encoding interface and its registry: every registered encoding round-trips real
// structures (Perov-5 rows of the CDVAE CSV, Materials Project entries); the full encodings
// through the interface are byte-identical to the direct encoders; the compact variants keep
// the full layout in a padded, smaller image, refuse larger cells with a clear error, and are
// recorded in dataset.json and read back by the image set.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "crystal_eval/crystal_images.h"
#include "dataset/encoding_builder.h"
#include "dataset/image_set.h"
#include "encoding/crystal_encoding.h"
#include "encoding/crystens.h"
#include "io/structure_stream.h"
#include "test_paths.h"

namespace {

const std::string kPerov = std::string(CW_TEST_DATA_DIR) + "/collections/perov_5_head.csv";
const std::string kMp = std::string(CW_TEST_DATA_DIR) + "/collections/mp_small.json";

double wrappedDiff(double a, double b) {
    const double d = std::abs(a - b);
    const double f = d - std::floor(d);
    return std::min(f, 1 - f);
}

/// Tolerances of a round trip: Å, degrees, fractional.
struct Tolerance {
    double lengthA, angleDeg, frac;
};

/// Decoded against the input: same elements in order, lattice and coordinates within `tol`.
void verifyRoundTrip(const cw::Structure& got, const cw::Structure& want, Tolerance tol, const std::string& what) {
    QVERIFY2(got.size() == want.size(), what.c_str());
    const cw::LatticeParameters p = want.lattice().parameters(), q = got.lattice().parameters();
    const double pv[6] = {p.a, p.b, p.c, p.alpha, p.beta, p.gamma}, qv[6] = {q.a, q.b, q.c, q.alpha, q.beta, q.gamma};
    for (int k = 0; k < 6; ++k)
        QVERIFY2(std::abs(pv[k] - qv[k]) <= (k < 3 ? tol.lengthA : tol.angleDeg), (what + " parameter " + std::to_string(k)).c_str());
    for (std::size_t i = 0; i < want.size(); ++i) {
        QVERIFY2(got.site(i).z == want.site(i).z, what.c_str());
        for (int c = 0; c < 3; ++c)
            QVERIFY2(wrappedDiff(got.site(i).frac[c], want.site(i).frac[c]) <= tol.frac, what.c_str());
    }
}

/// A 24-site cell: more than a 20-site compact encoding holds.
cw::Structure twentyFourSites() {
    cw::Structure s{cw::Lattice::fromParameters({9.0, 9.5, 8.0, 90, 90, 90}), {}};
    for (int i = 0; i < 24; ++i)
        s.addSite({i % 2 ? 8 : 26, Eigen::Vector3d(i / 24.0, std::fmod(0.37 * i, 1.0), std::fmod(0.61 * i, 1.0)), "", 1.0});
    s.setId("made-24");
    return s;
}

}  // namespace

class TestEncodingInterface : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void registryNamesAndLayouts() {
        const auto& names = cw::encodingNames();
        QCOMPARE(names.size(), std::size_t(4));
        const auto full = cw::makeEncoding({"crystens", 0, false});
        QCOMPARE(full->side(), 64);
        QCOMPARE(full->maxSites(), 52);
        QCOMPARE(full->channels(), 4);
        const auto compact = cw::makeEncoding({"xtal2png-compact", 5, false});
        QCOMPARE(compact->side(), 32);  // 12 + 5 padded to the UNet's 32
        QCOMPARE(compact->channels(), 1);
        QCOMPARE(cw::makeEncoding({"crystens-compact", 20, false})->side(), 32);
        QCOMPARE(cw::makeEncoding({"crystens-compact", 21, false})->side(), 48);
        QCOMPARE(cw::paddedEncodingSide(52), 64);
        // Unknown names, compact without a size or with the full size, raw xtal2png: clear errors.
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, cw::makeEncoding({"ftcp", 0, false}));
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, cw::makeEncoding({"crystens-compact", 0, false}));
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, cw::makeEncoding({"crystens-compact", 52, false}));
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, cw::makeEncoding({"crystens", 20, false}));
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, cw::makeEncoding({"xtal2png", 0, true}));
        try {
            cw::makeEncoding({"ftcp", 0, false});
        } catch (const cw::ConfigError& e) {
            QVERIFY(std::string(e.what()).find("crystens-compact") != std::string::npos);
        }
        // The spec survives its JSON.
        const cw::EncodingSpec back = cw::EncodingSpec::fromJson(compact->spec().toJson(), "test");
        QCOMPARE(back.name, std::string("xtal2png-compact"));
        QCOMPARE(back.maxSites, 5);
    }

    void everyEncodingRoundTripsRealStructures() {
        const std::vector<cw::Structure> perov = cw::readStructures(kPerov);
        const std::vector<cw::Structure> mp = cw::readStructures(kMp);
        QCOMPARE(perov.size(), std::size_t(3));  // the fourth row is broken on purpose
        QCOMPARE(mp.size(), std::size_t(12));
        const std::vector<cw::EncodingSpec> specs{{"crystens", 0, false},
                                                  {"xtal2png", 0, false},
                                                  {"crystens-compact", 5, false},
                                                  {"xtal2png-compact", 5, false},
                                                  {"crystens-compact", 20, false},
                                                  {"xtal2png-compact", 20, false}};
        int checked = 0;
        for (const cw::EncodingSpec& spec : specs) {
            const auto e = cw::makeEncoding(spec);
            // CrysTens stores floats (exact to float precision); xtal2png bytes, so half a step
            // of 1/255 of each range: 0.002 of a coordinate, 0.07 Å of c's 2–36 Å, 0.35° of 0–180°.
            const Tolerance tol = spec.name.rfind("crystens", 0) == 0 ? Tolerance{1e-4, 1e-3, 1e-5}
                                                                       : Tolerance{0.07, 0.36, 0.0025};
            for (const auto* set : {&perov, &mp}) {
                for (const cw::Structure& s : *set) {
                    if (s.size() > static_cast<std::size_t>(e->maxSites())) continue;
                    const std::vector<float> image = e->encode(s);
                    QCOMPARE(image.size(), std::size_t(e->channels() * e->side() * e->side()));
                    cw::EncodingDecodeSettings settings;
                    settings.analyzeSymprec = 0;
                    const cw::DecodedCrystal d = e->decode(image.data(), settings);
                    verifyRoundTrip(d.structure, s, tol, spec.name + " " + s.id());
                    // Padding beyond 12 + maxSites stays zero.
                    for (int ch = 0; ch < e->channels(); ++ch)
                        for (int r = 12 + e->maxSites(); r < e->side(); ++r)
                            for (int k = 0; k < e->side(); ++k)
                                QCOMPARE(image[(std::size_t(ch) * e->side() + r) * e->side() + k], 0.0f);
                    ++checked;
                }
            }
        }
        QCOMPARE(checked, 2 * 15 + 2 * 8 + 2 * 15);  // MP: 5 cells of ≤ 5 sites, all 12 of ≤ 20
    }

    void fullEncodingsAreByteIdenticalToTheDirectEncoders() {
        for (const cw::Structure& s : cw::readStructures(kMp)) {
            std::vector<float> f32;
            std::vector<std::uint8_t> u8;
            cw::makeEncoding({"crystens", 0, false})->encodeStored(s, 0, f32, u8);
            QVERIFY(f32 == cw::encodeCrysTens(s).data);
            cw::makeEncoding({"xtal2png", 0, false})->encodeStored(s, 0, f32, u8);
            QVERIFY(u8 == cw::encodeXtal2Png(s).pixels);
        }
    }

    void compactEncodingsKeepTheFullLayout() {
        // The compact tensor is the full one's top-left corner: same header and pairwise cells.
        for (const cw::Structure& s : cw::readStructures(kPerov)) {
            cw::CrysTensOptions small;
            small.maxSites = 5;
            const cw::CrysTensTensor compact = cw::encodeCrysTens(s, small);
            const cw::CrysTensTensor full = cw::encodeCrysTens(s);
            QCOMPARE(compact.side, 32);
            for (int r = 0; r < 32; ++r)
                for (int k = 0; k < 32; ++k)
                    for (int ch = 0; ch < 4; ++ch) QCOMPARE(compact(r, k, ch), full(r, k, ch));
        }
    }

    void robustDecodingRemovesChannelOffsets() {
        // A generated tensor's typical faults: each channel shifted by its own offset, one
        // channel's header copies wrong. The robust decoding (on for generated images) undoes
        // them; the paper's mean-of-copies decoding does not.
        const cw::Structure s = cw::readStructures(kPerov).front();
        const auto e = cw::makeEncoding({"crystens-compact", 5, false});
        std::vector<float> image = e->encode(s);
        const std::size_t plane = 32 * 32;
        const float shift[4] = {0.3f, 0.0f, 0.1f, -0.05f};
        for (int ch = 0; ch < 4; ++ch)
            for (std::size_t k = 0; k < plane; ++k) image[ch * plane + k] += shift[ch];
        for (int i = 0; i < 5; ++i)
            for (int f = 4; f < 7; ++f) image[(12 + i) * 32 + f] += 0.4f;  // channel 0's a, b, c
        cw::EncodingDecodeSettings settings;
        settings.analyzeSymprec = 0;
        const cw::DecodedCrystal robust = e->decode(image.data(), settings);
        verifyRoundTrip(robust.structure, s, {1e-4, 1e-3, 1e-5}, "robust");
        settings.robust = false;
        const cw::DecodedCrystal plain = e->decode(image.data(), settings);
        QVERIFY(plain.structure.size() != s.size() ||
                std::abs(plain.structure.lattice().parameters().a - s.lattice().parameters().a) > 1.0);
    }

    void compactEncodingsRefuseLargerCells() {
        const std::vector<cw::Structure> mp = cw::readStructures(kMp);
        const auto five = cw::makeEncoding({"crystens-compact", 5, false});
        const auto it = std::find_if(mp.begin(), mp.end(), [](const cw::Structure& s) { return s.size() > 5; });
        QVERIFY(it != mp.end());
        try {
            five->encode(*it);
            QFAIL("a cell larger than the compact encoding was encoded");
        } catch (const cw::ValueError& e) {
            const std::string m = e.what();
            QVERIFY2(m.find(it->id()) != std::string::npos && m.find("at most 5") != std::string::npos, m.c_str());
        }
        const auto twenty = cw::makeEncoding({"xtal2png-compact", 20, false});
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, twenty->encode(twentyFourSites()));
    }

    void compactDataSetsRecordTheirLayout() {
        QTemporaryDir tmp;
        cw::EncodingDatasetOptions o;
        o.inputs = {kMp};
        o.setEncodingName("xtal2png-compact");
        o.maxSites = 6;
        o.split = {1.0, 0.0, 0.0};
        cw::EncodingBuildSettings settings;
        settings.outDir = tmp.filePath("ds").toStdString();
        settings.threads = 1;
        cw::NullProgressSink null;
        const cw::EncodingBuildResult r = cw::buildEncodingDataset(o, settings, null);
        QCOMPARE(r.rows, std::size_t(7));  // the 7 entries of at most 6 sites
        QCOMPARE(r.skippedByReason.at("too_many_sites"), std::size_t(5));
        const nlohmann::json ds = nlohmann::json::parse(cw::readFileToString(settings.outDir + "/dataset.json"));
        QCOMPARE(ds.at("encoding").get<std::string>(), std::string("xtal2png-compact"));
        QCOMPARE(ds.at("encoding_layout").at("max_sites").get<int>(), 6);
        QCOMPARE(ds.at("item_shape"), nlohmann::json({32, 32}));
        cw::ImageSetOptions io;
        io.split = "all";
        const cw::ImageSet set(settings.outDir, io);
        QCOMPARE(set.imageSize(), 32);
        QCOMPARE(cw::EncodingSpec::fromJson(set.encodingJson(), "set").maxSites, 6);
        QCOMPARE(cw::encodingItemSide(settings.outDir).value(), 32);
        // The data set's images decode with the same code to the crystals they came from.
        cw::ProblemLog problems;
        const auto crystals = cw::readCrystalImages(settings.outDir, {}, problems);
        QVERIFY(crystals.has_value());
        QCOMPARE(crystals->size(), std::size_t(7));
        QVERIFY(problems.empty());
        const std::vector<cw::Structure> mp = cw::readStructures(kMp);
        for (const cw::GeneratedCrystal& c : *crystals) {
            const auto src = std::find_if(mp.begin(), mp.end(), [&](const cw::Structure& s) { return s.id() == c.id; });
            QVERIFY(src != mp.end());
            QCOMPARE(c.atomicNumbers.size(), src->size());
        }
        // A compact layout that the item shape contradicts is a format error naming the file.
        nlohmann::json broken = ds;
        broken["encoding_layout"]["max_sites"] = 30;
        broken["encoding_layout"].erase("side");
        cw::writeFileAtomically(settings.outDir + "/dataset.json", broken.dump());
        QVERIFY_THROWS_EXCEPTION(cw::FormatError, cw::ImageSet(settings.outDir, io));
    }
};

QTEST_GUILESS_MAIN(TestEncodingInterface)
#include "test_encoding_interface.moc"
