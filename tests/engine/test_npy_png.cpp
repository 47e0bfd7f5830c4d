// .npy (engine/core/npy.h) and PNG (engine/core/png_image.h): write → read round trips, the
// exact bytes numpy writes, and numpy-written files read back.
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/npy.h"
#include "core/png_image.h"
#include "test_paths.h"

namespace {

cw::Image ramp(int rows, int cols) {
    cw::Image image(rows, cols);
    for (int r = 0; r < rows; ++r)
        for (int k = 0; k < cols; ++k)
            image(r, k) = static_cast<float>((r * cols + k) % 997) / 996.0f;
    return image;
}

}  // namespace

class TestNpyPng : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void npyHeaderIsWhatNumpyWrites() {
        // numpy 1.24: np.save of np.zeros((2, 3), np.float32) writes this 128-byte preamble
        // (magic, version 1.0, header length 118, dict, spaces, newline).
        const std::vector<float> zeros(6, 0.0f);
        const std::string bytes = cw::npyBytes(cw::NpyDtype::Float32, {2, 3}, zeros.data());
        QCOMPARE(bytes.size(), std::size_t{128 + 24});
        QCOMPARE(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
        QCOMPARE(static_cast<int>(static_cast<unsigned char>(bytes[8])), 118);
        const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        QCOMPARE(bytes.substr(10, dict.size()), dict);
        QCOMPARE(bytes[127], '\n');
        QCOMPARE(bytes.substr(10 + dict.size(), 127 - 10 - dict.size()),
                 std::string(127 - 10 - dict.size(), ' '));
        // 1-D shapes carry the trailing comma of a Python 1-tuple.
        const std::uint8_t one = 7;
        QVERIFY(cw::npyBytes(cw::NpyDtype::UInt8, {1}, &one).find("'shape': (1,), }") !=
                std::string::npos);
    }

    void npyRoundTrips() {
        QTemporaryDir dir;
        const std::string base = dir.path().toStdString();
        const cw::Image image = ramp(37, 53);
        cw::writeNpy(base + "/f.npy", image);
        const cw::Image back = cw::readNpyImage(base + "/f.npy");
        QCOMPARE(back.rows, 37);
        QCOMPARE(back.cols, 53);
        QCOMPARE(back.data, image.data);

        std::vector<std::uint8_t> u8(2 * 3 * 4);
        for (std::size_t i = 0; i < u8.size(); ++i) u8[i] = static_cast<std::uint8_t>(i * 11);
        cw::writeNpy(base + "/u8.npy", u8, {2, 3, 4});
        cw::NpyArray a = cw::readNpy(base + "/u8.npy");
        QVERIFY(a.dtype == cw::NpyDtype::UInt8);
        QCOMPARE(a.shape, (std::vector<std::size_t>{2, 3, 4}));
        QCOMPARE(a.u8, u8);

        std::vector<std::uint16_t> u16 = {0, 1, 256, 65535, 1234, 4321};
        cw::writeNpy(base + "/u16.npy", u16, {6});
        a = cw::readNpy(base + "/u16.npy");
        QVERIFY(a.dtype == cw::NpyDtype::UInt16);
        QCOMPARE(a.u16, u16);

        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::writeNpy(base + "/bad.npy", u16, {2, 2}));
        QVERIFY_THROWS_EXCEPTION(cw::IoError, cw::readNpy(base + "/missing.npy"));
        cw::writeFileAtomically(base + "/junk.npy", "not an array");
        QVERIFY_THROWS_EXCEPTION(cw::FormatError, cw::readNpy(base + "/junk.npy"));
        QVERIFY_THROWS_EXCEPTION(cw::FormatError, cw::readNpyImage(base + "/u8.npy"));  // 3-D
    }

    void npyStackWriter() {
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString() + "/stack.npy";
        {
            cw::NpyStackWriter writer(path, cw::NpyDtype::Float32, {4, 5});
            for (int i = 0; i < 3; ++i) {
                cw::Image image(4, 5, static_cast<float>(i));
                writer.append(image);
            }
            QVERIFY_THROWS_EXCEPTION(cw::ValueError, writer.append(cw::Image(5, 4)));
            QVERIFY(!QFile::exists(QString::fromStdString(path)));  // only the .part so far
            writer.finish();
        }
        const cw::NpyArray a = cw::readNpy(path);
        QCOMPARE(a.shape, (std::vector<std::size_t>{3, 4, 5}));
        QCOMPARE(a.f32.size(), std::size_t{60});
        QCOMPARE(a.f32[0], 0.0f);
        QCOMPARE(a.f32[59], 2.0f);
        // An unfinished writer leaves nothing behind.
        { cw::NpyStackWriter abandoned(path + "2", cw::NpyDtype::UInt8, {2}); }
        QVERIFY(!QFile::exists(QString::fromStdString(path + "2")));
        QVERIFY(!QFile::exists(QString::fromStdString(path + "2.part")));
    }

    void npyHeaderAloneLocatesTheData() {
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString() + "/u16.npy";
        const std::vector<std::uint16_t> values{1, 2, 3, 65535, 7, 8};
        cw::writeNpy(path, values, {2, 3});
        const cw::NpyHeader h = cw::readNpyHeader(path);
        QCOMPARE(h.dtype, cw::NpyDtype::UInt16);
        QCOMPARE(h.itemSize, std::size_t{2});
        QCOMPARE(h.shape, (std::vector<std::size_t>{2, 3}));
        QCOMPARE(h.elementCount(), std::size_t{6});
        QCOMPARE(h.dataOffset, std::size_t{128});
        QVERIFY(!h.byteSwapped);
        const std::string bytes = cw::readFileToString(path);
        QCOMPARE(bytes.size(), h.dataOffset + 6 * h.itemSize);
        std::uint16_t fourth = 0;
        std::memcpy(&fourth, bytes.data() + h.dataOffset + 3 * h.itemSize, 2);
        QCOMPARE(fourth, std::uint16_t{65535});
        // Only the header is needed: a file cut after it still parses; one cut inside does not.
        QCOMPARE(cw::parseNpyHeader(path, std::string_view(bytes).substr(0, 128)).shape, h.shape);
        QVERIFY_THROWS_EXCEPTION(cw::FormatError,
                                 cw::parseNpyHeader(path, std::string_view(bytes).substr(0, 60)));
        // A big-endian float64 header is recognised as such.
        std::string big = bytes;
        big.replace(big.find("<u2"), 3, ">f8");
        const cw::NpyHeader b = cw::parseNpyHeader(path, big);
        QCOMPARE(b.itemSize, std::size_t{8});
        QCOMPARE(b.dtype, cw::NpyDtype::Float32);
        QVERIFY(b.byteSwapped);
        QVERIFY_THROWS_EXCEPTION(cw::IoError, cw::readNpyHeader(path + ".missing"));
    }

    void numpyReadsOurFilesAndWeReadNumpys() {
        // The reference arrays in tests/data/ecd were written by numpy.save.
        const cw::Image ref = cw::readNpyImage(cw::test::testDataPath("ecd/nacl_default_128.npy"));
        QCOMPARE(ref.rows, 128);
        QVERIFY(ref.maxValue() > 0.9f && ref.minValue() >= 0.0f);
        // numpy.load of our file, when a Python with numpy is at hand (checked by hand too).
        if (!QFile::exists("/usr/bin/python3")) QSKIP("no /usr/bin/python3");
        QTemporaryDir dir;
        const std::string f32 = dir.path().toStdString() + "/ours.npy";
        const std::string stack = dir.path().toStdString() + "/stack.npy";
        cw::writeNpy(f32, ramp(3, 4));
        cw::NpyStackWriter w(stack, cw::NpyDtype::UInt16, {2, 2});
        const std::uint16_t item[4] = {1, 2, 3, 65535};
        w.append(item);
        w.append(item);
        w.finish();
        const std::string script =
            "import numpy as n; a = n.load('" + f32 + "'); b = n.load('" + stack +
            "'); assert a.dtype == n.float32 and a.shape == (3, 4) and a[2, 3] == n.float32(11 / "
            "996); "
            "assert b.dtype == n.uint16 and b.shape == (2, 2, 2) and b[1, 1, 1] == 65535";
        QProcess python;
        python.start("/usr/bin/python3", {"-c", QString::fromStdString(script)});
        QVERIFY(python.waitForFinished(60000));
        if (python.exitCode() != 0 && python.readAllStandardError().contains("No module named"))
            QSKIP("numpy absent");
        QCOMPARE(python.exitCode(), 0);
    }

    void png8RoundTrip() {
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString() + "/g8.png";
        cw::Image image = ramp(31, 17);
        image(0, 0) = -0.5f;  // clamped
        image(0, 1) = 2.0f;
        cw::writePngGray(path, image, 8);
        const cw::PngPixels png = cw::readPng(path);
        QCOMPARE(png.width, 17);
        QCOMPARE(png.height, 31);
        QCOMPARE(png.channels, 1);
        QCOMPARE(png.bitDepth, 8);
        const std::vector<std::uint8_t> q = cw::quantize8(image);
        QCOMPARE(q[0], std::uint8_t{0});
        QCOMPARE(q[1], std::uint8_t{255});
        for (std::size_t i = 0; i < q.size(); ++i) QCOMPARE(png.samples[i], std::uint16_t{q[i]});
        QCOMPARE(q[2], static_cast<std::uint8_t>(std::lround(255.0 * (2.0f / 996.0f))));
        const cw::Image back = cw::readPngGray(path);
        for (std::size_t i = 2; i < image.size(); ++i)
            QVERIFY(std::abs(back.data[i] - image.data[i]) <= 0.5f / 255 + 1e-6f);
    }

    void png16RoundTrip() {
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString() + "/g16.png";
        const cw::Image image = ramp(64, 40);
        cw::writePngGray(path, image, 16);
        const cw::PngPixels png = cw::readPng(path);
        QCOMPARE(png.bitDepth, 16);
        QCOMPARE(png.channels, 1);
        const std::vector<std::uint16_t> q = cw::quantize16(image);
        QCOMPARE(png.samples, q);
        const cw::Image back = cw::readPngGray(path);
        for (std::size_t i = 0; i < image.size(); ++i)
            QVERIFY(std::abs(back.data[i] - image.data[i]) <= 0.5f / 65535 + 1e-7f);
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::writePngGray(path, image, 12));
    }

    void colorMaps() {
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString() + "/viridis.png";
        cw::Image image(1, 3);
        image.data = {0.0f, 0.5f, 1.0f};
        // matplotlib: viridis(0) = #440154, viridis(1) = #fde725; magma(0) = #000004, magma(1) =
        // #fcfdbf.
        std::vector<std::uint8_t> rgb = cw::applyColorMap(image, cw::ColorMap::Viridis);
        QCOMPARE(rgb[0], std::uint8_t{0x44});
        QCOMPARE(rgb[1], std::uint8_t{0x01});
        QCOMPARE(rgb[2], std::uint8_t{0x54});
        QCOMPARE(rgb[6], std::uint8_t{0xfd});
        QCOMPARE(rgb[7], std::uint8_t{0xe7});
        QCOMPARE(rgb[8], std::uint8_t{0x25});
        rgb = cw::applyColorMap(image, cw::ColorMap::Magma);
        QCOMPARE(rgb[2], std::uint8_t{0x04});
        QCOMPARE(rgb[6], std::uint8_t{0xfc});
        QCOMPARE(rgb[8], std::uint8_t{0xbf});
        rgb = cw::applyColorMap(image, cw::ColorMap::Gray);
        QCOMPARE(rgb[3], std::uint8_t{128});
        cw::writePngColor(path, image, cw::ColorMap::Viridis);
        const cw::PngPixels png = cw::readPng(path);
        QCOMPARE(png.channels, 3);
        QCOMPARE(png.samples[6], std::uint16_t{0xfd});
        QVERIFY_THROWS_EXCEPTION(cw::FormatError, cw::readPngGray(path));
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, cw::parseColorMap("jet"));
        QVERIFY(cw::parseColorMap("magma") == cw::ColorMap::Magma);
    }

    void pngErrors() {
        QTemporaryDir dir;
        QVERIFY_THROWS_EXCEPTION(cw::IoError, cw::readPng(dir.path().toStdString() + "/none.png"));
        cw::writeFileAtomically(dir.path().toStdString() + "/bad.png", "\x89PNG nonsense");
        QVERIFY_THROWS_EXCEPTION(cw::FormatError,
                                 cw::readPng(dir.path().toStdString() + "/bad.png"));
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::encodePng(0, 1, 1, 8, nullptr));
    }
};

QTEST_APPLESS_MAIN(TestNpyPng)
#include "test_npy_png.moc"
