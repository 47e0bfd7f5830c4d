// POSCAR / CONTCAR: VASP 4 and 5, scale factors, Cartesian and selective dynamics, every file of
// the shared collection, round trips and errors that name the file and line. Known answers are
// read off the files or derived by hand in the comments.
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "io/poscar.h"
#include "known_structures.h"
#include "structure_compare.h"
#include "test_paths.h"

namespace {

bool near(double a, double b, double tol = 1e-9) {
    return std::abs(a - b) <= tol;
}

std::string poscarPath(const std::string& name) {
    return cw::test::testDataPath("poscar/" + name);
}

/// Symbols of the sites in order, e.g. "Na Cl Na Cl".
QString siteSymbols(const cw::Structure& s) {
    QStringList symbols;
    for (const cw::Site& site : s.sites()) symbols << cw::element(site.z).symbol;
    return symbols.join(' ');
}

/// The FormatError of parsing `text` as "bad.vasp", or a default-constructed error text.
struct ParseFailure {
    QString message;
    QString location;
};
ParseFailure parseFailure(const std::string& text) {
    std::istringstream in(text);
    try {
        cw::parsePoscar(in, "bad.vasp");
    } catch (const cw::FormatError& e) {
        return {QString::fromStdString(e.what()), QString::fromStdString(e.location())};
    }
    return {"(no error)", {}};
}

cw::Structure reparsed(const cw::Structure& s) {
    std::istringstream in(cw::toPoscarText(s));
    return cw::parsePoscar(in, "written");
}

const char* kGood = "good\n1.0\n3 0 0\n0 3 0\n0 0 3\nNa Cl\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n";

}  // namespace

class TestPoscar : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void vasp4NegativeScaleAndTrailingSymbols() {
        // pymatgen's POSCAR: no species line; "-300.65685512" is the cell volume in Å³; the
        // species are written after each coordinate (and as "Fe4P4O16" in the comment).
        const cw::Structure s = cw::readPoscar(poscarPath("POSCAR"));
        QCOMPARE(s.id(), std::string("POSCAR"));
        QCOMPARE(s.size(), std::size_t{24});
        QVERIFY(near(s.lattice().volume(), 300.65685512, 1e-8));
        QCOMPARE(QString::fromStdString(s.fullFormula()), QString("Fe4P4O16"));
        QCOMPARE(s.site(1).z, 26);
        QCOMPARE(s.site(1).frac, Eigen::Vector3d(0.28127178, 0.25, 0.97486711));
        QCOMPARE(s.site(23).z, 8);
        QCOMPARE(s.site(23).frac, Eigen::Vector3d(0.95662769, 0.25, 0.29286233));
        // Orthorhombic: the scale multiplies each length by (V / (a·b·c))^(1/3), which is ~1 here.
        const double raw = 10.41176687 * 6.06717188 * 4.75948954;
        QVERIFY(near(s.lattice().parameters().a, 10.41176687 * std::cbrt(300.65685512 / raw)));
    }

    void vasp5Hexagonal() {
        const cw::Structure s = cw::readPoscar(poscarPath("POSCAR.Fe3O4"));
        QCOMPARE(s.size(), std::size_t{14});
        QCOMPARE(QString::fromStdString(s.fullFormula()), QString("Fe6O8"));
        // a = (2.95442, 0, 0), b = (-1.47721, 4.896343, 0), c = (0, 0, 9.994342): det = product
        // of the diagonal.
        QVERIFY(near(s.lattice().volume(), 2.954420 * 4.896343 * 9.994342));
        QCOMPARE(s.site(0).frac, Eigen::Vector3d(0.132170, 0.264340, 0.575230));
        QCOMPARE(s.site(13).z, 8);
        QCOMPARE(s.site(13).frac, Eigen::Vector3d(0.961442, 0.922883, 0.250000));
    }

    void cartesianCoordinates() {
        // fcc rows (0,h,h), (h,0,h), (h,h,0) with h = 1.785: the Cartesian point (x,x,x) is
        // f·(2h,2h,2h), so f = x / 2h. Volume 2h³.
        const cw::Structure s = cw::readPoscar(poscarPath("POSCAR_overlap"));
        QCOMPARE(siteSymbols(s), QString("B N"));
        const double h = 1.7849999999999999;
        QVERIFY(near(s.lattice().volume(), 2 * h * h * h));
        const double f0 = 0.4459613248654051 / (2 * h), f1 = 0.4465386751345948 / (2 * h);
        QVERIFY((s.site(0).frac - Eigen::Vector3d(f0, f0, f0)).norm() < 1e-12);
        QVERIFY((s.site(1).frac - Eigen::Vector3d(f1, f1, f1)).norm() < 1e-12);
    }

    void gzipInput() {
        const cw::Structure s = cw::readPoscar(poscarPath("POSCAR.C2.gz"));
        QCOMPARE(s.id(), std::string("POSCAR.C2.gz"));
        QCOMPARE(siteSymbols(s), QString("C C"));
        QVERIFY(near(s.lattice().volume(), 2 * std::pow(1.786855, 3)));
        QCOMPARE(s.site(0).frac, Eigen::Vector3d(0.25, 0.25, 0.25));
    }

    void contcarWithVelocitiesAndPredictor() {
        const cw::Structure s = cw::readPoscar(poscarPath("CONTCAR.MD"));
        QCOMPARE(s.size(), std::size_t{50});
        QCOMPARE(QString::fromStdString(s.fullFormula()), QString("Li20Ge2P4S24"));
        QVERIFY(near(s.lattice().volume(),
                     8.8250123289779498 * 8.6838222594568979 * 12.7603969760152687, 1e-8));
        // The last position (line 58), not a velocity from the block after it.
        QCOMPARE(s.site(49).z, 16);
        QCOMPARE(s.site(49).frac,
                 Eigen::Vector3d(0.0176567835301153, 0.2927697994194796, 0.1567414476594360));
    }

    void vasp4SpeciesFromComment() {
        // Scale 5.64 on the unit cube: volume 5.64³; "NaCl" in the comment names the groups.
        const cw::Structure s = cw::readPoscar(poscarPath("handmade/vasp4_comment_NaCl"));
        QCOMPARE(siteSymbols(s), QString("Na Na Na Na Cl Cl Cl Cl"));
        QVERIFY(near(s.lattice().volume(), 5.64 * 5.64 * 5.64));
        QCOMPARE(s.site(4).frac, Eigen::Vector3d(0.5, 0, 0));
        // The same text without a file has the same answer (no POTCAR needed).
        std::istringstream in("NaCl\n5.64\n1 0 0\n0 1 0\n0 0 1\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n");
        QCOMPARE(siteSymbols(cw::parsePoscar(in, "text")), QString("Na Cl"));
    }

    void vasp4SpeciesFromPotcar() {
        // Nothing in the POSCAR names the species; the POTCAR's TITEL lines say Ti_pv, then O.
        const cw::Structure s = cw::readPoscar(poscarPath("handmade/vasp4_potcar/POSCAR"));
        QCOMPARE(siteSymbols(s), QString("Ti Ti O O O O"));
        QVERIFY(near(s.lattice().volume(), 4.594 * 4.594 * 2.959));
        QCOMPARE(s.site(4).frac, Eigen::Vector3d(0.8053, 0.1947, 0.5));
    }

    void negativeScaleWithCartesianPositions() {
        // Raw fcc rows of length 1/2 enclose 1/4 Å³; volume 40 needs the factor
        // s = (40 / 0.25)^(1/3) = 160^(1/3) for the vectors and the Cartesian positions alike.
        // (0.25, 0.25, 0.25)·s = (a1 + a2 + a3)/4, fractional (1/4, 1/4, 1/4).
        const cw::Structure s =
            cw::readPoscar(poscarPath("handmade/cartesian_negative_scale.vasp"));
        QVERIFY(near(s.lattice().volume(), 40.0));
        const double scale = std::cbrt(160.0);
        QVERIFY(near(s.lattice().matrix()(0, 1), 0.5 * scale));
        QVERIFY(s.site(0).frac.norm() < 1e-12);
        QVERIFY((s.site(1).frac - Eigen::Vector3d(0.25, 0.25, 0.25)).norm() < 1e-12);
    }

    void selectiveDynamicsAndPotcarNames() {
        // Scale 2 on diag(1, 1.5, 2): a 2 × 3 × 4 box (24 Å³). Cartesian (0.5, 0.75, 1)·2 =
        // (1, 1.5, 2), fractional (1/2, 1/2, 1/2); (0.25, 0, 0)·2 = (0.5, 0, 0) → (1/4, 0, 0).
        const cw::Structure s = cw::readPoscar(poscarPath("handmade/selective_dynamics.vasp"));
        QCOMPARE(siteSymbols(s), QString("Fe O O"));
        QVERIFY(near(s.lattice().volume(), 24.0));
        QVERIFY((s.site(0).frac - Eigen::Vector3d(0.5, 0.5, 0.5)).norm() < 1e-12);
        QVERIFY(s.site(1).frac.norm() < 1e-12);
        QVERIFY((s.site(2).frac - Eigen::Vector3d(0.25, 0, 0)).norm() < 1e-12);
    }

    void threeScaleFactors() {
        // Scales (2, 3, 4) apply to x, y, z: rows (2,0,0), (2,3,0), (0,0,4), volume 24. The
        // Cartesian (1, 1, 0.5) becomes (2, 3, 2) = 0·a + 1·b + 0.5·c.
        const cw::Structure s = cw::readPoscar(poscarPath("handmade/three_scale_factors.vasp"));
        QCOMPARE(siteSymbols(s), QString("Cu"));
        QVERIFY(near(s.lattice().volume(), 24.0));
        QVERIFY(near(s.lattice().matrix()(1, 0), 2.0) && near(s.lattice().matrix()(1, 1), 3.0));
        QVERIFY((s.site(0).frac - Eigen::Vector3d(0, 1, 0.5)).norm() < 1e-12);
    }

    void repeatedSpeciesKeepSiteOrder() {
        const cw::Structure s = cw::readPoscar(poscarPath("handmade/repeated_species.vasp"));
        QCOMPARE(siteSymbols(s), QString("Na Cl Na Cl"));
        const std::string text = cw::toPoscarText(s);
        std::istringstream lines(text);
        std::string line;
        for (int i = 0; i < 6; ++i) std::getline(lines, line);
        QCOMPARE(QString::fromStdString(line).simplified(), QString("Na Cl Na Cl"));
        std::getline(lines, line);
        QCOMPARE(QString::fromStdString(line).simplified(), QString("1 1 1 1"));
        CW_VERIFY_SAME_STRUCTURE(s, reparsed(s));
    }

    void writerFormat() {
        cw::Structure nacl = cw::test::rockSaltNaCl();
        nacl.setId("mp-22862");
        const QStringList lines = QString::fromStdString(cw::toPoscarText(nacl)).split('\n');
        QCOMPARE(lines[0], QString("Na4Cl4 mp-22862"));
        QCOMPARE(lines[1], QString("1.0"));
        QCOMPARE(lines[5].simplified(), QString("Na Cl"));
        QCOMPARE(lines[6].simplified(), QString("4 4"));
        QCOMPARE(lines[7], QString("Direct"));
        // 17 significant digits: 5.64 is not exact in binary and shows it.
        QCOMPARE(lines[2].simplified(), QString("5.6399999999999997 0 0"));
        QCOMPARE(lines[12].simplified(), QString("0.5 0 0 Cl"));  // the first Cl
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::toPoscarText(cw::Structure()));
    }

    void roundTripsAreExact() {
        for (const char* name :
             {"POSCAR", "POSCAR.Fe3O4", "POSCAR_overlap", "POSCAR.C2.gz", "CONTCAR.MD",
              "handmade/cartesian_negative_scale.vasp", "handmade/three_scale_factors.vasp"}) {
            const cw::Structure s = cw::readPoscar(poscarPath(name));
            CW_VERIFY_SAME_STRUCTURE(s, reparsed(s));
        }
        for (const cw::Structure& s : {cw::test::wurtziteZnO(), cw::test::rutileTiO2()}) {
            CW_VERIFY_SAME_STRUCTURE(s, reparsed(s));
        }
        // Through a file, written atomically.
        QTemporaryDir dir;
        const std::string path = dir.filePath("out/POSCAR").toStdString();
        const cw::Structure zno = cw::test::wurtziteZnO();
        cw::writePoscar(path, zno);
        CW_VERIFY_SAME_STRUCTURE(zno, cw::readPoscar(path));
        QVERIFY(!std::filesystem::exists(path + ".tmp"));
    }

    void errorsNameFileAndLine() {
        QCOMPARE(parseFailure(kGood).message, QString("(no error)"));
        const struct {
            std::string text;
            const char* location;
            const char* reason;
        } cases[] = {
            {"", "line 1", "empty file"},
            {"x\nabc\n3 0 0\n0 3 0\n0 0 3\nNa\n1\nDirect\n0 0 0\n", "line 2",
             "expected one or three scale factors, found 0"},
            {"x\n0\n3 0 0\n0 3 0\n0 0 3\nNa\n1\nDirect\n0 0 0\n", "line 2", "scale factor is zero"},
            {"x\n1.0\n3 0 0\n0 3 0\n", "line 5", "unexpected end of file"},
            {"x\n1.0\n3 0 0\n0 3\n0 0 3\nNa\n1\nDirect\n0 0 0\n", "line 4",
             "expected three numbers for lattice vector b"},
            {"x\n1.0\n3 0 0\n6 0 0\n0 0 3\nNa\n1\nDirect\n0 0 0\n", "lines 3-5", "zero volume"},
            {"x\n1.0\n3 0 0\n0 3 0\n0 0 nan\nNa\n1\nDirect\n0 0 0\n", "line 5", "not finite"},
            {"x\n1.0\n3 0 0\n0 3 0\n0 0 3\nNa Xx\n1 1\nDirect\n0 0 0\n0 0 0\n", "line 6",
             "unknown element 'Xx'"},
            {"x\n1.0\n3 0 0\n0 3 0\n0 0 3\nNa Cl\n1\nDirect\n0 0 0\n", "line 7",
             "1 atom counts for 2 species"},
            {"x\n1.0\n3 0 0\n0 3 0\n0 0 3\nNa Cl\n1 1\nDirect\n0 0 0\n", "line 10",
             "expected 2 atom positions, found 1"},
            {"x\n1.0\n3 0 0\n0 3 0\n0 0 3\nNa Cl\n1 1\nDirect\n0 0 0\n0.5 x 0.5\n", "line 10",
             "cannot read atom position 2 from 'x'"},
            {"x\n1.0\n3 0 0\n0 3 0\n0 0 3\nNa Cl\n1 1\nDirect\n0 0 0\n0.5 NaN 0.5\n", "line 10",
             "atom position 2 is not finite"},
            {"x\n1.0\n3 0 0\n0 3 0\n0 0 3\nNa Cl\n1 1\n0 0 0\n0.5 0.5 0.5\n", "line 8",
             "expected 'Direct' or 'Cartesian'"},
            {"x\n1.0\n3 0 0\n0 3 0\n0 0 3\nNa\n1\nSelective\nDirect\n0 0 0 T T\n", "line 10",
             "selective dynamics needs three T/F flags"},
            {"x\n1.0\n3 0 0\n0 3 0\n0 0 3\nNa\n0\nDirect\n", "line 7", "no atoms"},
            {"cubic thing\n1.0\n3 0 0\n0 3 0\n0 0 3\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n", "line 6",
             "VASP 4 file without species"},
        };
        for (const auto& c : cases) {
            const ParseFailure failure = parseFailure(c.text);
            QVERIFY2(
                failure.location == c.location && failure.message.contains(c.reason) &&
                    failure.message.startsWith(QString("bad.vasp:") + c.location + ": "),
                qPrintable(failure.message + " (expected " + c.location + ": " + c.reason + ")"));
        }
        // readPoscar names the path.
        QTemporaryDir dir;
        const std::string path = dir.filePath("broken.vasp").toStdString();
        {
            std::ofstream out(path);
            out << "x\n1.0\n3 0 0\n0 3 0\n0 0 3\nNa Qq\n1 1\nDirect\n0 0 0\n0 0 0\n";
        }
        try {
            cw::readPoscar(path);
            QFAIL("no error for an unknown element");
        } catch (const cw::FormatError& e) {
            QCOMPARE(
                QString::fromStdString(e.what()),
                QString::fromStdString(path + ":line 6: unknown element 'Qq' in the species line"));
        }
        QVERIFY_THROWS_EXCEPTION(cw::IoError, cw::readPoscar(dir.filePath("absent").toStdString()));
    }

    void everySharedPoscarLoads() {
        CW_REQUIRE_SHARED_DATA();
        // Sites and formula from each file's species and counts lines (or, for the two VASP 4
        // files, the symbols after the coordinates); all of them are valid and must load.
        const std::map<std::string, std::pair<std::size_t, QString>> expected = {
            {"CONTCAR.Li2O", {96, "Li64O32"}},
            {"CONTCAR.MD", {50, "Li20Ge2P4S24"}},
            {"LiFePO4.vasp", {24, "Fe4P4O16"}},
            {"POSCAR", {24, "Fe4P4O16"}},
            {"POSCAR.Al12O18", {30, "Al12O18"}},
            {"POSCAR.C2.gz", {2, "C2"}},
            {"POSCAR.CdS_HSE", {4, "Cd2S2"}},
            {"POSCAR.Fe3O4", {14, "Fe6O8"}},
            {"POSCAR.Li2O", {96, "Li64O32"}},
            {"POSCAR.LiFePO4", {28, "Li4Fe4P4O16"}},
            {"POSCAR.O2", {8, "O8"}},
            {"POSCAR.lobster.nonspin_DOS", {2, "KF"}},
            {"POSCAR.lobster.nonspin_DOSzip.gz", {2, "KF"}},
            {"POSCAR.lobster.spin_DOS", {2, "KF"}},
            {"POSCAR.tricky_symmetry", {34, "MnZn4H16I9Cl4"}},
            {"POSCAR_overlap", {2, "BN"}},
            {"fit_symm_s1.vasp", {9, "V2ZnO6"}},
            {"fit_symm_s2.vasp", {9, "V2ZnO6"}},
        };
        std::size_t seen = 0;
        for (const auto& entry :
             std::filesystem::directory_iterator(cw::test::sharedDataPath("poscar"))) {
            const std::string name = entry.path().filename().string();
            cw::Structure s;
            try {
                s = cw::readPoscar(entry.path().string());
            } catch (const cw::Error& e) {
                QFAIL(e.what());
            }
            CW_VERIFY_SAME_STRUCTURE(s, reparsed(s));
            const auto it = expected.find(name);
            if (it == expected.end()) continue;  // a file added later only has to load
            ++seen;
            QVERIFY2(s.size() == it->second.first, name.c_str());
            QVERIFY2(QString::fromStdString(s.fullFormula()) == it->second.second, name.c_str());
        }
        QCOMPARE(seen, expected.size());
        // Volumes that the files state: a negative scale, or orthogonal vectors.
        QVERIFY(
            near(cw::readPoscar(cw::test::sharedDataPath("poscar/LiFePO4.vasp")).lattice().volume(),
                 300.65685512, 1e-8));
        QVERIFY(
            near(cw::readPoscar(cw::test::sharedDataPath("poscar/POSCAR.Li2O")).lattice().volume(),
                 std::pow(9.246, 3), 1e-8));
        QVERIFY(
            near(cw::readPoscar(cw::test::sharedDataPath("poscar/CONTCAR.Li2O")).lattice().volume(),
                 std::pow(9.1608989642998289, 3), 1e-8));
    }
};

QTEST_APPLESS_MAIN(TestPoscar)
#include "test_poscar.moc"
