// xtal2png encoding: the reference pixels of docs/spec/encodings.md (NaCl), pixels of rutile derived by
// hand from the xtal2png formula, NumPy's half-to-even rounding, errors, PNG round trips, and
// (with the shared data) a round trip over every MP dev structure.
#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <cmath>
#include <mutex>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/png_image.h"
#include "core/parallel.h"
#include "encoding/crystens.h"
#include "encoding/xtal2png.h"
#include "io/structure_stream.h"
#include "known_structures.h"
#include "test_paths.h"

namespace {

/// Shortest distance between two fractional values modulo 1.
double wrappedDiff(double a, double b) {
    const double d = std::abs(a - b);
    return std::min(d - std::floor(d), 1 - (d - std::floor(d)));
}

}  // namespace

class TestXtal2Png : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void naclReferencePixels();
    void rutileHandDerivedPixels();
    void roundsHalfToEven();
    void rejectsTooManySitesAndDisorder();
    void cellChoices();
    void pngRoundTrip();
    void rgbInputIsAveraged();
    void refinementLowersPairwiseError();
    void symmetrizeRecoversRockSalt();
    void largerImageWithMaxSites();
    void legacyLayout();
    void mpDevRoundTrip();
};

void TestXtal2Png::naclReferencePixels() {
    const cw::Xtal2PngImage img = cw::encodeXtal2Png(cw::test::rockSaltNaCl());
    QCOMPARE(img.side, 64);
    QCOMPARE(int(img(12, 0)), 22);   // Na, E = 10
    QCOMPARE(int(img(16, 0)), 35);   // Cl, E = 16
    QCOMPARE(int(img(12, 4)), 70);   // a = 5.64 Å
    QCOMPARE(int(img(12, 10)), 39);  // N = 8
    QCOMPARE(int(img(12, 11)), 249); // Fm-3m (225)
    for (int r = 0; r < 64; ++r) {
        for (int k = 0; k < 64; ++k) {
            QCOMPARE(img(r, k), img(k, r));
            if (r < 12 && k < 12) QCOMPARE(int(img(r, k)), 0);
            if (r >= 20 || k >= 20) QCOMPARE(int(img(r, k)), 0);
        }
    }
}

void TestXtal2Png::rutileHandDerivedPixels() {
    // Rutile a = 4.594, c = 2.959 Å, u = 0.3053; sites Ti (0,0,0), Ti (½,½,½), O (u,u,0),
    // O (1−u,1−u,0), O (½+u,½−u,½), O (½−u,½+u,½). pixel = round_half_even((v − lo)/(hi − lo)·255):
    //   Ti E = 21: 21/117·255 = 45.77 → 46;   O E = 7: 7/117·255 = 15.26 → 15
    //   x = u: 0.3053·255 = 77.85 → 78;  1 − u: 177.15 → 177;  ½ + u: 205.35 → 205;
    //   ½ − u: 49.65 → 50;  ½: 127.5 → 128 (tie, even)
    //   a: (4.594 − 2)/13.3·255 = 49.73 → 50;  b: (4.594 − 2)/13·255 = 50.88 → 51;
    //   c: (2.959 − 2)/34·255 = 7.19 → 7;  α = β = γ = 90: 127.5 → 128 (tie, even)
    //   N = 6: 6/52·255 = 29.42 → 29;  P4_2/mnm 136: 135/229·255 = 150.33 → 150
    //   d(Ti0, Ti1) = √(2·2.297² + 1.4795²) = 3.5695 Å: 3.5695/18·255 = 50.57 → 51
    //   d(Ti0, O2) = √2·0.3053·4.594 = 1.9835 Å: 28.10 → 28
    const cw::Xtal2PngImage img = cw::encodeXtal2Png(cw::test::rutileTiO2());
    QCOMPARE(int(img(12, 0)), 46);
    QCOMPARE(int(img(14, 0)), 15);
    QCOMPARE(int(img(14, 1)), 78);
    QCOMPARE(int(img(15, 1)), 177);
    QCOMPARE(int(img(16, 1)), 205);
    QCOMPARE(int(img(16, 2)), 50);
    QCOMPARE(int(img(13, 3)), 128);
    QCOMPARE(int(img(12, 4)), 50);
    QCOMPARE(int(img(12, 5)), 51);
    QCOMPARE(int(img(12, 6)), 7);
    QCOMPARE(int(img(12, 7)), 128);
    QCOMPARE(int(img(12, 10)), 29);
    QCOMPARE(int(img(12, 11)), 150);
    QCOMPARE(int(img(12, 13)), 51);
    QCOMPARE(int(img(12, 14)), 28);
    QCOMPARE(int(img(1, 14)), 78);  // mirror
}

void TestXtal2Png::roundsHalfToEven() {
    QCOMPARE(int(cw::xtal2pngScale(0.3, 0, 1)), 76);  // 76.5 → 76 (std::round would give 77)
    QCOMPARE(int(cw::xtal2pngScale(0.5, 0, 1)), 128); // 127.5 → 128
    QCOMPARE(int(cw::xtal2pngScale(-3, 0, 1)), 0);    // clipped
    QCOMPARE(int(cw::xtal2pngScale(40, 0, 18)), 255); // clipped
    cw::Structure s = cw::test::rockSaltNaCl();
    s.sites()[0].frac = {0.3, 0, 0};
    QCOMPARE(int(cw::encodeXtal2Png(s)(12, 1)), 76);
}

void TestXtal2Png::rejectsTooManySitesAndDisorder() {
    cw::Structure big{cw::Lattice(Eigen::Matrix3d::Identity() * 20.0), {}};
    for (int i = 0; i < 53; ++i) big.addSite({6, Eigen::Vector3d(i / 53.0, 0.5, 0.5), "C", 1.0});
    big.setId("chain53");
    try {
        cw::encodeXtal2Png(big);
        QFAIL("53 sites were accepted");
    } catch (const cw::ValueError& e) {
        QVERIFY(QString(e.what()).contains("53 sites"));
        QVERIFY(QString(e.what()).contains("chain53"));
    }
    QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::encodeCrysTens(big));
    cw::Structure disordered = cw::test::rockSaltNaCl();
    disordered.sites()[0].occupancy = 0.5;
    try {
        cw::encodeXtal2Png(disordered);
        QFAIL("partial occupancy was accepted");
    } catch (const cw::ValueError& e) {
        QVERIFY(QString(e.what()).contains("occupancy 0.5"));
    }
    QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::encodeCrysTens(disordered));
    QVERIFY_THROWS_EXCEPTION(cw::ConfigError, cw::parseCellChoice("reduced"));
    QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::encodeXtal2Png(cw::Structure{}));
}

void TestXtal2Png::cellChoices() {
    cw::Xtal2PngOptions o;
    o.cell = cw::parseCellChoice("primitive");
    const cw::Xtal2PngImage prim = cw::encodeXtal2Png(cw::test::rockSaltNaCl(), o);
    QCOMPARE(int(prim(12, 10)), 10);  // N = 2: 2/52·255 = 9.81 → 10
    QCOMPARE(int(prim(12, 11)), 249);
    QCOMPARE(int(prim(14, 0)), 0);
    o.cell = cw::CellChoice::Niggli;
    QCOMPARE(int(cw::encodeXtal2Png(cw::test::rockSaltNaCl(), o)(12, 10)), 39);
    o.cell = cw::CellChoice::Conventional;
    QCOMPARE(int(cw::encodeXtal2Png(cw::test::rockSaltNaCl(), o)(12, 4)), 70);
    QCOMPARE(QString(cw::cellChoiceName(cw::CellChoice::AsIs)), QString("as-is"));
}

void TestXtal2Png::pngRoundTrip() {
    QTemporaryDir dir;
    for (const cw::Structure& s : {cw::test::rockSaltNaCl(), cw::test::rutileTiO2(), cw::test::wurtziteZnO(),
                                   cw::test::diamondSilicon()}) {
        const cw::Xtal2PngImage img = cw::encodeXtal2Png(s);
        const std::string path = dir.filePath("x.png").toStdString();
        cw::writeXtal2PngFile(path, img);
        const cw::Xtal2PngImage back = cw::readXtal2PngFile(path);
        QCOMPARE(back.side, 64);
        QVERIFY(back.pixels == img.pixels);
        const cw::DecodedCrystal d = cw::decodeXtal2Png(back);
        QCOMPARE(d.structure.size(), s.size());
        for (std::size_t i = 0; i < s.size(); ++i) {
            QCOMPARE(d.structure.site(i).z, s.site(i).z);
            for (int c = 0; c < 3; ++c) QVERIFY(std::abs(d.structure.site(i).frac[c] - s.site(i).frac[c]) <= 0.5 / 255 + 1e-12);
        }
        const cw::LatticeParameters p = s.lattice().parameters(), q = d.structure.lattice().parameters();
        QVERIFY(std::abs(p.a - q.a) <= 13.3 / 510 + 1e-9);
        QVERIFY(std::abs(p.b - q.b) <= 13.0 / 510 + 1e-9);
        QVERIFY(std::abs(p.c - q.c) <= 34.0 / 510 + 1e-9);
        for (auto [x, y] : {std::pair{p.alpha, q.alpha}, {p.beta, q.beta}, {p.gamma, q.gamma}}) {
            QVERIFY(std::abs(x - y) <= 180.0 / 510 + 1e-9);
        }
        QCOMPARE(d.headerSpaceGroup, cw::analyzeSpaceGroup(s, {0.01, cw::kPymatgenAngleToleranceDeg}).number);
        QVERIFY(d.pairwiseErrorBefore < 0.1 * s.size());
    }
    // The spec's NaCl: 90° decodes as 90.353°.
    const cw::DecodedCrystal nacl = cw::decodeXtal2Png(cw::encodeXtal2Png(cw::test::rockSaltNaCl()));
    QVERIFY(std::abs(nacl.structure.lattice().parameters().alpha - 90.353) < 1e-3);
    const std::string name = cw::xtal2pngFileName(cw::test::rockSaltNaCl(), cw::encodeXtal2Png(cw::test::rockSaltNaCl()));
    QVERIFY(QString::fromStdString(name).startsWith("NaCl,space-group=225,uid="));
    // Not an xtal2png image.
    cw::Xtal2PngImage blank{64, std::vector<std::uint8_t>(64 * 64, 0)};
    QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::decodeXtal2Png(blank));
}

void TestXtal2Png::rgbInputIsAveraged() {
    // A model that saves RGB: channels (p − 1, p, p + 1) average back to p.
    const cw::Xtal2PngImage gray = cw::encodeXtal2Png(cw::test::rockSaltNaCl());
    std::vector<std::uint8_t> rgb;
    for (std::uint8_t p : gray.pixels) {
        const int lo = p > 0 && p < 255 ? p - 1 : p, hi = p > 0 && p < 255 ? p + 1 : p;
        rgb.insert(rgb.end(), {std::uint8_t(lo), p, std::uint8_t(hi)});
    }
    QTemporaryDir dir;
    const std::string path = dir.filePath("rgb.png").toStdString();
    cw::writeFileAtomically(path, cw::encodePng(gray.side, gray.side, 3, 8, rgb.data()));
    const cw::Xtal2PngImage back = cw::readXtal2PngFile(path);
    QCOMPARE(back.side, gray.side);
    QVERIFY(back.pixels == gray.pixels);
}

void TestXtal2Png::refinementLowersPairwiseError() {
    for (const cw::Structure& s : {cw::test::rutileTiO2(), cw::test::wurtziteZnO()}) {
        cw::Xtal2PngDecodeOptions o;
        o.refine = true;
        const cw::DecodedCrystal d = cw::decodeXtal2Png(cw::encodeXtal2Png(s), o);
        qInfo("refine %s: pairwise error %.5f → %.5f Å", s.reducedFormula().c_str(), d.pairwiseErrorBefore,
              d.pairwiseErrorAfter);
        QVERIFY(d.pairwiseErrorAfter <= d.pairwiseErrorBefore + 1e-12);
        QCOMPARE(d.structure.size(), s.size());
        for (std::size_t i = 0; i < s.size(); ++i) {
            for (int c = 0; c < 3; ++c) QVERIFY(wrappedDiff(d.structure.site(i).frac[c], s.site(i).frac[c]) < 0.01);
        }
    }
}

void TestXtal2Png::symmetrizeRecoversRockSalt() {
    const cw::Xtal2PngImage img = cw::encodeXtal2Png(cw::test::rockSaltNaCl());
    QCOMPARE(cw::decodeXtal2Png(img).spaceGroup.number, 225);  // reported at 0.1 Å
    cw::Xtal2PngDecodeOptions o;
    o.symmetrizeTolerance = 0.1;
    const cw::DecodedCrystal d = cw::decodeXtal2Png(img, o);
    QCOMPARE(d.spaceGroup.number, 225);
    const cw::LatticeParameters p = d.structure.lattice().parameters();
    QVERIFY(std::abs(p.alpha - 90) < 1e-9 && std::abs(p.a - p.c) < 1e-9);
    QCOMPARE(cw::analyzeSpaceGroup(d.structure).number, 225);  // at the strict default tolerance
}

void TestXtal2Png::largerImageWithMaxSites() {
    cw::Structure big{cw::Lattice(Eigen::Matrix3d::Identity() * 20.0), {}};
    for (int i = 0; i < 60; ++i) big.addSite({6 + i % 2, Eigen::Vector3d(i / 60.0, 0.5, 0.5), "C", 1.0});
    cw::Xtal2PngOptions o;
    o.maxSites = 64;
    const cw::Xtal2PngImage img = cw::encodeXtal2Png(big, o);
    QCOMPARE(img.side, 76);
    const cw::DecodedCrystal d = cw::decodeXtal2Png(img);
    QCOMPARE(int(d.structure.size()), 60);
    QCOMPARE(d.structure.site(59).z, 7);
}

void TestXtal2Png::legacyLayout() {
    // An image in the ≤ 0.7.0 layout, made from a current one: column 0 = Z/117·255, column 10 =
    // V/1500·255. Rutile: Ti 22/117·255 = 47.95 → 48, O 8/117·255 = 17.44 → 17;
    // V = 4.594²·2.959 = 62.45 Å³ → 10.62 → 11.
    const cw::Structure s = cw::test::rutileTiO2();
    cw::Xtal2PngImage img = cw::encodeXtal2Png(s);
    for (int i = 0; i < 6; ++i) {
        const std::uint8_t z = cw::xtal2pngScale(s.site(i).z, 0, 117);
        const std::uint8_t v = cw::xtal2pngScale(s.lattice().volume(), 0, 1500);
        img(12 + i, 0) = img(0, 12 + i) = z;
        img(12 + i, 10) = img(10, 12 + i) = v;
    }
    QCOMPARE(int(img(12, 0)), 48);
    QCOMPARE(int(img(14, 0)), 17);
    QCOMPARE(int(img(12, 10)), 11);
    cw::Xtal2PngDecodeOptions o;
    o.legacyLayout = true;
    const cw::DecodedCrystal d = cw::decodeXtal2Png(img, o);
    QCOMPARE(int(d.structure.size()), 6);
    for (int i = 0; i < 6; ++i) QCOMPARE(d.structure.site(i).z, s.site(i).z);
}

void TestXtal2Png::mpDevRoundTrip() {
    CW_REQUIRE_SHARED_DATA();
    const std::string path = cw::test::sharedDataPath("mp/mp_dev_summary.json.gz");
    if (!QFile::exists(QString::fromStdString(path))) QSKIP("mp_dev_summary.json.gz not in the shared data");
    QElapsedTimer timer;
    timer.start();
    std::vector<cw::Structure> all;
    cw::ProblemLog problems;
    cw::forEachStructure(path, [&](cw::Structure&& s, std::size_t) {
        if (s.size() <= static_cast<std::size_t>(cw::kEncodingMaxSites) && s.isOrdered()) all.push_back(std::move(s));
        return true;
    }, problems);
    QVERIFY(all.size() > 20000);
    const qint64 readMs = timer.elapsed();
    const int threads = cw::resolveThreadCount(0);
    std::mutex mutex;
    QStringList failures;
    std::atomic<int> sampled{0}, survived{0};
    QTemporaryDir dir;
    // Every entry: N and species through both encodings, CrysTens cell and coordinates to 1e-6
    // (spglib skipped: the space-group feature is irrelevant to them). Every 20th entry: the
    // real space group, a PNG file, and whether spglib at 0.1 Å finds it again after decoding.
    cw::parallelFor(all.size(), threads, [&](std::size_t idx) {
        const cw::Structure& s = all[idx];
        auto fail = [&](const std::string& why) {
            std::lock_guard lock(mutex);
            if (failures.size() < 20) failures << QString::fromStdString(s.id() + ": " + why);
        };
        try {
            const bool sample = idx % 20 == 0;
            cw::CrysTensOptions co;
            co.knownSpaceGroup = 1;
            cw::CrysTensDecodeOptions cd;
            cd.analyzeSymprec = 0;
            const cw::DecodedCrystal c = cw::decodeCrysTens(cw::encodeCrysTens(s, co), cd);
            if (c.structure.size() != s.size()) return fail("CrysTens N " + std::to_string(c.structure.size()));
            const cw::LatticeParameters p = s.lattice().parameters(), q = c.structure.lattice().parameters();
            const double pv[6] = {p.a, p.b, p.c, p.alpha, p.beta, p.gamma}, qv[6] = {q.a, q.b, q.c, q.alpha, q.beta, q.gamma};
            for (int k = 0; k < 6; ++k) {
                if (std::abs(pv[k] - qv[k]) > 1e-5 * std::abs(pv[k])) return fail("CrysTens lattice parameter " + std::to_string(k));
            }
            for (std::size_t i = 0; i < s.size(); ++i) {
                if (c.structure.site(i).z != s.site(i).z) return fail("CrysTens species");
                for (int k = 0; k < 3; ++k) {
                    if (wrappedDiff(c.structure.site(i).frac[k], s.site(i).frac[k]) > 1e-6) return fail("CrysTens coordinate");
                }
            }
            cw::Xtal2PngOptions xo;
            if (!sample) xo.knownSpaceGroup = 1;
            cw::Xtal2PngImage img = cw::encodeXtal2Png(s, xo);
            if (sample) {
                const std::string file = dir.filePath(QString::number(idx) + ".png").toStdString();
                cw::writeXtal2PngFile(file, img);
                img = cw::readXtal2PngFile(file);
                std::remove(file.c_str());
            }
            cw::Xtal2PngDecodeOptions xd;
            xd.analyzeSymprec = sample ? 0.1 : 0;
            const cw::DecodedCrystal x = cw::decodeXtal2Png(img, xd);
            if (x.structure.size() != s.size()) return fail("xtal2png N " + std::to_string(x.structure.size()));
            for (std::size_t i = 0; i < s.size(); ++i) {
                if (x.structure.site(i).z != s.site(i).z) return fail("xtal2png species");
            }
            if (sample) {
                ++sampled;
                if (x.spaceGroup.number == x.headerSpaceGroup) ++survived;
            }
        } catch (const std::exception& e) {
            fail(e.what());
        }
    });
    qInfo("MP dev: %zu structures round-tripped; space group survives the PNG round trip at symprec 0.1 "
          "in %d of %d sampled (%.1f %%)",
          all.size(), survived.load(), sampled.load(), 100.0 * survived.load() / std::max(1, sampled.load()));
    qInfo("read %lld ms, round trips %lld ms", readMs, timer.elapsed() - readMs);
    if (!failures.isEmpty()) qWarning("%s", qPrintable(failures.join("\n")));
    QVERIFY(failures.isEmpty());
}

QTEST_APPLESS_MAIN(TestXtal2Png)
#include "test_xtal2png.moc"
