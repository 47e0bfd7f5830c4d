// Extended XYZ: multi-frame files with extra columns, comment-line properties and ids, round
// trips, and errors that name the file, line and frame. Answers are read off the data file
// (tests/data/extxyz/mixed_columns.extxyz, hand-written) or derived in the comments.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <sstream>

#include "core/error.h"
#include "io/extxyz.h"
#include "known_structures.h"
#include "structure_compare.h"
#include "test_paths.h"

namespace {
// Round trips keep ids and properties too.
const cw::test::CompareOptions kRoundTrip{1e-9, false, true};

bool near(double a, double b, double tol = 1e-12) {
    return std::abs(a - b) <= tol;
}

std::vector<cw::Structure> parse(const std::string& text, const std::string& name = "t.xyz") {
    std::istringstream in(text);
    return cw::parseExtendedXyz(in, name);
}

/// The FormatError of parsing `text` as "bad.xyz", or "(no error)".
std::pair<QString, QString> failure(const std::string& text) {
    try {
        parse(text, "bad.xyz");
    } catch (const cw::FormatError& e) {
        return {QString::fromStdString(e.location()), QString::fromStdString(e.what())};
    }
    return {{}, "(no error)"};
}

const char* kCube = "Lattice=\"3 0 0 0 3 0 0 0 3\" Properties=species:S:1:pos:R:3";

}  // namespace

class TestExtxyz : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void readsFramesWithExtraColumns() {
        const auto frames =
            cw::readExtendedXyz(cw::test::testDataPath("extxyz/mixed_columns.extxyz"));
        QCOMPARE(frames.size(), std::size_t{3});

        // Frame 0: forces (R:3) and tags (I:1) after pos are skipped; Cl at (2.82)·3 in a 5.64
        // cube is (1/2, 1/2, 1/2).
        const cw::Structure& nacl = frames[0];
        QCOMPARE(nacl.id(), std::string("mp-22862"));
        QCOMPARE(nacl.site(0).z, 11);
        QCOMPARE(nacl.site(1).z, 17);
        QVERIFY((nacl.site(1).frac - Eigen::Vector3d(0.5, 0.5, 0.5)).norm() < 1e-12);
        QVERIFY(near(nacl.lattice().volume(), 5.64 * 5.64 * 5.64, 1e-9));
        QCOMPARE(nacl.properties().size(), std::size_t{2});  // config_type=bulk is text
        QCOMPARE(nacl.properties().at("energy"), -6.5);
        QCOMPARE(nacl.properties().at("band_gap"), 5.0);

        // Frame 1: a string (label) and a logical column before pos, a real after. Hexagonal
        // a = (3,0,0), b = (-1.5, 3√3/2, 0), c = (0,0,5): (1.5, √3/2, 2.5) = 2/3 a + 1/3 b + 1/2 c.
        const cw::Structure& zno = frames[1];
        QCOMPARE(zno.id(), std::string("mixed_columns_1"));
        QCOMPARE(zno.site(0).z, 30);
        QCOMPARE(zno.site(1).z, 8);
        QVERIFY((zno.site(1).frac - Eigen::Vector3d(2.0 / 3, 1.0 / 3, 0.5)).norm() < 1e-12);
        // Spaces around '=' are allowed; text, flags, booleans and arrays are not properties.
        QCOMPARE(zno.properties().size(), std::size_t{2});
        QCOMPARE(zno.properties().at("dft_energy"), -12.5);
        QCOMPARE(zno.properties().at("nsteps"), 12.0);

        // Frame 2: atomic numbers (Z:I:1) instead of symbols; a quoted id with a space.
        const cw::Structure& cu = frames[2];
        QCOMPARE(cu.id(), std::string("Cu fcc"));
        QCOMPARE(cu.size(), std::size_t{3});
        QCOMPARE(cu.site(2).z, 29);
        QVERIFY((cu.site(2).frac - Eigen::Vector3d(0.5, 0, 0.5)).norm() < 1e-12);
        QVERIFY(cu.properties().empty());
    }

    void defaultIdsAndOptionalProperties() {
        // No Properties= means species:S:1:pos:R:3; blank lines between frames are tolerated.
        const auto frames = parse(std::string("1\nLattice=\"3 0 0 0 3 0 0 0 3\"\nSi 0 0 1.5\n\n") +
                                      "1\n" + kCube + "\nGe 1.5 0 0\n\n",
                                  "/data/train.extxyz.gz");
        QCOMPARE(frames.size(), std::size_t{2});
        QCOMPARE(frames[0].id(), std::string("train_0"));
        QCOMPARE(frames[1].id(), std::string("train_1"));
        QCOMPARE(frames[0].site(0).frac, Eigen::Vector3d(0, 0, 0.5));
        QCOMPARE(frames[1].site(0).z, 32);
        QCOMPARE(cw::extendedXyzStem("dir/a.b.xyz.bz2"), std::string("a.b"));
    }

    void writerFormat() {
        cw::Structure nacl = cw::test::rockSaltNaCl();
        nacl.setId("mp-22862");
        nacl.setProperty("band_gap", 5.0);
        const QStringList lines = QString::fromStdString(cw::toExtendedXyzText({nacl})).split('\n');
        QCOMPARE(lines[0], QString("8"));
        QVERIFY2(lines[1].startsWith("Lattice=\"5.6399999999999997 0 0 0 5.6399999999999997 0 0 0 "
                                     "5.6399999999999997\" Properties=species:S:1:pos:R:3"),
                 qPrintable(lines[1]));
        QVERIFY(lines[1].contains(" id=mp-22862") && lines[1].contains(" band_gap=5"));
        QVERIFY(lines[1].endsWith(" pbc=\"T T T\""));
        // Cl at (1/2, 1/2, 1/2) of the cube: 2.82 Å, 17 significant digits.
        QCOMPARE(lines[9].simplified(), QString("Cl 2.8199999999999998 2.8199999999999998 "
                                                "2.8199999999999998"));
        QCOMPARE(lines.size(), 11);  // 2 header lines, 8 atoms, the final newline
    }

    void roundTripsAreExact() {
        std::vector<cw::Structure> structures = {cw::test::rockSaltNaCl(), cw::test::wurtziteZnO(),
                                                 cw::test::rutileTiO2()};
        structures[0].setId("with \"quotes\" and spaces");
        structures[0].setProperty("energy per atom", -3.0000000000000004);
        structures[1].setId("mp-2133");
        structures[1].setProperty("band_gap", 3.3);
        structures[1].setProperty("tiny", 1.2345678901234567e-30);
        structures[2].setId("rutile");
        structures[2].sites()[3].frac = Eigen::Vector3d(1.25, -0.5, 0.1);  // unwrapped is kept
        const auto back = parse(cw::toExtendedXyzText(structures));
        QCOMPARE(back.size(), structures.size());
        for (std::size_t i = 0; i < back.size(); ++i)
            CW_VERIFY_SAME_STRUCTURE(structures[i], back[i], kRoundTrip);

        // Through files: written atomically, read back plain and gzip-compressed.
        QTemporaryDir dir;
        const QString path = dir.filePath("frames.extxyz");
        cw::writeExtendedXyz(path.toStdString(), structures);
        const auto fromFile = cw::readExtendedXyz(path.toStdString());
        for (std::size_t i = 0; i < back.size(); ++i)
            CW_VERIFY_SAME_STRUCTURE(structures[i], fromFile[i], kRoundTrip);
        QCOMPARE(QProcess::execute("gzip", {"-k", path}), 0);
        const auto fromGzip = cw::readExtendedXyz((path + ".gz").toStdString());
        QCOMPARE(fromGzip.size(), structures.size());
        CW_VERIFY_SAME_STRUCTURE(structures[1], fromGzip[1], kRoundTrip);

        const auto mixed =
            cw::readExtendedXyz(cw::test::testDataPath("extxyz/mixed_columns.extxyz"));
        const auto mixedBack = parse(cw::toExtendedXyzText(mixed));
        for (std::size_t i = 0; i < mixed.size(); ++i)
            CW_VERIFY_SAME_STRUCTURE(mixed[i], mixedBack[i], kRoundTrip);
    }

    void errorsNameFileLineAndFrame() {
        const std::string good = std::string("1\n") + kCube + "\nNa 0 0 0\n";
        QCOMPARE(failure(good).second, QString("(no error)"));
        const struct {
            std::string text;
            const char* location;
            const char* reason;
        } cases[] = {
            {"1\nplain xyz comment\nNa 0 0 0\n", "line 2", "frame 0: no Lattice=: not periodic"},
            {good + "1\nProperties=species:S:1:pos:R:3\nNa 0 0 0\n", "line 5",
             "frame 1: no Lattice=: not periodic"},
            {"1\nLattice=\"3 0 0 0 3 0 0 0\"\nNa 0 0 0\n", "line 2", "Lattice= needs 9 numbers"},
            {"1\nLattice=\"3 0 0 0 3 0 6 0 0\"\nNa 0 0 0\n", "line 2", "zero volume"},
            {"1\nLattice=\"3 0 0 0 3 0 0 0 3\nNa 0 0 0\n", "line 2", "unterminated quote"},
            {"1\n" + std::string(kCube) + "\nXq 0 0 0\n", "line 3",
             "frame 0: unknown element 'Xq'"},
            {"1\n" + std::string(kCube) + "\nNa 0 0\n", "line 3",
             "atom 1 has 3 columns, Properties= declares 4"},
            {"1\n" + std::string(kCube) + "\nNa 0 nan 0\n", "line 3", "position is not finite"},
            {"1\n" + std::string(kCube) + "\nNa 0 zero 0\n", "line 3",
             "cannot read a position from 'zero'"},
            // The line where the second atom should be.
            {good + "3\n" + kCube + "\nNa 0 0 0\n", "line 7",
             "frame 1: unexpected end of file: expected 3 atoms, found 1"},
            {good + "two\n", "line 4", "frame 1: expected the number of atoms, found 'two'"},
            {"1\nLattice=\"3 0 0 0 3 0 0 0 3\" Properties=species:S:1:force:R:3\nNa 0 0 0\n",
             "line 2", "has no pos:R:3 column"},
            {"1\nLattice=\"3 0 0 0 3 0 0 0 3\" Properties=species:S:1:pos:X:3\nNa 0 0 0\n",
             "line 2", "unknown column type 'X'"},
            {"0\n" + std::string(kCube) + "\n", "line 1", "frame has no atoms"},
        };
        for (const auto& c : cases) {
            const auto [location, message] = failure(c.text);
            QVERIFY2(location == c.location && message.contains(c.reason) &&
                         message.startsWith(QString("bad.xyz:") + c.location + ": "),
                     qPrintable(message + " (expected " + c.location + ": " + c.reason + ")"));
        }
    }

    void badFramesCanBeSkipped() {
        // Frame 1 has an unknown element; its atom count says where frame 2 starts.
        const std::string text = std::string("1\n") + kCube + "\nNa 0 0 0\n" + "2\n" + kCube +
                                 "\nNa 0 0 0\nQq 1 1 1\n" + "1\n" + kCube + "\nCl 1.5 1.5 1.5\n";
        std::istringstream in(text);
        std::vector<std::size_t> good, bad;
        QString badMessage;
        const std::size_t delivered = cw::forEachExtendedXyzFrame(
            in, "skip.xyz",
            [&](cw::Structure&&, std::size_t frame) {
                good.push_back(frame);
                return true;
            },
            [&](const cw::FormatError& e, std::size_t frame) {
                bad.push_back(frame);
                badMessage = QString::fromStdString(e.what());
                return true;
            });
        QCOMPARE(delivered, std::size_t{2});
        QCOMPARE(good, (std::vector<std::size_t>{0, 2}));
        QCOMPARE(bad, (std::vector<std::size_t>{1}));
        QCOMPARE(badMessage, QString("skip.xyz:line 7: frame 1: unknown element 'Qq'"));
        // Without an error callback the first bad frame throws.
        QVERIFY_THROWS_EXCEPTION(cw::FormatError, parse(text));
        // The frame callback can stop early.
        std::istringstream again(text);
        QCOMPARE(cw::forEachExtendedXyzFrame(again, "s",
                                             [](cw::Structure&&, std::size_t) { return false; }),
                 std::size_t{1});
    }

    void missingFile() {
        QVERIFY_THROWS_EXCEPTION(cw::IoError, cw::readExtendedXyz("/nonexistent/frames.xyz"));
    }
};

QTEST_APPLESS_MAIN(TestExtxyz)
#include "test_extxyz.moc"
