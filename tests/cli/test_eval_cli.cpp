// `cwb eval count` and `cwb eval ks` run as a user runs them: blob counts of the NumPy reference
// slices (.npy, PNG export, stacks), the KS reference values of docs/spec/metrics.md, input errors.
#include <QFile>
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
QString data(const char* name) {
    return QString::fromStdString(cw::test::testDataPath(std::string("ecd/") + name));
}

/// One JSON object per non-empty line.
QList<QJsonObject> jsonLines(const QString& text) {
    QList<QJsonObject> objects;
    for (const QString& line : text.split('\n', Qt::SkipEmptyParts)) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(line.toUtf8(), &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject()) {
            qWarning() << "bad JSON line:" << line;
            return {};
        }
        objects.push_back(doc.object());
    }
    return objects;
}

void writeText(const QString& path, const char* text) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

bool closeRel(double actual, double expected, double rel = 1e-12) {
    return std::abs(actual - expected) <= rel * std::abs(expected);
}

/// Every object has file, count, blobs with count == blobs and blobs inside a size² image.
bool wellFormed(const QJsonObject& j, int size) {
    if (!j["file"].isString() || !j["count"].isDouble() || !j["blobs"].isArray()) return false;
    const QJsonArray blobs = j["blobs"].toArray();
    if (j["count"].toInt() != blobs.size()) return false;
    for (const auto& b : blobs) {
        const QJsonArray rc = b.toArray();
        if (rc.size() != 2) return false;
        for (const auto& v : rc)
            if (v.toDouble() < -0.5 || v.toDouble() > size - 0.5) return false;
    }
    return true;
}
}  // namespace

class TestEvalCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void countNpyAndPngAgree() {
        // NaCl (111)-type slice, 128², σ 0.25 Å at 40 Å / 128 px = 0.8 px.
        QTemporaryDir dir;
        const QString npy = data("nacl_default_128.npy"), png = dir.filePath("nacl.png");
        cw::writePngGray(png.toStdString(), cw::readNpyImage(npy.toStdString()), 16);
        const auto r = runCwb({"eval", "count", npy, png, "--blob-sigma-px", "0.8", "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QList<QJsonObject> lines = jsonLines(r.out);
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines[0]["file"].toString(), npy);
        QCOMPARE(lines[1]["file"].toString(), png);
        QVERIFY(!lines[0].contains("index"));
        QVERIFY(wellFormed(lines[0], 128) && wellFormed(lines[1], 128));
        // The ground truth atoms_in_window of this slice (reference_cases.json) with the slice's
        // blob σ; the default 1.6 px (256²) would count blobs centred just outside the window.
        const int count = lines[0]["count"].toInt();
        QCOMPARE(count, 912);
        // 16-bit quantisation moves no blob across the threshold and positions barely.
        QCOMPARE(lines[1]["count"].toInt(), count);
        const QJsonArray a = lines[0]["blobs"].toArray(), b = lines[1]["blobs"].toArray();
        for (int i = 0; i < a.size(); ++i)
            for (int k = 0; k < 2; ++k)
                QVERIFY(std::abs(a[i][k].toDouble() - b[i][k].toDouble()) < 0.01);

        const auto plain = runCwb({"eval", "count", npy, png, "--blob-sigma-px", "0.8"});
        QVERIFY2(plain.exitCode == 0, qPrintable(plain.err));
        const QString c = QString::number(count);
        QVERIFY(plain.out.contains(npy + " " + c + "\n"));
        QVERIFY(plain.out.contains(png + " " + c + "\n"));
        QVERIFY2(plain.out.contains("images 2, mean count " + c), qPrintable(plain.out));
    }

    void stackGivesOneLinePerItem() {
        // (3, 1, 64, 64) stack as `cwb diffusion sample` writes: two real slices and a blank.
        QTemporaryDir dir;
        const QString zNacl = data("nacl_z_translations_64.npy"), zMp = data("mp-18849_z_64.npy");
        auto single = runCwb({"eval", "count", zNacl, zMp, "--json"});
        QVERIFY2(single.exitCode == 0, qPrintable(single.err));
        const QList<QJsonObject> singles = jsonLines(single.out);
        QCOMPARE(singles.size(), 2);
        QVERIFY(singles[0]["count"].toInt() > 0 && singles[1]["count"].toInt() > 0);

        std::vector<float> stack;
        for (const QString& f : {zNacl, zMp}) {
            const cw::Image im = cw::readNpyImage(f.toStdString());
            QCOMPARE(im.rows, 64);
            stack.insert(stack.end(), im.data.begin(), im.data.end());
        }
        stack.resize(stack.size() + 64 * 64, 0.0f);
        const QString stacked = dir.filePath("samples.npy");
        cw::writeNpy(stacked.toStdString(), stack, {3, 1, 64, 64});
        const auto r = runCwb({"eval", "count", stacked, "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QList<QJsonObject> items = jsonLines(r.out);
        QCOMPARE(items.size(), 3);
        for (int k = 0; k < 3; ++k) {
            QCOMPARE(items[k]["index"].toInt(), k);
            QCOMPARE(items[k]["file"].toString(), stacked);
            QVERIFY(wellFormed(items[k], 64));
        }
        QCOMPARE(items[0]["count"].toInt(), singles[0]["count"].toInt());
        QCOMPARE(items[1]["count"].toInt(), singles[1]["count"].toInt());
        QCOMPARE(items[1]["blobs"].toArray(), singles[1]["blobs"].toArray());
        QCOMPARE(items[2]["count"].toInt(), 0);

        const auto plain = runCwb({"eval", "count", stacked});
        QVERIFY2(plain.exitCode == 0, qPrintable(plain.err));
        QVERIFY(plain.out.contains(stacked + "[2] 0\n"));
        QVERIFY(plain.out.contains("images 3,"));
    }

    void badFilesAreSkipped() {
        QTemporaryDir dir;
        const QString missing = dir.filePath("missing.npy"), text = dir.filePath("notes.txt");
        const QString cube = dir.filePath("cube.npy");
        writeText(text, "hello\n");
        cw::writeNpy(cube.toStdString(), std::vector<float>(8, 0.5f), {2, 2, 2, 1});
        const QString good = data("mp-18849_z_64.npy");
        const auto r = runCwb({"eval", "count", missing, good, text, cube});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(missing) && r.err.contains(text) && r.err.contains(cube),
                 qPrintable(r.err));
        QVERIFY2(r.err.contains("shape (2, 2, 2, 1)"), qPrintable(r.err));
        QVERIFY(r.out.contains(good + " "));
        QVERIFY(r.out.contains("images 1,"));
    }

    void ksReferenceValues() {
        // docs/spec/metrics.md (scipy 1.10.1); comments and blank lines are skipped.
        QTemporaryDir dir;
        const QString a = dir.filePath("a.txt"), b = dir.filePath("b.txt");
        writeText(a, "# generated\n1\n2\n2\n3\n\n3\n3\n4\n4\n5\n6\n");
        writeText(b, "2\n3\n3\n4\n4\n4\n5\n5\n6\n7\n");
        auto r = runCwb({"eval", "ks", a, b, "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QList<QJsonObject> j = jsonLines(r.out);
        QCOMPARE(j.size(), 1);
        QVERIFY(closeRel(j[0]["statistic"].toDouble(), 0.3));
        QVERIFY2(closeRel(j[0]["pvalue"].toDouble(), 0.786929788477776),
                 qPrintable(QString::number(j[0]["pvalue"].toDouble(), 'g', 17)));
        QCOMPARE(j[0]["method"].toString(), QString("exact"));
        QCOMPARE(j[0]["n1"].toInt(), 10);
        QCOMPARE(j[0]["n2"].toInt(), 10);
        // The second sample is the first shifted by one.
        QVERIFY(closeRel(j[0]["wasserstein"].toDouble(), 1.0));

        writeText(a, "3\n4\n4\n5\n5\n5\n6\n6\n7\n8\n8\n9\n");
        writeText(b, "4\n5\n5\n6\n6\n6\n7\n7\n7\n8\n9\n10\n11\n12\n12\n");
        r = runCwb({"eval", "ks", a, b, "--alternative", "greater", "--method", "asymp", "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        j = jsonLines(r.out);
        QCOMPARE(j.size(), 1);
        QVERIFY(closeRel(j[0]["statistic"].toDouble(), 0.3));
        QVERIFY2(closeRel(j[0]["pvalue"].toDouble(), 0.225623208771612),
                 qPrintable(QString::number(j[0]["pvalue"].toDouble(), 'g', 17)));
        QCOMPARE(j[0]["method"].toString(), QString("asymp"));
        QCOMPARE(j[0]["n1"].toInt(), 12);
        QCOMPARE(j[0]["n2"].toInt(), 15);
        // W1 = Σ|U − V|·Δx over the pooled steps, in exact fractions: 11/6.
        QVERIFY(closeRel(j[0]["wasserstein"].toDouble(), 11.0 / 6.0));

        r = runCwb({"eval", "ks", a, b, "--alternative", "greater", "--method", "exact"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("method exact\n") && r.out.contains("n1 12\n"));
        const int at = r.out.indexOf("pvalue ");
        QVERIFY(at >= 0);
        const double p = r.out.mid(at + 7, r.out.indexOf('\n', at) - at - 7).toDouble();
        QVERIFY2(closeRel(p, 0.2505679981316), qPrintable(QString::number(p, 'g', 17)));
    }

    void ksInputErrors() {
        QTemporaryDir dir;
        const QString a = dir.filePath("a.txt"), b = dir.filePath("b.txt");
        writeText(a, "1\n2\n3\n");
        writeText(b, "1\n# fine\n2.5\nabc\n4\n");
        auto r = runCwb({"eval", "ks", a, b});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(b + ":line 4") && r.err.contains("abc"), qPrintable(r.err));
        r = runCwb({"eval", "ks", a, dir.filePath("none.txt")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(dir.filePath("none.txt")), qPrintable(r.err));
        r = runCwb({"eval", "ks", a, a, "--alternative", "sideways"});
        QCOMPARE(r.exitCode, 2);
    }
};

QTEST_APPLESS_MAIN(TestEvalCli)
#include "test_eval_cli.moc"
