// `cwb diffusion train|sample` and `cwb bench diffusion` run as a user runs them (the real
// binary): a tiny run trains, resumes to more steps, samples into arrays of the data's shape,
// conditions on space groups for CrysTens, and bad requests exit 2 with a message that says why.
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

#include "cli_runner.h"
#include "core/atomic_file.h"
#include "core/npy.h"
#include "ml/diffusion/training_config.h"
#include "ml/run_directory.h"
#include "tiny_datasets.h"

namespace fs = std::filesystem;
using cw::test::runCwb;

namespace {

QStringList tinyModelFlags() {
    return {"--size", "32", "--base", "8", "--mults", "1,2", "--attention", "16", "--res-blocks", "1",
            "--heads", "2", "--timesteps", "50", "--batch", "4", "--lr", "2e-3", "--warmup", "2",
            "--log-every", "2", "--checkpoint-every", "4", "--sample-every", "4", "--grid-count", "4",
            "--grid-steps", "3", "--threads", "1", "--device", "cpu", "--split", "all"};
}

QString describe(const cw::test::CliResult& r) {
    return QString("exit %1\nstdout: %2\nstderr: %3").arg(r.exitCode).arg(r.out, r.err);
}

}  // namespace

class TestMlDiffusionCli : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_slices, m_crystens;

private Q_SLOTS:
    // cwb version --torch (handed to cwb-torch) says how LibTorch's OpenMP threads wait and how
    // many cores are free; plain cwb version does not load LibTorch and says where it is.
    void versionReportsTheOpenMpWaitPolicy() {
        // cwb itself links no LibTorch (it starts in milliseconds); cwb-torch beside it does.
        auto neededLibraries = [](const QString& executable) {
            QProcess ldd;
            ldd.start("ldd", {executable});
            return ldd.waitForFinished(60000) ? QString::fromUtf8(ldd.readAllStandardOutput()) : QString();
        };
        const QString cwb = QString(CWB_EXECUTABLE);
        const QString cwbTorch = QFileInfo(cwb).dir().filePath("cwb-torch");
        QVERIFY2(!neededLibraries(cwb).contains("libtorch"), "cwb links LibTorch");
        QVERIFY2(neededLibraries(cwbTorch).contains("libtorch_cpu"), qPrintable(cwbTorch));
        const auto plain = runCwb({"version"});
        QVERIFY2(plain.out.contains("in cwb-torch, loaded only by the commands that need it"), qPrintable(describe(plain)));
        // cwb sets the passive policy before loading LibTorch, unless the user chose one.
        const auto ours = runCwb({"version", "--torch"}, 60000, {"OMP_WAIT_POLICY="});
        QVERIFY2(ours.out.contains("openmp   passive (set by cwb before loading LibTorch)"), qPrintable(describe(ours)));
        const auto users = runCwb({"version", "--torch"}, 60000, {"OMP_WAIT_POLICY=passive"});
        QVERIFY2(users.out.contains("openmp   passive (from OMP_WAIT_POLICY); "), qPrintable(describe(users)));
        QVERIFY2(QRegularExpression("\\d+ of \\d+ cores free now").match(users.out).hasMatch(),
                 qPrintable(describe(users)));
    }
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_slices = m_tmp.path() + "/slices";
        m_crystens = m_tmp.path() + "/crystens";
        cw::test::buildTinyEcd(m_slices.toStdString());
        cw::test::buildTinyEncoding(m_crystens.toStdString());
    }

    void trainResumeAndSample() {
        const QString run = m_tmp.path() + "/run";
        auto r = runCwb(QStringList{"diffusion", "train", "--data", m_slices, "--out", run, "--steps", "8"} +
                        tinyModelFlags());
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QVERIFY2(r.out.contains("trained 8 steps"), qPrintable(r.out));
        const std::string runDir = run.toStdString();
        QCOMPARE(cw::ml::readMetrics(runDir).size(), std::size_t{4});
        QCOMPARE(cw::ml::checkpointSteps(runDir), (std::vector<std::int64_t>{4, 8}));
        QVERIFY(fs::exists(cw::ml::runSampleGridPath(runDir, 8)));
        // The stored config is the one the flags asked for, so the run can be replayed.
        const cw::ml::DiffusionTrainingConfig stored = cw::ml::diffusionTrainingConfigFromJson(
            cw::readFileToString(cw::ml::runConfigPath(runDir)));
        QCOMPARE(stored.model.baseChannels, 8);
        QCOMPARE(stored.model.inChannels, 1);
        QCOMPARE(stored.diffusion.timesteps, 50);
        QVERIFY(stored.augment);

        // --resume keeps the stored config; --steps extends the run.
        r = runCwb({"diffusion", "train", "--out", run, "--resume", "--steps", "12", "--threads", "1"});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(cw::ml::readRunStatus(runDir).step, std::int64_t{12});
        QCOMPARE(cw::ml::readMetrics(runDir).back().step, std::int64_t{12});

        const QString out = m_tmp.path() + "/gen";
        r = runCwb({"diffusion", "sample", "--run", run, "--n", "5", "--batch", "2", "--sampling-steps", "3",
                    "--out", out, "--threads", "1"});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const cw::NpyArray samples = cw::readNpy((out + "/samples.npy").toStdString());
        QCOMPARE(samples.shape, (std::vector<std::size_t>{5, 1, 32, 32}));
        QVERIFY(fs::exists((out + "/sample-00004.png").toStdString()));

        // DDPM takes all T steps; per-sample arrays on request.
        const QString ddpm = m_tmp.path() + "/gen-ddpm";
        r = runCwb({"diffusion", "sample", "--run", run, "--n", "2", "--sampler", "ddpm", "--per-sample-npy",
                    "--no-png", "--out", ddpm, "--threads", "1"});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(cw::readNpy((ddpm + "/sample-00001.npy").toStdString()).shape,
                 (std::vector<std::size_t>{1, 32, 32}));
        QVERIFY(!fs::exists((ddpm + "/grid.png").toStdString()));
    }

    void crystensRunConditionsOnSpaceGroups() {
        const QString run = m_tmp.path() + "/sg";
        QStringList flags = tinyModelFlags();
        flags[flags.indexOf("--size") + 1] = "64";  // CrysTens tables are never resampled
        auto r = runCwb(QStringList{"diffusion", "train", "--data", m_crystens, "--out", run, "--steps", "4",
                                    "--condition", "space_group"} +
                        flags);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const cw::ml::DiffusionTrainingConfig stored = cw::ml::diffusionTrainingConfigFromJson(
            cw::readFileToString(cw::ml::runConfigPath(run.toStdString())));
        QCOMPARE(stored.model.inChannels, 4);
        QCOMPARE(stored.model.classes, 230);
        QVERIFY2(!stored.augment, "CrysTens must never be rotated or flipped");

        // A CrysTens table cannot be trained at another size.
        QStringList resampled = tinyModelFlags();
        r = runCwb(QStringList{"diffusion", "train", "--data", m_crystens, "--out", m_tmp.path() + "/sg32",
                               "--steps", "1"} +
                   resampled);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("cannot be resampled to 32"), qPrintable(r.err));

        const QString out = m_tmp.path() + "/fcc";
        r = runCwb({"diffusion", "sample", "--run", run, "--n", "2", "--sampling-steps", "2", "--space-group",
                    "225", "--guidance", "2", "--out", out, "--threads", "1"});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(cw::readNpy((out + "/samples.npy").toStdString()).shape,
                 (std::vector<std::size_t>{2, 4, 64, 64}));
        r = runCwb({"diffusion", "sample", "--run", run, "--n", "1", "--space-group", "231", "--out", out});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("1…230"), qPrintable(r.err));
    }

    void badRequestsExitWithReasons() {
        // Training into a used directory without --resume.
        const QString run = m_tmp.path() + "/run";
        auto r = runCwb(QStringList{"diffusion", "train", "--data", m_slices, "--out", run} + tinyModelFlags());
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("not empty") && r.err.contains("--resume"), qPrintable(r.err));
        // An invalid model: 3 levels cannot halve 36 px twice into whole feature maps... 36/4 = 9,
        // so use a size outside 32–256.
        r = runCwb({"diffusion", "train", "--data", m_slices, "--out", m_tmp.path() + "/small", "--size", "16",
                    "--steps", "1", "--threads", "1"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("16"), qPrintable(r.err));
        // A typo gets a suggestion.
        r = runCwb({"diffusion", "train", "--data", m_slices, "--out", m_tmp.path() + "/x", "--step", "3"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--steps"), qPrintable(r.err));
        // A config file with an unknown key names the key and the file.
        const QString config = m_tmp.path() + "/bad.json";
        std::ofstream(config.toStdString()) << "{\"stepz\": 3}";
        r = runCwb({"diffusion", "train", "--config", config, "--out", m_tmp.path() + "/y"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("stepz") && r.err.contains("bad.json"), qPrintable(r.err));
        // Conditioning an unconditional run.
        r = runCwb({"diffusion", "sample", "--run", run, "--space-group", "225", "--out", m_tmp.path() + "/z"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("without conditioning"), qPrintable(r.err));
    }

    void benchPrintsFigures() {
        auto r = runCwb({"bench", "diffusion", "--size", "32", "--base", "8", "--mults", "1,2", "--steps", "2",
                         "--samples", "1", "--sampling-steps", "2", "--device", "cpu", "--threads", "1"});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QVERIFY2(r.out.contains("train img/s") && r.out.contains("cpu"), qPrintable(r.out));
    }
};

QTEST_APPLESS_MAIN(TestMlDiffusionCli)
#include "test_ml_diffusion_cli.moc"
