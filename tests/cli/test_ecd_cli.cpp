// `cwb ecd slice` and `cwb ecd chgcar` run as a user runs them: the spec's NaCl example, the
// NumPy reference pixels, PNG output, exit codes.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "cli_runner.h"
#include "core/image.h"
#include "core/npy.h"
#include "core/png_image.h"
#include "test_paths.h"

using cw::test::runCwb;

namespace {
QJsonObject parseObject(const QString& text) {
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text.trimmed().toUtf8(), &error);
    if (error.error != QJsonParseError::NoError)
        qWarning() << "bad JSON:" << error.errorString() << text;
    return doc.object();
}
QString data(const char* name) {
    return QString::fromStdString(cw::test::testDataPath(std::string("ecd/") + name));
}
}  // namespace

class TestEcdCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void naclExample() {
        QTemporaryDir dir;
        const QString out = dir.filePath("nacl.npy");
        const auto r = runCwb({"ecd", "slice", data("nacl_ecd_example.json"), "--picks", "0,1,2",
                               "--size", "128", "--out", out, "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject j = parseObject(r.out);
        QCOMPARE(j["atoms_in_window"].toInt(), 912);
        const QJsonArray n = j["normal"].toArray();
        QCOMPARE(n.size(), 3);
        for (const auto& c : n)
            QVERIFY(std::abs(std::abs(c.toDouble()) - 1 / std::sqrt(3.0)) < 1e-9);
        QVERIFY(j.contains("e1") && j.contains("centre") && j.contains("picks") &&
                j.contains("parameters"));
        QCOMPARE(j["material_id"].toString(), QString("nacl-ecd-example"));
        const cw::Image image = cw::readNpyImage(out.toStdString());
        const cw::Image reference = cw::readNpyImage(data("nacl_default_128.npy").toStdString());
        QVERIFY(cw::maxAbsDifference(image, reference) <= 1e-5);
    }

    void pngOutputs() {
        QTemporaryDir dir;
        const QString png16 = dir.filePath("s16.png"), color = dir.filePath("c.png");
        auto r = runCwb({"ecd", "slice", data("mp-18849.json"), "--picks", "2,7,9",
                         "--volume-per-atom", "2.0", "--amplitude", "z", "--size", "64", "--window",
                         "25", "--out", png16, "--bits", "16"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("atoms_in_window 65"));
        const cw::PngPixels p = cw::readPng(png16.toStdString());
        QCOMPARE(p.bitDepth, 16);
        const cw::Image reference = cw::readNpyImage(data("mp-18849_z_64.npy").toStdString());
        const std::vector<std::uint16_t> q = cw::quantize16(reference);
        for (std::size_t i = 0; i < q.size(); ++i)
            QVERIFY(std::abs(int(p.samples[i]) - int(q[i])) <= 1);
        r = runCwb({"ecd", "slice", data("mp-18849.json"), "--picks", "2,7,9", "--size", "32",
                    "--colormap", "viridis", "--out", color});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(cw::readPng(color.toStdString()).channels, 3);
    }

    void translationsAndVolumeOff() {
        QTemporaryDir dir;
        const QString out = dir.filePath("off.npy");
        const auto r = runCwb({"ecd",
                               "slice",
                               data("mp-1005831.json"),
                               "--picks",
                               "3,1,17",
                               "--translations",
                               "0,0,0;0,1,0;-1,0,1",
                               "--volume-per-atom",
                               "off",
                               "--window",
                               "30",
                               "--tolerance",
                               "0.5",
                               "--size",
                               "96",
                               "--sigma",
                               "0.4",
                               "--out",
                               out,
                               "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(parseObject(r.out)["atoms_in_window"].toInt(), 55);
        const cw::Image reference = cw::readNpyImage(data("mp-1005831_off_96.npy").toStdString());
        QVERIFY(cw::maxAbsDifference(cw::readNpyImage(out.toStdString()), reference) <= 1e-5);
    }

    void errors() {
        QTemporaryDir dir;
        const QString out = dir.filePath("x.npy");
        const QString nacl = data("nacl_ecd_example.json");
        // Collinear picks: Na (0,0,0), Cl (½,0,0), Na (1,0,0) → bad input.
        auto r = runCwb({"ecd", "slice", nacl, "--picks", "0,4,0", "--translations",
                         "0,0,0;0,0,0;1,0,0", "--out", out});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("collinear"), qPrintable(r.err));
        QCOMPARE(runCwb({"ecd", "slice", nacl, "--picks", "0,1", "--out", out}).exitCode, 2);
        QCOMPARE(runCwb({"ecd", "slice", nacl, "--picks", "0,1,2", "--out", dir.filePath("x.tif")})
                     .exitCode,
                 2);
        QCOMPARE(runCwb({"ecd", "slice", nacl, "--picks", "0,1,2", "--volume-per-atom", "lots",
                         "--out", out})
                     .exitCode,
                 2);
        QCOMPARE(
            runCwb({"ecd", "slice", nacl, "--picks", "0,1,2", "--amplitude", "mass", "--out", out})
                .exitCode,
            2);
        QCOMPARE(runCwb({"ecd", "slice", nacl, "--picks", "0,1,99", "--out", out}).exitCode, 1);
        QCOMPARE(runCwb({"ecd", "slice", nacl, "--picks", "0,1,2"}).exitCode, 2);  // no --out
        QVERIFY(!QFile::exists(out));
    }

    void chgcarSlice() {
        QTemporaryDir dir;
        const QString out = dir.filePath("li.npy"), png = dir.filePath("li.png");
        auto r =
            runCwb({"ecd", "chgcar", data("CHGCAR.nospin.gz"), "--picks", "0,0,0", "--translations",
                    "0,0,0;1,0,0;0,1,0", "--window", "12", "--size", "48", "--out", out, "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject j = parseObject(r.out);
        QVERIFY(std::abs(j["electrons"].toDouble() - 1.0) < 1e-6);
        QCOMPARE(j["parameters"].toObject()["volume_per_atom"].toString(), QString("off"));
        const cw::Image image = cw::readNpyImage(out.toStdString());
        QCOMPARE(image.rows, 48);
        QVERIFY(image.minValue() > 0);
        r = runCwb({"ecd", "chgcar", data("CHGCAR.nospin.gz"), "--picks", "0,0,0", "--translations",
                    "0,0,0;1,0,0;0,1,0", "--size", "32", "--out", png});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(cw::readPng(png.toStdString()).bitDepth, 8);
        r = runCwb({"ecd", "chgcar", data("CHGCAR.nospin.gz"), "--picks", "0,0,0", "--translations",
                    "0,0,0;1,0,0;0,1,0", "--block", "magnetization", "--out", out});
        QCOMPARE(r.exitCode, 1);  // not spin-polarised
    }
};

QTEST_APPLESS_MAIN(TestEcdCli)
#include "test_ecd_cli.moc"
