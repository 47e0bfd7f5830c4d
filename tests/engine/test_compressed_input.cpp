// CompressedInput: plain, gzip and bzip2 detected by magic bytes, concatenated members, and
// clear IoErrors for truncated and corrupt files. Compressed files are made by the real gzip and
// bzip2 tools, so the decoder is checked against independent encoders.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <sstream>
#include <string>

#include "core/compressed_input.h"
#include "core/error.h"

namespace {

/// Text larger than the 64 KiB input chunk, with varying lines so that it compresses to more
/// than one chunk boundary's worth of work.
std::string sampleText(int lines, const std::string& tag) {
    std::ostringstream out;
    for (int i = 0; i < lines; ++i)
        out << tag << " line " << i << " value " << i * 7919 % 10007 << '\n';
    return out.str();
}

void writeBytes(const QString& path, const std::string& bytes) {
    std::ofstream out(path.toStdString(), std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string readBytes(const QString& path) {
    std::ifstream in(path.toStdString(), std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

/// Runs `tool -c input` and writes (or appends) its output to `output`.
bool compressWith(const QString& tool, const QString& input, const QString& output, bool append) {
    QProcess process;
    process.setStandardOutputFile(output, append ? QIODevice::Append : QIODevice::Truncate);
    process.start(tool, {"-c", input});
    return process.waitForFinished(30000) && process.exitStatus() == QProcess::NormalExit &&
           process.exitCode() == 0;
}

/// The message of the IoError that reading the whole file throws, or "" if none is thrown.
QString readError(const QString& path) {
    try {
        cw::readDecompressed(path.toStdString());
    } catch (const cw::IoError& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

}  // namespace

class TestCompressedInput : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString path(const QString& name) const { return m_dir.filePath(name); }
    /// Writes `text` to `name` and compresses it with `tool` into `name + suffix`.
    QString makeCompressed(const QString& tool, const QString& name, const std::string& text,
                           const QString& suffix) {
        writeBytes(path(name), text);
        const QString compressed = path(name + suffix);
        if (!compressWith(tool, path(name), compressed, false)) return {};
        return compressed;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void plainFile() {
        const std::string text = sampleText(20000, "plain");
        writeBytes(path("plain.txt"), text);
        cw::CompressedInput input(path("plain.txt").toStdString());
        QCOMPARE(QString(input.compression()), QString("plain"));
        QCOMPARE(input.path(), path("plain.txt").toStdString());
        QVERIFY(cw::readDecompressed(path("plain.txt").toStdString()) == text);
        // Files shorter than the magic bytes are plain too.
        writeBytes(path("tiny.txt"), "B");
        QVERIFY(cw::readDecompressed(path("tiny.txt").toStdString()) == "B");
        writeBytes(path("empty.txt"), "");
        QVERIFY(cw::readDecompressed(path("empty.txt").toStdString()).empty());
    }

    void gzipFile() {
        const std::string text = sampleText(30000, "gzip");
        const QString gz = makeCompressed("gzip", "a.txt", text, ".gz");
        QVERIFY(!gz.isEmpty());
        cw::CompressedInput input(gz.toStdString());
        QCOMPARE(QString(input.compression()), QString("gzip"));
        QVERIFY(cw::readDecompressed(gz.toStdString()) == text);
        // Small reads across chunk boundaries give the same bytes.
        std::string pieces;
        char buffer[7];
        while (const std::size_t n = input.read(buffer, sizeof buffer)) pieces.append(buffer, n);
        QVERIFY(pieces == text);
    }

    void bzip2File() {
        const std::string text = sampleText(30000, "bzip2");
        const QString bz = makeCompressed("bzip2", "b.txt", text, ".bz2");
        QVERIFY(!bz.isEmpty());
        QCOMPARE(QString(cw::CompressedInput(bz.toStdString()).compression()), QString("bzip2"));
        QVERIFY(cw::readDecompressed(bz.toStdString()) == text);
    }

    void concatenatedStreams() {
        // `cat a.gz b.gz` and pbzip2-style files are one file's content, member after member.
        const std::string first = sampleText(5000, "first"), second = sampleText(7000, "second");
        writeBytes(path("first.txt"), first);
        writeBytes(path("second.txt"), second);
        for (const auto& [tool, suffix] : {std::pair{"gzip", ".gz"}, std::pair{"bzip2", ".bz2"}}) {
            const QString both = path(QString("both") + suffix);
            QVERIFY(compressWith(tool, path("first.txt"), both, false));
            QVERIFY(compressWith(tool, path("second.txt"), both, true));
            QVERIFY2(cw::readDecompressed(both.toStdString()) == first + second, tool);
        }
    }

    void detectionIgnoresTheExtension() {
        const std::string text = sampleText(100, "magic");
        writeBytes(path("looks.gz"), text);
        QVERIFY(cw::readDecompressed(path("looks.gz").toStdString()) == text);
        const QString gz = makeCompressed("gzip", "hidden", text, ".dat");
        QCOMPARE(QString(cw::CompressedInput(gz.toStdString()).compression()), QString("gzip"));
        QVERIFY(cw::readDecompressed(gz.toStdString()) == text);
    }

    void trailingZerosAfterGzipAreIgnored() {
        // gzip(1) ignores trailing garbage such as tape padding; so do we.
        const std::string text = sampleText(100, "padded");
        const QString gz = makeCompressed("gzip", "padded.txt", text, ".gz");
        writeBytes(gz, readBytes(gz) + std::string(512, '\0'));
        QVERIFY(cw::readDecompressed(gz.toStdString()) == text);
    }

    void truncatedGzip() {
        const QString gz = makeCompressed("gzip", "t.txt", sampleText(20000, "cut"), ".gz");
        const std::string bytes = readBytes(gz);
        writeBytes(path("cut.gz"), bytes.substr(0, bytes.size() / 2));
        const QString message = readError(path("cut.gz"));
        QVERIFY2(message.contains("truncated gzip stream"), qPrintable(message));
        QVERIFY2(message.contains(path("cut.gz")), qPrintable(message));
        // The header alone (magic bytes and nothing more) is truncated too.
        writeBytes(path("magic-only.gz"), bytes.substr(0, 2));
        QVERIFY(readError(path("magic-only.gz")).contains("truncated gzip stream"));
        // Cutting only the 8-byte trailer (CRC and size) still counts as truncated.
        writeBytes(path("no-trailer.gz"), bytes.substr(0, bytes.size() - 4));
        QVERIFY(readError(path("no-trailer.gz")).contains("truncated gzip stream"));
    }

    void truncatedBzip2() {
        const QString bz = makeCompressed("bzip2", "t2.txt", sampleText(20000, "cut"), ".bz2");
        const std::string bytes = readBytes(bz);
        writeBytes(path("cut.bz2"), bytes.substr(0, bytes.size() / 2));
        const QString message = readError(path("cut.bz2"));
        QVERIFY2(message.contains("truncated bzip2 stream"), qPrintable(message));
        QVERIFY2(message.contains(path("cut.bz2")), qPrintable(message));
    }

    void corruptStreams() {
        const std::string text = sampleText(20000, "corrupt");
        const QString gz = makeCompressed("gzip", "c.txt", text, ".gz");
        std::string bytes = readBytes(gz);
        for (std::size_t i = bytes.size() / 3; i < bytes.size() / 3 + 64; ++i) bytes[i] ^= 0x5a;
        writeBytes(path("bad.gz"), bytes);
        QString message = readError(path("bad.gz"));
        QVERIFY2(message.contains("corrupt gzip stream"), qPrintable(message));
        QVERIFY(message.contains(path("bad.gz")));

        const QString bz = makeCompressed("bzip2", "c2.txt", text, ".bz2");
        bytes = readBytes(bz);
        for (std::size_t i = bytes.size() / 3; i < bytes.size() / 3 + 64; ++i) bytes[i] ^= 0x5a;
        writeBytes(path("bad.bz2"), bytes);
        message = readError(path("bad.bz2"));
        QVERIFY2(message.contains("corrupt bzip2 stream"), qPrintable(message));
    }

    void istreamRethrowsIoError() {
        const std::string text = sampleText(20000, "stream");
        const QString gz = makeCompressed("gzip", "s.txt", text, ".gz");
        {
            cw::CompressedIStream in(gz.toStdString());
            std::string line, all;
            while (std::getline(in, line)) all += line + '\n';
            QVERIFY(all == text);
        }
        const std::string bytes = readBytes(gz);
        writeBytes(path("s-cut.gz"), bytes.substr(0, bytes.size() / 2));
        cw::CompressedIStream in(path("s-cut.gz").toStdString());
        std::string line;
        QVERIFY_THROWS_EXCEPTION(cw::IoError, {
            while (std::getline(in, line)) {
            }
        });
    }

    void missingFile() {
        QVERIFY_THROWS_EXCEPTION(cw::IoError, cw::CompressedInput(path("absent").toStdString()));
        const QString message = readError(path("absent"));
        QVERIFY(message.contains(path("absent")) && message.contains("cannot open"));
    }
};

QTEST_APPLESS_MAIN(TestCompressedInput)
#include "test_compressed_input.moc"
