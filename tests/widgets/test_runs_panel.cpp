// The Runs panel (widgets/panels/runs_panel.h) on a workspace made here: which folders are
// listed and how, selection signals, a run appearing on refresh, which buttons are enabled
// (a checkpoint to resume or sample, a build without LibTorch), and the progress line.
#include <QPushButton>
#include <QSignalSpy>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>
#include <filesystem>

#include "core/atomic_file.h"
#include "ml/diffusion/training_config.h"
#include "ml/run_directory.h"
#include "panels/runs_panel.h"

using namespace cw::ml;

namespace {

void makeRun(const QString& dir, RunState state, std::int64_t step, std::int64_t total,
             const std::string& dataDir, const std::string& updated = "2026-01-01T00:00:00Z") {
    DiffusionTrainingConfig config;
    config.dataDir = dataDir;
    config.steps = total;
    cw::writeFileAtomically(runConfigPath(dir.toStdString()),
                            diffusionTrainingConfigToJson(config));
    // Written by hand to set the time (writeRunStatus stamps "now").
    cw::writeFileAtomically(runStatusPath(dir.toStdString()),
                            "{\"state\": \"" + std::string(runStateName(state)) +
                                "\", \"step\": " + std::to_string(step) +
                                ", \"total_steps\": " + std::to_string(total) +
                                ", \"message\": \"\", \"updated\": \"" + updated + "\"}\n");
}

}  // namespace

class TestRunsPanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        // The workspace is remembered in QSettings: keep the user's settings out of it.
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QVERIFY(m_dir.isValid());
        makeRun(m_dir.filePath("ecd-small"), RunState::Paused, 300, 1000, "/data/ecd-32",
                "2026-03-02T10:00:00Z");
        makeRun(m_dir.filePath("crystens"), RunState::Finished, 500, 500, "/data/crystens-64",
                "2026-03-01T10:00:00Z");
        cw::writeFileAtomically(m_dir.filePath("crystens/checkpoints/latest.pt").toStdString(),
                                "x");
        cw::writeFileAtomically(m_dir.filePath("ecd-small/checkpoints/latest.pt").toStdString(),
                                "x");
        std::filesystem::create_directories(m_dir.filePath("datasets/ecd-32").toStdString());
    }

    void listsRuns() {
        cw::RunsPanel panel;
        QSignalSpy changed(&panel, &cw::RunsPanel::workspaceChanged);
        panel.setWorkspace(m_dir.path());
        QCOMPARE(changed.count(), 1);
        QCOMPARE(panel.listedRuns().size(), std::size_t{2});
        auto* tree = panel.findChild<QTreeWidget*>();
        QVERIFY(tree);
        QCOMPARE(tree->topLevelItemCount(), 2);
        const QTreeWidgetItem* first = tree->topLevelItem(0);
        QCOMPARE(first->text(0), QString("crystens"));
        QCOMPARE(first->text(1), QString("finished"));
        QCOMPARE(first->text(2), QString("500 / 500"));
        QCOMPARE(first->text(3), QString("crystens-64"));
        const QTreeWidgetItem* second = tree->topLevelItem(1);
        QCOMPARE(second->text(0), QString("ecd-small"));
        QCOMPARE(second->text(1), QString("paused"));
        QCOMPARE(second->text(2), QString("300 / 1000"));
        // The run updated last is selected, so that its loss and samples show at once.
        QCOMPARE(panel.currentRun(), QDir::cleanPath(m_dir.filePath("ecd-small")));

        // The workspace is remembered for the next session.
        cw::RunsPanel next;
        next.restoreWorkspace();
        QCOMPARE(next.workspace(), panel.workspace());
        QCOMPARE(next.listedRuns().size(), std::size_t{2});
    }

    void newRunAppearsOnRefresh() {
        QTemporaryDir ws;
        makeRun(ws.filePath("b"), RunState::Running, 10, 100, "/d");
        cw::RunsPanel panel;
        panel.setWorkspace(ws.path());
        QCOMPARE(panel.currentRun(), QDir::cleanPath(ws.filePath("b")));
        makeRun(ws.filePath("a"), RunState::New, 0, 100, "/d");
        panel.refresh();
        QCOMPARE(panel.listedRuns().size(), std::size_t{2});
        QCOMPARE(panel.listedRuns()[0].name, std::string("a"));
        // The selection follows the run, not the row.
        QCOMPARE(panel.selectedRuns(), QStringList{QDir::cleanPath(ws.filePath("b"))});
        // A run whose status changed on disk shows its new state.
        makeRun(ws.filePath("b"), RunState::Failed, 12, 100, "/d");
        panel.refresh();
        auto* tree = panel.findChild<QTreeWidget*>();
        QCOMPARE(tree->topLevelItem(1)->text(1), QString("failed"));
    }

    void selectionSignals() {
        cw::RunsPanel panel;
        panel.setWorkspace(m_dir.path());
        QSignalSpy selection(&panel, &cw::RunsPanel::selectionChanged);
        const QString run = QDir::cleanPath(m_dir.filePath("crystens"));
        panel.selectRun(run);
        QVERIFY(selection.count() >= 1);
        QCOMPARE(selection.last().at(0).toStringList(), QStringList{run});
        QCOMPARE(panel.currentRun(), run);
    }

    void selectionRemembered() {
        const QStringList both{QDir::cleanPath(m_dir.filePath("ecd-small")),
                               QDir::cleanPath(m_dir.filePath("crystens"))};
        {
            cw::RunsPanel panel;
            panel.setWorkspace(m_dir.path());
            QSignalSpy selection(&panel, &cw::RunsPanel::selectionChanged);
            panel.selectRuns(both);
            QCOMPARE(selection.count(), 1);  // one signal for the whole change
            QCOMPARE(panel.selectedRuns(), both);  // the current run first
        }
        // The next session shows the same runs (e.g. overlaid in the Loss panel).
        cw::RunsPanel next;
        QSignalSpy selection(&next, &cw::RunsPanel::selectionChanged);
        next.setWorkspace(m_dir.path());
        QCOMPARE(next.selectedRuns(), both);
        QCOMPARE(selection.last().at(0).toStringList(), both);
    }

    void buttonsFollowTheRun() {
        cw::RunsPanel panel;
        panel.setActionsAvailable(true);
        panel.setWorkspace(m_dir.path());
        QVERIFY(panel.newRunButton()->isEnabled());
        panel.selectRun(m_dir.filePath("ecd-small"));
        QVERIFY(panel.resumeButton()->isEnabled());  // paused, with a checkpoint
        QVERIFY(panel.sampleButton()->isEnabled());
        QVERIFY(!panel.pauseButton()->isEnabled());
        panel.selectRun(m_dir.filePath("crystens"));  // finished: sample, not resume
        QVERIFY(!panel.resumeButton()->isEnabled());
        QVERIFY(panel.sampleButton()->isEnabled());

        QSignalSpy resume(&panel, &cw::RunsPanel::resumeRequested);
        panel.selectRun(m_dir.filePath("ecd-small"));
        panel.resumeButton()->click();
        QCOMPARE(resume.count(), 1);
        QCOMPARE(resume.first().at(0).toString(), QDir::cleanPath(m_dir.filePath("ecd-small")));

        // While a training runs: Pause and Cancel only.
        panel.setActiveJob(QDir::cleanPath(m_dir.filePath("ecd-small")), true);
        QVERIFY(panel.pauseButton()->isEnabled() && panel.cancelButton()->isEnabled());
        QVERIFY(!panel.newRunButton()->isEnabled() && !panel.resumeButton()->isEnabled() &&
                !panel.sampleButton()->isEnabled());
        panel.showProgress(250, 1000, 12.5);
        QVERIFY2(panel.progressText().contains("step 250 / 1000") &&
                     panel.progressText().contains("12.5 img/s"),
                 qPrintable(panel.progressText()));
        panel.setActiveJob({}, false);
        panel.showIdle("done");
        QCOMPARE(panel.progressText(), QString("done"));

        // A build without LibTorch lists runs but cannot train or sample.
        panel.setActionsAvailable(false, "no LibTorch in this build");
        for (QPushButton* b : {panel.newRunButton(), panel.resumeButton(), panel.pauseButton(),
                               panel.cancelButton(), panel.sampleButton()}) {
            QVERIFY(!b->isEnabled());
            QCOMPARE(b->toolTip(), QString("no LibTorch in this build"));
        }
        QCOMPARE(panel.listedRuns().size(), std::size_t{2});
    }

    void missingWorkspaceReported() {
        cw::RunsPanel panel;
        QSignalSpy errors(&panel, &cw::RunsPanel::errorReported);
        panel.setWorkspace(m_dir.filePath("no-such-folder"));
        QCOMPARE(errors.count(), 1);
        panel.refresh();
        QCOMPARE(errors.count(), 1);  // reported once, not on every refresh
        QVERIFY(panel.listedRuns().empty());
    }

    void durations() {
        QCOMPARE(cw::formatDuration(45), QString("45 s"));
        QCOMPARE(cw::formatDuration(185), QString("3 min 05 s"));
        QCOMPARE(cw::formatDuration(7620), QString("2 h 07 min"));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestRunsPanel)
#include "test_runs_panel.moc"
