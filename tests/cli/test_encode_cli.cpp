// cwb encode / cwb decode on the real binary: the NaCl reference pixels through a PNG file,
// CrysTens .npy round trips, JSON output, symmetrisation, and error exits.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include "cli_runner.h"
#include "core/png_image.h"
#include "io/cif.h"
#include "known_structures.h"

class TestEncodeCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void xtal2pngRoundTrip();
    void crystensRoundTrip();
    void compactFormats();
    void errors();

private:
    QTemporaryDir m_dir;
    QString m_nacl;
    QString path(const QString& name) const { return m_dir.filePath(name); }
};

void TestEncodeCli::initTestCase() {
    QVERIFY(m_dir.isValid());
    m_nacl = path("nacl.cif");
    cw::writeCif(m_nacl.toStdString(), cw::test::rockSaltNaCl());
}

void TestEncodeCli::xtal2pngRoundTrip() {
    const QString png = path("nacl.png");
    cw::test::CliResult r = cw::test::runCwb({"encode", "xtal2png", m_nacl, "--out", png});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY(r.out.contains("NaCl,space-group=225"));
    const cw::PngPixels pixels = cw::readPng(png.toStdString());
    QCOMPARE(pixels.width, 64);
    QCOMPARE(pixels.channels, 1);
    QCOMPARE(int(pixels.samples[12 * 64 + 0]), 22);
    QCOMPARE(int(pixels.samples[16 * 64 + 0]), 35);
    QCOMPARE(int(pixels.samples[12 * 64 + 4]), 70);
    QCOMPARE(int(pixels.samples[12 * 64 + 10]), 39);
    QCOMPARE(int(pixels.samples[12 * 64 + 11]), 249);

    const QString cif = path("decoded.cif");
    r = cw::test::runCwb({"decode", "xtal2png", png, "--out", cif, "--json", "--refine"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(j["n"].toInt(), 8);
    QCOMPARE(j["species"].toArray().first().toString(), QString("Na"));
    QCOMPARE(j["space_group"].toObject()["header"].toInt(), 225);
    QVERIFY(std::abs(j["lattice"].toObject()["alpha"].toDouble() - 90.353) < 1e-3);
    QVERIFY(j["pairwise_error"].toObject()["after"].toDouble() <= j["pairwise_error"].toObject()["before"].toDouble());
    const auto blocks = cw::readCifBlocks(cif.toStdString());
    QCOMPARE(blocks.front().structure.size(), std::size_t(8));

    r = cw::test::runCwb({"decode", "xtal2png", png, "--symmetrize", "0.1", "--out", cif, "--json"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).object()["space_group"].toObject()["number"].toInt(), 225);

    r = cw::test::runCwb({"encode", "xtal2png", m_nacl, "--cell", "primitive", "--out", path("prim.npy")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    r = cw::test::runCwb({"decode", "xtal2png", path("prim.npy"), "--out", cif, "--json"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).object()["n"].toInt(), 2);
}

void TestEncodeCli::crystensRoundTrip() {
    const QString cif = path("ct.cif");
    for (const QStringList& extra : {QStringList{}, QStringList{"--raw"}, QStringList{"--channels-first"}}) {
        const QString npy = path("nacl_ct.npy");
        cw::test::CliResult r = cw::test::runCwb(QStringList{"encode", "crystens", m_nacl, "--out", npy} + extra);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QStringList decodeArgs{"decode", "crystens", npy, "--out", cif, "--json"};
        if (extra.contains("--raw")) decodeArgs << "--raw";
        r = cw::test::runCwb(decodeArgs);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(j["n"].toInt(), 8);
        QCOMPARE(j["formula"].toString(), QString("NaCl"));
        QVERIFY(std::abs(j["lattice"].toObject()["a"].toDouble() - 5.64) < 1e-5);
        QCOMPARE(j["space_group"].toObject()["number"].toInt(), 225);
    }
}

void TestEncodeCli::compactFormats() {
    // NaCl's 8-site conventional cell in a compact CrysTens for 8 sites: 32 × 32 × 4, decoded back.
    const QString npy = path("nacl-compact.npy"), cif = path("nacl-compact.cif");
    cw::test::CliResult r =
        cw::test::runCwb({"encode", "crystens-compact", m_nacl, "--max-sites", "8", "--out", npy});
    QVERIFY2(r.exitCode == 0 && r.out.contains("32 × 32 × 4"), qPrintable(r.out + r.err));
    r = cw::test::runCwb({"decode", "crystens-compact", npy, "--max-sites", "8", "--out", cif, "--json"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(j["n"].toInt(), 8);
    QCOMPARE(j["formula"].toString(), QString("NaCl"));
    QVERIFY(std::abs(j["lattice"].toObject()["a"].toDouble() - 5.64) < 0.01);
    // Too few sites for the cell, the full size under a compact name, no size at decode: exit 2.
    r = cw::test::runCwb({"encode", "xtal2png-compact", m_nacl, "--max-sites", "4", "--out", path("x.png")});
    QVERIFY2(r.exitCode == 1 && r.err.contains("at most 4"), qPrintable(r.err));
    r = cw::test::runCwb({"encode", "crystens-compact", m_nacl, "--max-sites", "52", "--out", npy});
    QVERIFY2(r.exitCode == 2 && r.err.contains("1…51"), qPrintable(r.err));
    r = cw::test::runCwb({"decode", "crystens-compact", npy, "--out", cif});
    QVERIFY2(r.exitCode == 2 && r.err.contains("--max-sites"), qPrintable(r.err));
}

void TestEncodeCli::errors() {
    // Partial occupancy: a clear message, exit 1.
    cw::Structure s = cw::test::rockSaltNaCl();
    s.sites()[0].occupancy = 0.5;
    const QString disordered = path("disordered.cif");
    cw::writeCif(disordered.toStdString(), s);
    cw::test::CliResult r = cw::test::runCwb({"encode", "xtal2png", disordered, "--out", path("d.png")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("occupancy"), qPrintable(r.err));
    // Usage errors: exit 2.
    r = cw::test::runCwb({"encode", "xtal2png", m_nacl, "--cell", "reduced", "--out", path("x.png")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains("as-is"));
    r = cw::test::runCwb({"encode", "crystens", m_nacl, "--out", path("x.png")});
    QCOMPARE(r.exitCode, 2);
    r = cw::test::runCwb({"encode", "xtal2ping", m_nacl, "--out", path("x.png")});
    QCOMPARE(r.exitCode, 2);
    // A 16-bit image is not an xtal2png image (8-bit grayscale, or RGB that is averaged).
    const QString deep = path("deep.png");
    cw::Image img(64, 64, 0.5f);
    cw::writePngGray(deep.toStdString(), img, 16);
    r = cw::test::runCwb({"decode", "xtal2png", deep, "--out", path("x.cif")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("8-bit") && r.err.contains("deep.png"), qPrintable(r.err));
}

QTEST_GUILESS_MAIN(TestEncodeCli)
#include "test_encode_cli.moc"
