// `cwb info` and `cwb convert` run as a user runs them: exit codes, JSON keys, known answers.
#include <QFile>
#include <QJsonArray>
#include <QRegularExpression>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "cli_runner.h"
#include "test_paths.h"

using cw::test::runCwb;

namespace {
QJsonObject parseObject(const QString& line) {
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(line.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError) qWarning() << "bad JSON:" << error.errorString() << line;
    return doc.object();
}
QString data(const char* name) { return QString::fromStdString(cw::test::testDataPath(std::string("cli/") + name)); }
}  // namespace

class TestCliInfo : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void versionAndUsage() {
        // The one version number: project(... VERSION x.y.z) of the top CMakeLists.txt.
        QFile cmake(QString(CW_SOURCE_DIR) + "/CMakeLists.txt");
        QVERIFY(cmake.open(QIODevice::ReadOnly));
        const auto match = QRegularExpression(R"(project\(CrystalWorkbench VERSION ([0-9.]+))").match(cmake.readAll());
        QVERIFY(match.hasMatch());
        QCOMPARE(runCwb({"--version"}).out.trimmed(), "cwb " + match.captured(1));
        QVERIFY(runCwb({"version"}).out.startsWith("cwb " + match.captured(1) + "\n"));
        QCOMPARE(runCwb({"--version"}).exitCode, 0);
        QCOMPARE(runCwb({"version"}).exitCode, 0);
        QCOMPARE(runCwb({}).exitCode, 2);
        const auto typo = runCwb({"info", data("NaCl.cif"), "--jsno"});
        QCOMPARE(typo.exitCode, 2);
        QVERIFY2(typo.err.contains("--json"), qPrintable(typo.err));  // suggests the nearest option
        QCOMPARE(runCwb({"info"}).exitCode, 2);
    }
    void rockSaltJson() {
        const auto r = runCwb({"info", data("NaCl.cif"), "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QStringList lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 1);
        const QJsonObject j = parseObject(lines.first());
        QCOMPARE(j["formula"].toString(), QString("NaCl"));
        QCOMPARE(j["nsites"].toInt(), 8);
        QCOMPARE(j["space_group"].toObject()["number"].toInt(), 225);
        QCOMPARE(j["space_group"].toObject()["symbol"].toString(), QString("Fm-3m"));
        const QJsonObject lattice = j["lattice"].toObject();
        for (const char* key : {"a", "b", "c"}) QVERIFY(std::abs(lattice[key].toDouble() - 5.64) < 1e-9);
        for (const char* key : {"alpha", "beta", "gamma"}) QVERIFY(std::abs(lattice[key].toDouble() - 90) < 1e-9);
        QCOMPARE(lattice["matrix"].toArray().size(), 3);
        QVERIFY(std::abs(j["volume"].toDouble() - std::pow(5.64, 3)) < 1e-6);
        // 4 × 58.443 u in (5.64 Å)³.
        QVERIFY(std::abs(j["density"].toDouble() - 2.1640) < 1e-3);
        QCOMPARE(j["species"].toArray().size(), 8);
        QCOMPARE(j["frac"].toArray().size(), 8);
        QCOMPARE(j["frac"].toArray().first().toArray().size(), 3);
    }
    void textOutputAndSymprec() {
        const auto r = runCwb({"info", data("rutile.vasp")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("TiO2"));
        QVERIFY(r.out.contains("P4_2/mnm (136)"));
        const auto loose = runCwb({"info", data("rutile.vasp"), "--json", "--symprec", "0.1"});
        QCOMPARE(parseObject(loose.out.trimmed())["space_group"].toObject()["number"].toInt(), 136);
    }
    void badInputExitsOne() {
        const auto missing = runCwb({"info", "/nonexistent/file.cif"});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY(missing.err.contains("/nonexistent/file.cif"));
        const auto bad = runCwb({"info", data("bad_element.vasp")});
        QCOMPARE(bad.exitCode, 1);
        QVERIFY2(bad.err.contains("bad_element.vasp") && bad.err.contains("Xq"), qPrintable(bad.err));
    }
    void convertRoundTrip() {
        QTemporaryDir dir;
        const QString vasp = dir.filePath("NaCl.vasp"), json = dir.filePath("NaCl.json"),
                      cif = dir.filePath("NaCl_p1.cif");
        QCOMPARE(runCwb({"convert", data("NaCl.cif"), vasp}).exitCode, 0);
        QCOMPARE(runCwb({"convert", vasp, json}).exitCode, 0);
        QCOMPARE(runCwb({"convert", json, cif}).exitCode, 0);
        const QJsonObject before = parseObject(runCwb({"info", data("NaCl.cif"), "--json"}).out.trimmed());
        const QJsonObject after = parseObject(runCwb({"info", cif, "--json"}).out.trimmed());
        QCOMPARE(after["nsites"].toInt(), 8);
        QCOMPARE(after["space_group"].toObject()["number"].toInt(), 225);
        QCOMPARE(after["species"].toArray(), before["species"].toArray());
        const QJsonArray f0 = before["frac"].toArray(), f1 = after["frac"].toArray();
        for (int i = 0; i < f0.size(); ++i) {
            for (int d = 0; d < 3; ++d) {
                QVERIFY(std::abs(f0[i].toArray()[d].toDouble() - f1[i].toArray()[d].toDouble()) < 1e-9);
            }
        }
        QCOMPARE(runCwb({"convert", data("NaCl.cif"), dir.filePath("x.unknownext")}).exitCode, 2);
    }
    void collectionPrintsOneLinePerEntry() {
        QTemporaryDir dir;
        const QString json = dir.filePath("two.json");
        // Two structures in one file → JSON array of documents → JSON Lines from info.
        const QString xyz = dir.filePath("two.xyz");
        QCOMPARE(runCwb({"convert", data("NaCl.cif"), dir.filePath("a.cif")}).exitCode, 0);
        QCOMPARE(runCwb({"convert", data("rutile.vasp"), dir.filePath("b.vasp")}).exitCode, 0);
        const auto folder = runCwb({"info", dir.path(), "--json"});
        QVERIFY2(folder.exitCode == 0, qPrintable(folder.err));
        QCOMPARE(folder.out.trimmed().split('\n').size(), 2);
        QCOMPARE(runCwb({"convert", dir.path(), json}).exitCode, 0);
        const auto lines = runCwb({"info", json, "--json"});
        QCOMPARE(lines.out.trimmed().split('\n').size(), 2);
        const auto byId = runCwb({"info", json, "--json", "--id", "b"});
        QVERIFY2(byId.exitCode == 0, qPrintable(byId.err));
        QCOMPARE(parseObject(byId.out.trimmed())["formula"].toString(), QString("TiO2"));
        QCOMPARE(runCwb({"info", json, "--id", "nope"}).exitCode, 1);
    }
    void noSpaceGroupIsSaidWithItsReason() {
        // O1 written to 8 decimals 3 mÅ off the mirror of P6_3/mmc: twelve atoms in pairs
        // 3 mÅ apart, which spglib refuses at every tolerance.
        QTemporaryDir dir;
        const QString path = dir.filePath("off_mirror.cif");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("data_off_mirror\n_cell_length_a 12.47\n_cell_length_b 12.47\n"
                   "_cell_length_c 25.99\n_cell_angle_alpha 90\n_cell_angle_beta 90\n"
                   "_cell_angle_gamma 120\n_symmetry_space_group_name_H-M 'P 63/m m c'\n"
                   "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n"
                   "_atom_site_fract_z\nO1 0.16083000 0.32190000 0.25000000\n");
        file.close();
        const auto text = runCwb({"info", path});
        QVERIFY2(text.exitCode == 0, qPrintable(text.err));
        QVERIFY2(text.out.contains("space group   none: spglib found no space group at symprec 0.01") &&
                     text.out.contains("apart") && !text.out.contains("(0)"),
                 qPrintable(text.out));
        const auto json = runCwb({"info", path, "--json"});
        const QJsonObject j = parseObject(json.out.trimmed());
        QVERIFY(j["space_group"].isNull());
        QVERIFY2(j["warning"].toString().startsWith("spglib found no space group at symprec 0.01"),
                 qPrintable(json.out));
        QVERIFY2(json.err.contains("warning: off_mirror"), qPrintable(json.err));
        // auto climbs to 0.3 Å before it gives up, and says so.
        const auto automatic = runCwb({"info", path, "--json", "--symprec", "auto"});
        QVERIFY2(parseObject(automatic.out.trimmed())["warning"].toString().contains("symprec 0.3"),
                 qPrintable(automatic.out));
        // A group found at a tolerance names it.
        const auto rutile = runCwb({"info", data("rutile.vasp"), "--json", "--symprec", "auto"});
        const QJsonObject group = parseObject(rutile.out.trimmed())["space_group"].toObject();
        QCOMPARE(group["number"].toInt(), 136);
        QCOMPARE(group["symprec"].toDouble(), 0.01);
        QCOMPARE(runCwb({"info", path, "--symprec", "loose"}).exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliInfo)
#include "test_cli_info.moc"
