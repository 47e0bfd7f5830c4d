// VASP volumetric files and real slices (engine/ecd/chgcar.h). Reference values from pymatgen
// (Chgcar.from_file, data["total"][i, j, k] and data["total"].sum() / size), recorded by hand:
//   CHGCAR.nospin.gz (tests/data/ecd; Li, 32³): Σ/N = 0.9999999934509902, [1,2,3] = 0.47693736411
//   CHGCAR.Fe3O4.gz (shared; Fe6O8, 72³, V = 153.06661599623538 Å³): Σ/N = 95.99999057078196
//     (6 Fe × 8 + 8 O × 6 valence electrons = 96), magnetisation Σ/N = 14.072280451887135,
//     [1,2,3] = 8.9660693227, [71,71,71] = 5.9110024575
//   CHGCAR.spin.gz (shared; Li, 48³): Σ/N = 1.0000000012417762, magnetisation −0.020289127350736263
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <random>

#include "core/atomic_file.h"
#include "core/error.h"
#include "ecd/chgcar.h"
#include "test_paths.h"

namespace {
bool close(double a, double b, double rel = 1e-9) {
    return std::abs(a - b) <= rel * std::max(1.0, std::abs(b));
}
}  // namespace

class TestEcdChgcar : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void readsLithiumNoSpin() {
        const cw::ChgcarData d = cw::readChgcar(cw::test::testDataPath("ecd/CHGCAR.nospin.gz"));
        QCOMPARE(d.structure.size(), std::size_t{1});
        QCOMPARE(d.structure.site(0).z, 3);
        QVERIFY(std::abs(d.structure.lattice().matrix()(1, 0) - (-0.987305)) < 1e-12);
        QVERIFY((d.total.dims == std::array<int, 3>{32, 32, 32}));
        QCOMPARE(d.total.pointCount(), std::size_t{32 * 32 * 32});
        QVERIFY(!d.magnetization);
        QVERIFY(close(d.total.at(0, 0, 0), 0.44062142953));
        QVERIFY(close(d.total.at(1, 2, 3), 0.47693736411));
        QVERIFY(close(d.total.mean(), 0.9999999934509902, 1e-12));
        QVERIFY(close(d.total.at(-31, 34, 3), d.total.at(1, 2, 3)));  // periodic indices
    }

    void readsFe3O4() {
        CW_REQUIRE_SHARED_DATA();
        const cw::ChgcarData d = cw::readChgcar(cw::test::sharedDataPath("chgcar/CHGCAR.Fe3O4.gz"));
        QCOMPARE(d.structure.size(), std::size_t{14});
        QCOMPARE(d.structure.reducedFormula(), std::string("Fe3O4"));
        QVERIFY(std::abs(d.structure.lattice().volume() - 153.06661599623538) < 1e-6);
        QVERIFY((d.total.dims == std::array<int, 3>{72, 72, 72}));
        QVERIFY(close(d.total.at(1, 2, 3), 8.9660693227));
        QVERIFY(close(d.total.at(71, 71, 71), 5.9110024575));
        // ∫ρ dV = Σ(ρ·V)/N: the 96 valence electrons.
        QVERIFY(close(d.total.mean(), 95.99999057078196, 1e-12));
        QVERIFY(std::abs(d.total.mean() - 96.0) < 1e-4);
        QVERIFY(d.magnetization);
        QVERIFY(close(d.magnetization->mean(), 14.072280451887135, 1e-12));
    }

    void readsLithiumSpin() {
        CW_REQUIRE_SHARED_DATA();
        const cw::ChgcarData d = cw::readChgcar(cw::test::sharedDataPath("chgcar/CHGCAR.spin.gz"));
        QVERIFY((d.total.dims == std::array<int, 3>{48, 48, 48}));
        QVERIFY(close(d.total.mean(), 1.0000000012417762, 1e-12));
        QVERIFY(d.magnetization);
        QVERIFY(close(d.magnetization->mean(), -0.020289127350736263, 1e-10));
    }

    void trilinearInterpolation() {
        const cw::ChgcarData d = cw::readChgcar(cw::test::testDataPath("ecd/CHGCAR.nospin.gz"));
        const cw::VolumetricGrid& g = d.total;
        std::mt19937 rng(5);
        std::uniform_int_distribution<int> index(
            0, 31);  // test-only randomness, any library's is fine
        for (int n = 0; n < 200; ++n) {
            const int i = index(rng), j = index(rng), k = index(rng);
            const Eigen::Vector3d f(i / 32.0, j / 32.0, k / 32.0);
            // Exact at grid points, periodic in whole cells.
            QVERIFY(close(g.interpolate(f), g.at(i, j, k), 1e-12));
            QVERIFY(close(g.interpolate(f + Eigen::Vector3d(1, -2, 3)), g.at(i, j, k), 1e-12));
            // Linear between neighbours along one axis, bilinear on a face, mean at a cell centre.
            const double h = 0.5 / 32;
            QVERIFY(close(g.interpolate(f + Eigen::Vector3d(h, 0, 0)),
                          0.5 * (g.at(i, j, k) + g.at(i + 1, j, k)), 1e-12));
            QVERIFY(close(g.interpolate(f + Eigen::Vector3d(0, 0, 0.25 / 32)),
                          0.75 * g.at(i, j, k) + 0.25 * g.at(i, j, k + 1), 1e-12));
            double corners = 0;
            for (int c = 0; c < 8; ++c)
                corners += g.at(i + (c & 1), j + (c >> 1 & 1), k + (c >> 2 & 1));
            QVERIFY(close(g.interpolate(f + Eigen::Vector3d(h, h, h)), corners / 8, 1e-12));
        }
    }

    void realSlice() {
        const cw::ChgcarData d = cw::readChgcar(cw::test::testDataPath("ecd/CHGCAR.nospin.gz"));
        cw::SliceParameters p;
        p.window = 12.0;
        p.size = 48;
        const cw::PickTriple picks = {cw::Pick{0, {0, 0, 0}}, cw::Pick{0, {1, 0, 0}},
                                      cw::Pick{0, {0, 1, 0}}};
        const cw::SliceResult r = cw::sliceChgcar(d, picks, p);
        QCOMPARE(r.image.rows, 48);
        QVERIFY(!r.metadata.parameters.volumePerAtom);  // the real cell, never normalised
        QVERIFY((r.metadata.lattice - d.structure.lattice().matrix()).norm() == 0);
        const double volume = d.structure.lattice().volume();
        // Each pixel is ρ = value / V at c + x·e₁ + y·e₂ (pixel centres per the raster rule).
        const cw::PlaneFrame& f = r.metadata.frame;
        for (const auto& [row, col] :
             {std::pair{0, 0}, std::pair{17, 30}, std::pair{47, 47}, std::pair{24, 24}}) {
            const double x = -6.0 + (col + 0.5) * 0.25, y = 6.0 - (row + 0.5) * 0.25;
            const Eigen::Vector3d frac =
                d.structure.lattice().toFractional(f.centre + x * f.e1 + y * f.e2);
            QVERIFY(std::abs(r.image(row, col) - d.total.interpolate(frac) / volume) < 1e-6);
        }
        // A lattice plane of Li: many atoms in the window; ρ positive and finite.
        QVERIFY(r.metadata.atomsInWindow > 10);
        QVERIFY(r.image.minValue() > 0 && std::isfinite(r.image.maxValue()));
        // Raw values and missing blocks.
        cw::RealSliceOptions raw;
        raw.divideByVolume = false;
        const cw::SliceResult rawSlice = cw::sliceChgcar(d, picks, p, raw);
        QVERIFY(std::abs(rawSlice.image(5, 5) / volume - r.image(5, 5)) < 1e-6);
        raw.block = cw::ChgcarBlock::Magnetization;
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::sliceChgcar(d, picks, p, raw));
        const cw::PickTriple line = {cw::Pick{0, {0, 0, 0}}, cw::Pick{0, {1, 0, 0}},
                                     cw::Pick{0, {2, 0, 0}}};
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::sliceChgcar(d, line, p));
    }

    void realSliceFe3O4() {
        CW_REQUIRE_SHARED_DATA();
        const cw::ChgcarData d = cw::readChgcar(cw::test::sharedDataPath("chgcar/CHGCAR.Fe3O4.gz"));
        cw::SliceParameters p;
        p.window = 15.0;
        p.size = 64;
        const cw::SliceResult r = cw::sliceChgcar(d, {cw::Pick{0}, cw::Pick{1}, cw::Pick{2}}, p);
        // Checked by hand against pymatgen's grid and scipy.ndimage.map_coordinates (order 1,
        // grid-wrap) at the same pixel centres: largest relative difference 6e-8.
        QVERIFY(r.metadata.atomsInWindow >= 3);
        QVERIFY(r.image.maxValue() > 1.0);  // e/Å³ near Fe cores
        QVERIFY(r.image.minValue() >= 0.0f);
        cw::RealSliceOptions mag;
        mag.block = cw::ChgcarBlock::Magnetization;
        const cw::SliceResult m =
            cw::sliceChgcar(d, {cw::Pick{0}, cw::Pick{1}, cw::Pick{2}}, p, mag);
        QVERIFY(cw::maxAbsDifference(m.image, r.image) > 0.01);
    }

    void malformedFiles() {
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString() + "/CHGCAR";
        const std::string header =
            "test\n1.0\n3 0 0\n0 3 0\n0 0 3\nNa\n1\nDirect\n0 0 0\n\n 2 2 2\n";
        cw::writeFileAtomically(path, header + "1 2 3 4 5\n6 7 8\n");
        const cw::ChgcarData ok = cw::readChgcar(path);
        QVERIFY(close(ok.total.mean(), 4.5));
        QVERIFY(close(ok.total.at(1, 1, 1), 8));
        QVERIFY(close(ok.total.at(1, 0, 0), 2));  // x fastest
        QVERIFY(close(ok.total.at(0, 1, 0), 3));
        QVERIFY(close(ok.total.at(0, 0, 1), 5));
        cw::writeFileAtomically(path, header + "1 2 3 4 5\n6 7\n");
        QVERIFY_THROWS_EXCEPTION(cw::FormatError, cw::readChgcar(path));
        cw::writeFileAtomically(
            path, "test\n1.0\n3 0 0\n0 3 0\n0 0 3\nXx\n1\nDirect\n0 0 0\n\n 2 2 2\n1\n");
        QVERIFY_THROWS_EXCEPTION(cw::FormatError, cw::readChgcar(path));
        cw::writeFileAtomically(path, "test\n1.0\n3 0 0\n");
        QVERIFY_THROWS_EXCEPTION(cw::FormatError, cw::readChgcar(path));
        QVERIFY_THROWS_EXCEPTION(cw::IoError, cw::readChgcar(dir.path().toStdString() + "/none"));
    }
};

QTEST_APPLESS_MAIN(TestEcdChgcar)
#include "test_ecd_chgcar.moc"
