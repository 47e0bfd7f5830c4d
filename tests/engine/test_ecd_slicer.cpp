// ECD slices (engine/ecd/slicer.h) against docs/spec/ecd-slices.md: the page's NaCl example, cases
// derived by hand, and pixel-by-pixel agreement with the independent NumPy implementation
// (resources/scripts/ecd_reference.py → tests/data/ecd/reference_cases.json and *.npy).
#include <Eigen/Geometry>
#include <QtTest>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/error.h"
#include "core/npy.h"
#include "crystal/elements.h"
#include "ecd/slicer.h"
#include "known_structures.h"
#include "test_paths.h"

namespace {

using cw::Pick;
using cw::PickTriple;

PickTriple picks(int a, int b, int c, Eigen::Vector3i ta = Eigen::Vector3i::Zero(),
                 Eigen::Vector3i tb = Eigen::Vector3i::Zero(),
                 Eigen::Vector3i tc = Eigen::Vector3i::Zero()) {
    return {Pick{a, ta}, Pick{b, tb}, Pick{c, tc}};
}

// One site at the origin of a cubic cell of side `a` Å.
cw::Structure simpleCubic(double a) {
    cw::Structure s{cw::Lattice(Eigen::Matrix3d::Identity() * a), {}};
    s.addSite({29, Eigen::Vector3d::Zero(), "Cu", 1.0});
    return s;
}

// Picks (−1,−1,0), (1,−1,0), (0,2,0) of a site at the origin: centroid at the origin, e₁ = x,
// n = +z ((2,0,0) × (1,3,0) = (0,0,6)), e₂ = y. The plane z = 0 of a cubic cell.
PickTriple centredSquarePicks() {
    return picks(0, 0, 0, {-1, -1, 0}, {1, -1, 0}, {0, 2, 0});
}

cw::Structure structureFromJson(const std::string& path) {
    std::ifstream in(path);
    const nlohmann::json doc = nlohmann::json::parse(in);
    const nlohmann::json& s = doc.contains("structure") ? doc["structure"] : doc;
    Eigen::Matrix3d rows;
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) rows(i, j) = s["lattice"]["matrix"][i][j].get<double>();
    cw::Structure out{cw::Lattice(rows), {}};
    for (const auto& site : s["sites"]) {
        const std::string symbol = site["species"][0]["element"].get<std::string>();
        out.addSite({cw::atomicNumber(symbol),
                     {site["abc"][0].get<double>(), site["abc"][1].get<double>(),
                      site["abc"][2].get<double>()},
                     symbol,
                     1.0});
    }
    out.setId(doc.value("material_id", std::string()));
    return out;
}

cw::SliceParameters parametersFromCase(const nlohmann::json& p) {
    return cw::sliceParametersFromJson(p.dump());
}

Eigen::Vector3d vec(const nlohmann::json& j) {
    return {j[0].get<double>(), j[1].get<double>(), j[2].get<double>()};
}

}  // namespace

class TestEcdSlicer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void defaultsMatchTheSpec() {
        const cw::SliceParameters p;
        QVERIFY(p.volumePerAtom && *p.volumePerAtom == 1.0);
        QCOMPARE(p.tolerance, 0.1);
        QCOMPARE(p.window, 40.0);
        QCOMPARE(p.size, 256);
        QCOMPARE(p.sigma, 0.25);
        QVERIFY(p.amplitude == cw::AmplitudeMode::Uniform);
        QVERIFY(std::abs(p.reach() - (std::sqrt(2.0) * 20.75 + 0.1)) < 1e-12);
    }

    void naclReferenceExample() {
        // docs/spec/ecd-slices.md: NaCl, picks 0, 1, 2, defaults → the (111) plane, 912 atoms in the window.
        const cw::SliceResult r = cw::sliceStructure(cw::test::rockSaltNaCl(), picks(0, 1, 2));
        QCOMPARE(r.metadata.atomsInWindow, 912);
        const Eigen::Vector3d& n = r.metadata.frame.normal;
        for (int i = 0; i < 3; ++i) QVERIFY(std::abs(std::abs(n[i]) - 1 / std::sqrt(3.0)) < 1e-12);
        // p₂ − p₁ = (½, ½, 0)·a: e₁ along [110]; n ∝ (1,1,0) × (1,0,1) = (1, −1, −1).
        QVERIFY((r.metadata.frame.e1 - Eigen::Vector3d(1, 1, 0).normalized()).norm() < 1e-12);
        QVERIFY((n - Eigen::Vector3d(1, -1, -1).normalized()).norm() < 1e-12);
        QVERIFY(std::abs(r.metadata.frame.e1.dot(r.metadata.frame.e2)) < 1e-12);
        QVERIFY((r.metadata.frame.e1.cross(r.metadata.frame.e2) - n).norm() < 1e-12);
        // Volume normalisation: 8 atoms × 1 Å³ → a = 2 Å; centre = (p₁ + p₂ + p₃)/3 in that cell.
        QVERIFY((r.metadata.lattice - 2 * Eigen::Matrix3d::Identity()).norm() < 1e-12);
        QVERIFY((r.metadata.frame.centre - Eigen::Vector3d(2.0 / 3, 1.0 / 3, 1.0 / 3)).norm() <
                1e-12);
        QCOMPARE(r.image.rows, 256);
        QCOMPARE(r.image.cols, 256);
        QVERIFY(r.image.minValue() >= 0.0f && r.image.maxValue() <= 1.0f &&
                r.image.maxValue() > 0.9f);
        QCOMPARE(r.metadata.materialId, std::string());
    }

    void singleSiteSquareNetByHand() {
        // Simple cubic, a = 2 Å, cell kept: the plane z = 0 is a square net of pitch 2 Å with an
        // atom at the centre. Window 10.2 Å at 51 px: pitch 0.2 Å, x_k = −5.0 + 0.2k, so atom
        // (2i, 2j) sits on the centre of pixel (r, k) = (25 − 10j, 25 + 10i).
        cw::SliceParameters p;
        p.volumePerAtom.reset();
        p.window = 10.2;
        p.size = 51;
        const cw::SliceResult r = cw::sliceStructure(simpleCubic(2.0), centredSquarePicks(), p);
        QVERIFY((r.metadata.frame.centre).norm() < 1e-12);
        QVERIFY((r.metadata.frame.normal - Eigen::Vector3d::UnitZ()).norm() < 1e-12);
        QVERIFY((r.metadata.frame.e2 - Eigen::Vector3d::UnitY()).norm() < 1e-12);
        // |u|, |v| ≤ 5.1 → i, j ∈ −2…2; the keep margin (5.85) adds none (the next is at 6);
        // planes z = ±2 are 2 Å away, beyond the 0.1 Å tolerance.
        QCOMPARE(r.metadata.atomsInWindow, 25);
        QCOMPARE(r.metadata.atomsKept, 25);
        // At a blob centre: 1 + neighbours at 2 Å, 4·e^(−4/(2·0.25²)) = 4e^(−32) ≈ 5e-14.
        for (int i = -2; i <= 2; ++i)
            for (int j = -2; j <= 2; ++j)
                QVERIFY(std::abs(r.image(25 - 10 * j, 25 + 10 * i) - 1.0f) < 1e-6);
        // One pixel right of an atom: e^(−0.2²/(2·0.25²)) = e^(−0.32).
        QVERIFY(std::abs(r.image(25, 26) - std::exp(-0.32)) < 1e-6);
        // Diagonal neighbour pixel: e^(−0.08/0.125) = e^(−0.64).
        QVERIFY(std::abs(r.image(24, 26) - std::exp(-0.64)) < 1e-6);
        // Half-way between two atoms (1 Å from each): 2e^(−8).
        QVERIFY(std::abs(r.image(25, 30) - 2 * std::exp(-8.0)) < 1e-7);
        // Centre of a square of four atoms (√2 Å from each): 4e^(−16).
        QVERIFY(std::abs(r.image(20, 30) - 4 * std::exp(-16.0)) < 1e-9);
    }

    void singleSiteDefaultWindowByHand() {
        // Any simple cubic cell with one site scales to a = 1 Å (V/N = 1 Å³); with the picks
        // centred on an atom, the default 40 Å window holds the atoms |i|, |j| ≤ 20: 41² = 1681,
        // and the margin (20.75 Å) adds none.
        const cw::SliceResult r = cw::sliceStructure(simpleCubic(3.7), centredSquarePicks());
        QVERIFY((r.metadata.lattice - Eigen::Matrix3d::Identity()).norm() < 1e-12);
        QCOMPARE(r.metadata.atomsInWindow, 1681);
        QCOMPARE(r.metadata.atomsKept, 1681);
    }

    void tiltedPlaneByHand() {
        // a = 1 Å after scaling; picks (0,0,0), (1,0,0), (0,1,1): e₁ = x, n = (0,−1,1)/√2,
        // e₂ = (0,1,1)/√2, c = (⅓,⅓,⅓). Atoms (i, j, j): u = i − ⅓, v = √2(j − ⅓).
        // |u| ≤ 20 → i ∈ −19…20 (40); |v| ≤ 20 → j ∈ −13…14 (28): 1120 in the window. The plane
        // family's spacing is 1/√2 Å, so no other layer is within 0.1 Å.
        // Keep margin 20.75: u → i ∈ −20…21 (42), v → |j − ⅓| ≤ 14.67 → j ∈ −14…15 (30).
        const cw::SliceResult r =
            cw::sliceStructure(simpleCubic(1.3), picks(0, 0, 0, {0, 0, 0}, {1, 0, 0}, {0, 1, 1}));
        QVERIFY((r.metadata.frame.normal - Eigen::Vector3d(0, -1, 1).normalized()).norm() < 1e-12);
        QVERIFY((r.metadata.frame.e2 - Eigen::Vector3d(0, 1, 1).normalized()).norm() < 1e-12);
        QCOMPARE(r.metadata.atomsInWindow, 40 * 28);
        QCOMPARE(r.metadata.atomsKept, 42 * 30);
    }

    void oneAtomInTinyWindow() {
        // a = 1 Å, window 1 Å around an atom: only that atom has |u|, |v| ≤ 0.5, and the keep
        // margin (0.5 + 3·0.1 = 0.8 Å) still excludes the neighbours at 1 Å. 21 px: the atom sits
        // on the centre of pixel (10, 10); pitch 1/21 Å.
        cw::SliceParameters p;
        p.window = 1.0;
        p.size = 21;
        p.sigma = 0.1;
        const cw::SliceResult r = cw::sliceStructure(simpleCubic(1.0), centredSquarePicks(), p);
        QCOMPARE(r.metadata.atomsInWindow, 1);
        QCOMPARE(r.metadata.atomsKept, 1);
        QCOMPARE(r.atoms.size(), std::size_t{1});
        QVERIFY(r.atoms[0].translation == Eigen::Vector3i::Zero() && r.atoms[0].inWindow);
        const double pitch = 1.0 / 21;
        for (int row = 0; row < 21; ++row) {
            for (int k = 0; k < 21; ++k) {
                const double dx = (k - 10) * pitch, dy = (row - 10) * pitch;
                const double expected = std::exp(-(dx * dx + dy * dy) / (2 * 0.01));
                QVERIFY2(std::abs(r.image(row, k) - expected) < 1e-6,
                         qPrintable(QString("pixel %1,%2").arg(row).arg(k)));
            }
        }
        QVERIFY(std::abs(r.image(10, 11) - std::exp(-(pitch * pitch) / 0.02)) < 1e-6);
    }

    void amplitudeZ() {
        // NaCl with amplitude z: Na blobs peak at 11/17 of the Cl blobs.
        cw::SliceParameters p;
        p.amplitude = cw::AmplitudeMode::AtomicNumber;
        const cw::SliceResult r = cw::sliceStructure(cw::test::rockSaltNaCl(), picks(0, 1, 2), p);
        for (const cw::SliceAtom& a : r.atoms) {
            QVERIFY(std::abs(a.amplitude - (a.site < 4 ? 11.0 / 17 : 1.0)) < 1e-15);
        }
    }

    void matchesNumpyReference() {
        // Pixels within 1e-5 (float32) and the same atoms_in_window as the independent NumPy
        // implementation, case by case.
        std::ifstream in(cw::test::testDataPath("ecd/reference_cases.json"));
        QVERIFY2(in, "tests/data/ecd/reference_cases.json missing");
        const nlohmann::json doc = nlohmann::json::parse(in);
        QVERIFY(doc["cases"].size() >= 5);
        for (const nlohmann::json& c : doc["cases"]) {
            const std::string name = c["name"].get<std::string>();
            const std::string structureName = c["structure"].get<std::string>();
            const cw::Structure s =
                structureName == "nacl"
                    ? cw::test::rockSaltNaCl()
                    : structureFromJson(cw::test::testDataPath("ecd/" + structureName));
            PickTriple t;
            for (int i = 0; i < 3; ++i) {
                t[i].site = c["picks"][i]["site"].get<int>();
                for (int k = 0; k < 3; ++k)
                    t[i].translation[k] = c["picks"][i]["translation"][k].get<int>();
            }
            const cw::SliceResult r = cw::Slicer(s, parametersFromCase(c["parameters"])).slice(t);
            const cw::Image expected =
                cw::readNpyImage(cw::test::testDataPath("ecd/" + c["npy"].get<std::string>()));
            const double diff = cw::maxAbsDifference(r.image, expected);
            QVERIFY2(diff <= 1e-5, qPrintable(QString::fromStdString(name) +
                                              QString(": max |Δ| = %1").arg(diff)));
            QVERIFY2(r.metadata.atomsInWindow == c["atoms_in_window"].get<int>(), name.c_str());
            QVERIFY2(r.metadata.atomsKept == c["atoms_kept"].get<int>(), name.c_str());
            QVERIFY((r.metadata.frame.normal - vec(c["normal"])).norm() < 1e-9);
            QVERIFY((r.metadata.frame.e1 - vec(c["e1"])).norm() < 1e-9);
            QVERIFY((r.metadata.frame.e2 - vec(c["e2"])).norm() < 1e-9);
            QVERIFY((r.metadata.frame.centre - vec(c["centre"])).norm() < 1e-9);
        }
    }

    void commonTranslationGivesTheSameImage() {
        // Moving all three picks by one lattice vector moves the plane by it: same atoms, same
        // image.
        const cw::Slicer slicer(cw::test::rockSaltNaCl());
        const cw::SliceResult a = slicer.slice(picks(2, 5, 7));
        const Eigen::Vector3i t(1, -2, 3);
        const cw::SliceResult b = slicer.slice(picks(2, 5, 7, t, t, t));
        QCOMPARE(a.metadata.atomsInWindow, b.metadata.atomsInWindow);
        QVERIFY(cw::maxAbsDifference(a.image, b.image) < 1e-5);
    }

    void badPicksAreRejected() {
        const cw::Slicer slicer(cw::test::rockSaltNaCl());
        // Na (0,0,0), Cl (½,0,0) and Na (1,0,0): one line along a.
        QVERIFY_THROWS_EXCEPTION(cw::ValueError,
                                 slicer.slice(picks(0, 4, 0, {0, 0, 0}, {0, 0, 0}, {1, 0, 0})));
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, slicer.slice(picks(0, 0, 1)));  // coincident
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, slicer.slice(picks(0, 1, 8)));  // no site 8
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, slicer.slice(picks(-1, 1, 2)));
        try {
            slicer.slice(picks(0, 4, 0, {0, 0, 0}, {0, 0, 0}, {1, 0, 0}));
        } catch (const cw::ValueError& e) {
            QVERIFY(std::string(e.what()).find("collinear") != std::string::npos);
        }
        cw::SliceParameters p;
        p.sigma = 0;
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, cw::Slicer(cw::test::rockSaltNaCl(), p));
        p = {};
        p.size = 0;
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, cw::Slicer(cw::test::rockSaltNaCl(), p));
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, cw::parseAmplitude("mass"));
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, cw::sliceParametersFromJson(R"({"windw": 3})"));
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::Slicer(cw::Structure{}));
    }

    void parametersJsonRoundTrip() {
        cw::SliceParameters p;
        p.volumePerAtom.reset();
        p.window = 12.5;
        p.size = 64;
        p.amplitude = cw::AmplitudeMode::AtomicNumber;
        QVERIFY(cw::sliceParametersFromJson(cw::sliceParametersToJson(p)) == p);
        QVERIFY(cw::sliceParametersFromJson("{}") == cw::SliceParameters{});
        const cw::SliceResult r = cw::sliceStructure(cw::test::rockSaltNaCl(), picks(0, 1, 2));
        const nlohmann::json j = nlohmann::json::parse(cw::sliceMetadataToJson(r.metadata));
        QCOMPARE(j["atoms_in_window"].get<int>(), 912);
        QCOMPARE(j["picks"].size(), std::size_t{3});
        QVERIFY(j.contains("normal") && j.contains("e1") && j.contains("centre") &&
                j.contains("parameters"));
        QCOMPARE(j["parameters"]["volume_per_atom"].get<double>(), 1.0);
    }

    void concurrentSlicesAgree() {
        // One const Slicer, many threads: every slice equals the single-threaded one.
        const cw::Structure s = structureFromJson(cw::test::testDataPath("ecd/mp-1005831.json"));
        cw::SliceParameters p;
        p.size = 96;
        const cw::Slicer slicer(s, p);
        const std::vector<PickTriple> triples = {picks(0, 1, 2), picks(3, 7, 11), picks(19, 4, 8),
                                                 picks(5, 6, 13)};
        std::vector<cw::SliceResult> serial;
        for (const PickTriple& t : triples) serial.push_back(slicer.slice(t));
        std::vector<std::vector<cw::SliceResult>> parallel(4);
        std::vector<std::thread> threads;
        for (int i = 0; i < 4; ++i) {
            threads.emplace_back([&, i] {
                for (int repeat = 0; repeat < 5; ++repeat)
                    for (const PickTriple& t : triples) parallel[i].push_back(slicer.slice(t));
            });
        }
        for (std::thread& t : threads) t.join();
        for (const auto& results : parallel) {
            for (std::size_t k = 0; k < results.size(); ++k) {
                QCOMPARE(results[k].image.data, serial[k % triples.size()].image.data);
            }
        }
    }
};

QTEST_APPLESS_MAIN(TestEcdSlicer)
#include "test_ecd_slicer.moc"
