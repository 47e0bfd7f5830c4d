// Training from the window (TrainingController behind the Runs, Loss and Samples docks): a
// tiny real run started in a workspace is selected in the Runs panel while it trains, its loss
// is plotted and its sample grids shown, Pause leaves status "paused" with a checkpoint,
// sampling shows its grid, Resume continues from the checkpoint, and closing the window pauses
// the run instead of killing it. Needs an X
// server (the window's 3-D view is a QOpenGLWidget).
#include <QDir>
#include <QLineSeries>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>

#include "charts/loss_chart.h"
#include "controllers/training_controller.h"
#include "jobs/training_worker.h"
#include "main_window.h"
#include "ml/run_directory.h"
#include "panels/runs_panel.h"
#include "panels/samples_panel.h"
#include "tiny_training.h"

using cw::ml::RunState;

class TestTrainingPanels : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        if (QGuiApplication::platformName() != "xcb")
            QSKIP("GL tests need an X server (run under xvfb-run); platform is not xcb");
        if (!cw::TrainingWorker::available()) QSKIP("this build has no LibTorch");
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QVERIFY(m_dir.isValid());
        m_data = cw::test::buildTinyEcdDataset(m_dir.filePath("ecd").toStdString());
        QVERIFY(QDir().mkpath(m_dir.filePath("ws")));
    }

    void trainPauseResumeClose() {
        const QString runDir = QDir::cleanPath(m_dir.filePath("ws/tiny"));
        cw::MainWindow window;
        window.show();
        window.openWorkspace(m_dir.filePath("ws"));
        cw::RunsPanel* runs = window.runsPanel();
        cw::TrainingController* training = window.trainingController();
        QSignalSpy ended(training, &cw::TrainingController::jobEnded);

        QVERIFY(training->startTraining(cw::test::tinyTrainingConfig(m_data), runDir, false));
        QVERIFY(training->busy());
        QVERIFY(runs->pauseButton()->isEnabled());
        QVERIFY(!runs->newRunButton()->isEnabled());
        // The new run is selected once its folder exists; its loss and grids follow.
        QTRY_COMPARE_WITH_TIMEOUT(runs->currentRun(), runDir, 120000);
        QTRY_VERIFY_WITH_TIMEOUT(runs->progressText().contains("step"), 60000);
        // The run's row follows the job's step, not status.json's (written at checkpoints).
        QTRY_VERIFY_WITH_TIMEOUT(runs->stepText(runDir).endsWith("/ 1000") &&
                                     !runs->stepText(runDir).startsWith("0 "),
                                 60000);
        QTRY_VERIFY_WITH_TIMEOUT(window.samplesPanel()->imagePath().endsWith(".png"), 60000);
        window.lossChart()->refresh();
        QTRY_VERIFY_WITH_TIMEOUT((window.lossChart()->refresh(),
                                  window.lossChart()->rawSeries(runDir) &&
                                      window.lossChart()->rawSeries(runDir)->count() >= 3),
                                 60000);

        runs->pauseButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 60000);
        QVERIFY(!training->busy());
        const cw::ml::RunStatus paused = cw::ml::readRunStatus(runDir.toStdString());
        QCOMPARE(paused.state, RunState::Paused);
        QVERIFY(std::filesystem::is_regular_file(
            cw::ml::runLatestCheckpointPath(runDir.toStdString())));
        QVERIFY(runs->progressText().contains("stopped at step"));

        // Sample… from the paused run: the grid lands in the Samples panel.
        cw::ml::SampleRequest request;
        request.count = 6;
        request.batchSize = 3;
        request.sampler.samplingSteps = 2;
        request.device = "cpu";
        request.threads = 1;
        const QString outDir = m_dir.filePath("generated");
        QVERIFY(training->startSampling(runDir, request, outDir));
        QVERIFY(runs->cancelButton()->isEnabled() && !runs->pauseButton()->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 2, 120000);
        QCOMPARE(window.samplesPanel()->imagePath(), outDir + "/grid.png");
        QVERIFY(QFileInfo(outDir + "/samples.npy").size() > 0);
        QVERIFY2(runs->progressText().contains("6 images written"),
                 qPrintable(runs->progressText()));

        // Resume from the panel, let it take a few steps, then close the window.
        runs->refresh();
        runs->selectRun(runDir);
        QVERIFY(runs->resumeButton()->isEnabled());
        runs->resumeButton()->click();
        QVERIFY(training->busy());
        QTRY_VERIFY_WITH_TIMEOUT(
            cw::ml::readRunStatus(runDir.toStdString()).state == RunState::Running, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(
            static_cast<std::int64_t>(cw::ml::readMetrics(runDir.toStdString()).size()) >=
                paused.step + 2,
            60000);
        window.close();
        QVERIFY(!training->busy());
        const cw::ml::RunStatus closed = cw::ml::readRunStatus(runDir.toStdString());
        QCOMPARE(closed.state, RunState::Paused);
        QVERIFY(closed.step >= paused.step + 2);
        // Resume truncated nothing and appended: one metrics row per step.
        QCOMPARE(static_cast<std::int64_t>(cw::ml::readMetrics(runDir.toStdString()).size()),
                 closed.step);
    }

private:
    QTemporaryDir m_dir;
    std::string m_data;
};

QTEST_MAIN(TestTrainingPanels)
#include "test_training_panels.moc"
