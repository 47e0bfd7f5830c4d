// `cwb crystens build` and `cwb crystens merge` run as a user runs them: a build with PNG
// export, a no-op resume, a refused change of options, shards merged to the unsharded content,
// filters reported, bad options refused, the result read by NumPy, and (with the shared data)
// SIGINT on the full MP dev set followed by a resume to the bytes of an uninterrupted build.
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>

#include "cli_runner.h"
#include "dataset_files.h"
#include "test_paths.h"

using cw::test::readAll;
using cw::test::runCwb;

namespace {
const QString kSmall = QString(CW_TEST_DATA_DIR) + "/collections/mp_small.json";
const QString kAlexandria = QString(CW_TEST_DATA_DIR) + "/collections/alexandria_small.json.bz2";

QStringList buildArgs(const QString& out, QStringList extra = {}) {
    QStringList a{"crystens", "build",  kSmall, "--out", out, "--structures-per-shard",
                  "5",        "--seed", "3"};
    return a + extra;
}

QStringList tableLines(const QString& dir) {
    return cw::test::csvLines(dir, "properties.csv");
}
QStringList content(const QString& dir) {
    return cw::test::tableContent(dir, "properties.csv");
}
}  // namespace

class TestCrystensBuildCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void buildResumeAndRefuseOtherOptions() {
        QTemporaryDir tmp;
        const QString out = tmp.filePath("ds"), png = tmp.filePath("png");
        auto r = runCwb(buildArgs(out, {"--threads", "2", "--png-dir", png}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("wrote 12 crystens item(s) in 3 shard(s)"), qPrintable(r.out));
        QCOMPARE(tableLines(out).size(), 13);
        QVERIFY(tableLines(out)[0].startsWith(
            "index,shard,row,material_id,formula,nsites,space_group,split,"));
        const QStringList pngs = QDir(png).entryList({"*.png"});
        QCOMPARE(pngs.size(), 12);
        for (const QString& name : pngs)
            QVERIFY2(QRegularExpression(R"(^[A-Za-z0-9()]+,space-group=\d+,uid=[0-9a-f]{4}\.png$)")
                         .match(name)
                         .hasMatch(),
                     qPrintable(name));
        const auto before = cw::test::folderFiles(out);

        r = runCwb(buildArgs(out, {"--threads", "1"}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("(3 resumed)"), qPrintable(r.out));
        QVERIFY(cw::test::folderFiles(out) == before);

        r = runCwb(buildArgs(out, {"--encoding", "xtal2png"}));
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("other options") && r.err.contains("encoding"), qPrintable(r.err));
    }

    void shardsThenMerge() {
        QTemporaryDir tmp;
        auto r = runCwb(buildArgs(tmp.filePath("full"), {"--encoding", "xtal2png"}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        for (const char* shard : {"0/2", "1/2"}) {
            r = runCwb(buildArgs(tmp.filePath(QString("s") + shard[0]),
                                 {"--encoding", "xtal2png", "--shard", shard}));
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        }
        r = runCwb({"crystens", "merge", tmp.filePath("s0"), tmp.filePath("s1"), "--out",
                    tmp.filePath("merged")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("merged 12 item(s)"), qPrintable(r.out));
        QCOMPARE(content(tmp.filePath("merged")), content(tmp.filePath("full")));
        // Merging into a non-empty directory is refused.
        r = runCwb({"crystens", "merge", tmp.filePath("s0"), "--out", tmp.filePath("full")});
        QCOMPARE(r.exitCode, 2);
    }

    void filtersAreReported() {
        QTemporaryDir tmp;
        auto r = runCwb({"crystens", "build", kAlexandria, "--out", tmp.filePath("a"),
                         "--max-e-above-hull", "0.0055", "--max-sites", "6"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        // Entries 6…11 are above the hull; of 0…5, mp-10003, mp-19306, mp-841 and
        // mp-10810 exceed 6 sites.
        QVERIFY2(r.out.contains("wrote 2 crystens item(s)"), qPrintable(r.out));
        QVERIFY2(r.out.contains("e_above_hull 6") && r.out.contains("too_many_sites 4"),
                 qPrintable(r.out));
        r = runCwb({"crystens", "build", kAlexandria, "--out", tmp.filePath("b"),
                    "--max-e-above-hull", "off"});
        QVERIFY2(r.out.contains("wrote 12 crystens item(s)"), qPrintable(r.out));
    }

    void badOptions() {
        QTemporaryDir tmp;
        auto r = runCwb(buildArgs(tmp.filePath("a"), {"--shard", "2/2"}));
        QCOMPARE(r.exitCode, 2);
        r = runCwb(buildArgs(tmp.filePath("b"), {"--split", "0.5,0.5,0.5"}));
        QCOMPARE(r.exitCode, 2);
        r = runCwb(buildArgs(tmp.filePath("c"), {"--encoding", "png"}));
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("crystens, xtal2png, crystens-compact, xtal2png-compact"), qPrintable(r.err));
        r = runCwb(buildArgs(tmp.filePath("d"), {"--max-sites", "60"}));
        QCOMPARE(r.exitCode, 2);
        r = runCwb(buildArgs(tmp.filePath("e"), {"--encoding", "xtal2png", "--raw"}));
        QCOMPARE(r.exitCode, 2);
        r = runCwb(buildArgs(tmp.filePath("f"), {"--cell", "reduced"}));
        QCOMPARE(r.exitCode, 2);
    }

    void numpyReadsTheDataSet() {
        QProcess probe;
        probe.start("/usr/bin/python3", {"-c", "import numpy"});
        if (!probe.waitForFinished(60000) || probe.exitStatus() != QProcess::NormalExit ||
            probe.exitCode() != 0)
            QSKIP("/usr/bin/python3 with numpy is not available");
        QTemporaryDir tmp;
        for (const char* enc : {"crystens", "xtal2png"}) {
            const QString out = tmp.filePath(enc);
            auto r = runCwb(buildArgs(out, {"--encoding", enc}));
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            const QString script =
                "import csv, json, sys, numpy as np\n"
                "d = sys.argv[1]\n"
                "meta = json.load(open(d + '/dataset.json'))\n"
                "shards = [np.load(d + '/' + s['file'], mmap_mode='r') for s in meta['shards']]\n"
                "rows = list(csv.DictReader(open(d + '/properties.csv')))\n"
                "assert len(rows) == meta['counts']['rows'] == sum(len(s) for s in shards)\n"
                "shape = tuple(meta['item_shape'])\n"
                "for r in rows:\n"
                "    x = shards[int(r['shard'])][int(r['row'])]\n"
                "    assert x.shape == shape and x.dtype == np.dtype(meta['dtype'])\n"
                "    assert x.max() > 0\n"
                "gap = {r['material_id']: r['band_gap'] for r in rows}\n"
                "assert float(gap['mp-1000']) == 1.593\n"
                "assert set(r['split'] for r in rows) <= {'train', 'val', 'test'}\n"
                "print(len(rows), shape)\n";
            QProcess py;
            py.start("/usr/bin/python3", {"-c", script, out});
            QVERIFY(py.waitForFinished(120000));
            QVERIFY2(py.exitCode() == 0, py.readAllStandardError().constData());
            QVERIFY(QString::fromUtf8(py.readAllStandardOutput()).startsWith("12 (64, 64"));
        }
    }

    void interruptThenResumeOnTheFullMpSet() {
        CW_REQUIRE_SHARED_DATA();
        const QString mp =
            QString::fromStdString(cw::test::sharedDataPath("mp/mp_dev_summary.json.gz"));
        QTemporaryDir tmp;
        const QStringList args{"crystens",
                               "build",
                               mp,
                               "--out",
                               tmp.filePath("mp"),
                               "--threads",
                               "2",
                               "--structures-per-shard",
                               "2000"};
        QProcess p;
        p.start(CWB_EXECUTABLE, args);
        QVERIFY(p.waitForStarted());
        QTest::qWait(2500);
        const bool running = p.state() == QProcess::Running;
        if (running) ::kill(static_cast<pid_t>(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(120000));
        if (running && p.exitCode() == 1) {
            QVERIFY(
                QString::fromUtf8(p.readAllStandardError()).contains("Re-run the same command"));
            QVERIFY(!QFile::exists(tmp.filePath("mp") + "/dataset.json"));
        }
        QElapsedTimer timer;
        timer.start();
        const auto r = runCwb(args);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("wrote 26959 crystens item(s)"), qPrintable(r.out));
        qInfo("resume after SIGINT: %.1f s; %s", timer.elapsed() / 1000.0,
              qPrintable(r.out.section('\n', 0, 0)));
        QCOMPARE(tableLines(tmp.filePath("mp")).size(), 26960);
        // Byte-identical to an uninterrupted build with another thread count.
        QStringList straight = args;
        straight[4] = tmp.filePath("straight");
        straight[6] = "1";
        const auto s = runCwb(straight);
        QVERIFY2(s.exitCode == 0, qPrintable(s.err));
        const QStringList names = QDir(tmp.filePath("mp")).entryList(QDir::Files);
        QCOMPARE(QDir(tmp.filePath("straight")).entryList(QDir::Files), names);
        for (const QString& name : names)
            QVERIFY2(readAll(tmp.filePath("mp") + "/" + name) ==
                         readAll(tmp.filePath("straight") + "/" + name),
                     qPrintable(name));
    }
};

QTEST_GUILESS_MAIN(TestCrystensBuildCli)
#include "test_crystens_build_cli.moc"
