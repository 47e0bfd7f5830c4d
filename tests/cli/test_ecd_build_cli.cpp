// `cwb ecd build` and `cwb ecd merge` run as a user runs them: a build, a no-op resume, a
// refused change of parameters, shards merged to the unsharded content, PNG export, and the
// result read by NumPy when the system Python has it.
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "cli_runner.h"
#include "dataset_files.h"

using cw::test::readAll;
using cw::test::runCwb;

namespace {
const QString kSmall = QString(CW_TEST_DATA_DIR) + "/collections/mp_small.json";

QStringList buildArgs(const QString& out, QStringList extra = {}) {
    QStringList a{"ecd",  "build",
                  kSmall, "--out",
                  out,    "--per-structure",
                  "5",    "--size",
                  "32",   "--structures-per-shard",
                  "4",    "--seed",
                  "3"};
    return a + extra;
}

QStringList manifestLines(const QString& dir) {
    return cw::test::csvLines(dir, "manifest.csv");
}
QStringList content(const QString& dir) {
    return cw::test::tableContent(dir, "manifest.csv");
}
}  // namespace

class TestEcdBuildCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void buildResumeAndRefuseOtherOptions() {
        QTemporaryDir tmp;
        const QString out = tmp.filePath("ds"), png = tmp.filePath("png");
        auto r = runCwb(buildArgs(out, {"--threads", "2", "--png-dir", png}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("wrote 50 slices of 10 structures"), qPrintable(r.out));
        QVERIFY2(r.out.contains("no_slices 2"), qPrintable(r.out));
        QCOMPARE(manifestLines(out).size(), 51);
        QCOMPARE(QDir(png).entryList({"*.png"}).size(), 50);
        QVERIFY(QFile::exists(png + "/mp-10000_1_0_4.png") ||
                !QDir(png).entryList({"mp-10000_*.png"}).isEmpty());
        const QByteArray manifest = readAll(out + "/manifest.csv");

        r = runCwb(buildArgs(out, {"--threads", "1"}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("(3 resumed)"), qPrintable(r.out));
        QCOMPARE(readAll(out + "/manifest.csv"), manifest);

        r = runCwb(buildArgs(out, {"--window", "30"}));
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("other options") && r.err.contains("window"), qPrintable(r.err));
    }

    void uint16WithProgressEta() {
        QTemporaryDir tmp;
        const QString out = tmp.filePath("ds");
        auto r = runCwb(buildArgs(out, {"--dtype", "uint16", "--progress"}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("counting input entries") && r.err.contains("%"),
                 qPrintable(r.err));
        const QJsonObject ds = QJsonDocument::fromJson(readAll(out + "/dataset.json")).object();
        QCOMPARE(ds["dtype"].toString(), QString("uint16"));
        QVERIFY(readAll(out + "/images-00000.npy").contains("'descr': '<u2'"));
        // --expected skips the count; the default dtype against this directory is refused.
        r = runCwb(buildArgs(out, {"--expected", "12"}));
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("dtype"), qPrintable(r.err));
        r = runCwb(buildArgs(out, {"--dtype", "uint16", "--expected", "12", "--progress"}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(!r.err.contains("counting"), qPrintable(r.err));
        QVERIFY2(r.out.contains("(3 resumed)"), qPrintable(r.out));
        r = runCwb(buildArgs(tmp.filePath("bad"), {"--dtype", "float16"}));
        QCOMPARE(r.exitCode, 2);
    }

    void shardsThenMerge() {
        QTemporaryDir tmp;
        auto r = runCwb(buildArgs(tmp.filePath("full")));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        for (const char* shard : {"0/2", "1/2"}) {
            r = runCwb(buildArgs(tmp.filePath(QString("s") + shard[0]), {"--shard", shard}));
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        }
        r = runCwb({"ecd", "merge", tmp.filePath("s0"), tmp.filePath("s1"), "--out",
                    tmp.filePath("merged")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("merged 50 slices"), qPrintable(r.out));
        QCOMPARE(content(tmp.filePath("merged")), content(tmp.filePath("full")));
        // Merging into a non-empty directory is refused.
        r = runCwb({"ecd", "merge", tmp.filePath("s0"), "--out", tmp.filePath("full")});
        QCOMPARE(r.exitCode, 2);
    }

    void badOptions() {
        QTemporaryDir tmp;
        auto r = runCwb(buildArgs(tmp.filePath("a"), {"--shard", "2/2"}));
        QCOMPARE(r.exitCode, 2);
        r = runCwb(buildArgs(tmp.filePath("b"), {"--split", "0.5,0.5,0.5"}));
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("sum to 1"));
    }

    void numpyReadsTheDataSet() {
        QProcess probe;
        probe.start("/usr/bin/python3", {"-c", "import numpy"});
        if (!probe.waitForFinished(60000) || probe.exitStatus() != QProcess::NormalExit ||
            probe.exitCode() != 0)
            QSKIP("/usr/bin/python3 with numpy is not available");
        QTemporaryDir tmp;
        const QString out = tmp.filePath("ds");
        auto r = runCwb(buildArgs(out));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QString script =
            "import csv, json, sys, numpy as np\n"
            "d = sys.argv[1]\n"
            "meta = json.load(open(d + '/dataset.json'))\n"
            "shards = [np.load(d + '/' + s['file'], mmap_mode='r') for s in meta['shards']]\n"
            "rows = list(csv.DictReader(open(d + '/manifest.csv')))\n"
            "assert len(rows) == meta['counts']['slices'] == sum(len(s) for s in shards)\n"
            "for r in rows:\n"
            "    img = shards[int(r['shard'])][int(r['row'])]\n"
            "    assert img.shape == (32, 32) and img.dtype == np.float32\n"
            "    assert 0.0 <= img.min() and img.max() <= 1.0\n"
            "print(len(rows))\n";
        QProcess py;
        py.start("/usr/bin/python3", {"-c", script, out});
        QVERIFY(py.waitForFinished(120000));
        QVERIFY2(py.exitCode() == 0, py.readAllStandardError().constData());
        QCOMPARE(QString::fromUtf8(py.readAllStandardOutput()).trimmed(), QString("50"));
    }
};

QTEST_APPLESS_MAIN(TestEcdBuildCli)
#include "test_ecd_build_cli.moc"
