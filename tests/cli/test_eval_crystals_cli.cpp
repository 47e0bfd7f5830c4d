// `cwb eval crystals` run as a user runs it on a real crystal CSV: the table, --json, the report
// folder, the bad row named and skipped (exit 1), usage errors (exit 2).
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "cli_runner.h"
#include "core/npy.h"
#include "encoding/crystens.h"
#include "io/structure_stream.h"
#include "test_paths.h"

using cw::test::runCwb;

namespace {
QString perovHead() {
    return QString::fromStdString(cw::test::testDataPath("collections/perov_5_head.csv"));
}
}  // namespace

class TestEvalCrystalsCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void setJudgedAgainstItself() {
        QTemporaryDir dir;
        const auto r = runCwb({"eval", "crystals", perovHead(), "--reference", perovHead(),
                               "--training", perovHead(), "--dataset", "perov5", "--json",
                               "--out", dir.path(), "--threads", "2"});
        // The broken fourth row is named by line and id, skipped three times (once per role).
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("(broken-1)"), qPrintable(r.err));
        const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(j["generated"].toInt(), 3);
        QCOMPARE(j["unique"].toObject()["count"].toInt(), 3);
        QCOMPARE(j["novel"].toObject()["count"].toInt(), 0);
        QCOMPARE(j["coverage"].toObject()["recall"].toDouble(), 1.0);
        QCOMPARE(j["properties"].toObject()["density_w1"].toDouble(), 0.0);
        QVERIFY(j["properties"].toObject()["fewer_than_requested"].toBool());
        for (const char* file : {"report.json", "crystals.csv", "space_groups.png", "properties.svg"}) {
            QVERIFY2(QFileInfo(dir.filePath(file)).size() > 0, file);
        }
        QCOMPARE(QDir(dir.filePath("unique")).entryList(QDir::Files).size(), 3);

        // The table names the published rows beside this set's figures.
        const auto table = runCwb({"eval", "crystals", perovHead(), "--reference", perovHead(),
                                   "--dataset", "perov5", "--no-nearest"});
        QVERIFY2(table.out.contains("structural validity") && table.out.contains("CDVAE") &&
                     table.out.contains("COV-R"),
                 qPrintable(table.out));
    }

    void imagesAreDecodedFirst() {
        // The three crystals as a stacked samples.npy of normalised CrysTens tensors (what a
        // diffusion run samples), plus one NaN image (a diverged sampler's): decoded, they are
        // the training crystals again; the NaN one is an invalid crystal, not a skipped one.
        const std::vector<cw::Structure> crystals =
            cw::readStructures(perovHead().toStdString());
        std::vector<float> stack;
        for (const cw::Structure& s : crystals) {
            const std::vector<float> planes = cw::crysTensToChannelsFirst(cw::encodeCrysTens(s));
            stack.insert(stack.end(), planes.begin(), planes.end());
        }
        stack.resize(stack.size() + 4 * 64 * 64, std::nanf(""));
        QTemporaryDir dir;
        const std::string samples = dir.filePath("samples.npy").toStdString();
        cw::writeNpy(samples, stack, {4, 4, 64, 64});
        const auto r = runCwb({"eval", "crystals", dir.path(), "--reference", perovHead(),
                               "--training", perovHead(), "--json"});
        QVERIFY2(r.exitCode == 1, qPrintable(r.err));  // the CSV's broken row
        QVERIFY2(r.err.contains("sample-00003 cannot be decoded"), qPrintable(r.err));
        const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(j["generated"].toInt(), 4);
        QCOMPARE(j["structural_validity"].toObject()["count"].toInt(), 3);
        QCOMPARE(j["novel"].toObject()["count"].toInt(), 0);  // each is its training crystal
        // A crystens data set of the same file works as the generated set too.
        const QString data = dir.filePath("data");
        const auto build = runCwb({"crystens", "build", perovHead(), "--out", data});
        QVERIFY2(build.exitCode <= 1, qPrintable(build.err));
        const auto fromSet = runCwb({"eval", "crystals", data, "--reference", perovHead(), "--json"});
        QCOMPARE(QJsonDocument::fromJson(fromSet.out.toUtf8()).object()["generated"].toInt(), 3);
        // Images of another shape are refused with the shape.
        cw::writeNpy(samples, std::vector<float>(2 * 3 * 64 * 64, 0.5f), {2, 3, 64, 64});
        const auto wrong = runCwb({"eval", "crystals", QString::fromStdString(samples), "--reference",
                                   perovHead()});
        QCOMPARE(wrong.exitCode, 1);
        QVERIFY2(wrong.err.contains("2 × 3 × 64 × 64"), qPrintable(wrong.err));
    }

    void usageErrors() {
        QCOMPARE(runCwb({"eval", "crystals", perovHead()}).exitCode, 2);  // no --reference
        QCOMPARE(runCwb({"eval", "crystals", perovHead(), "--reference", perovHead(), "--dataset",
                         "mp-20"})
                     .exitCode,
                 2);
        const auto missing = runCwb({"eval", "crystals", "/nonexistent.csv", "--reference", perovHead()});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY(missing.err.contains("/nonexistent.csv"));
    }
};

QTEST_GUILESS_MAIN(TestEvalCrystalsCli)
#include "test_eval_crystals_cli.moc"
