#pragma once
// The Runs panel: a workspace folder (remembered in QSettings) and the training runs in it
// (ml::listRuns) with their state, step and data set, kept current by a folder watcher and a
// timer; the buttons New run…, Resume, Pause, Cancel and Sample…, and a progress bar with the
// rate and ETA of the job in progress. It only shows and asks: a controller starts the jobs.

#include <QElapsedTimer>
#include <QHash>
#include <QString>
#include <QStringList>
#include <QWidget>
#include <vector>

#include "ml/diffusion/run_listing.h"

class QFileSystemWatcher;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTimer;
class QTreeWidget;
class QTreeWidgetItem;

namespace cw {

class ElidedLabel;

class RunsPanel : public QWidget {
    Q_OBJECT
public:
    explicit RunsPanel(QWidget* parent = nullptr);

    /// Lists the runs of `dir` and remembers it (QSettings "training/workspace"); "" clears.
    /// Selects the runs selected when this workspace was last shown, else the run updated last.
    void setWorkspace(const QString& dir);
    QString workspace() const { return m_workspace; }
    /// The workspace remembered from the last session, if it still exists.
    void restoreWorkspace();

    /// The runs listed, sorted by name (after the last refresh).
    const std::vector<ml::RunSummary>& listedRuns() const { return m_runs; }
    /// The selected run directories, in list order; the current one is the first.
    QStringList selectedRuns() const;
    QString currentRun() const;
    /// Selects these runs (those listed), the first one current; the others are deselected.
    void selectRuns(const QStringList& runDirs);
    void selectRun(const QString& runDir);

    /// Whether this build can train and sample; `reason` becomes the disabled buttons' tooltip.
    void setActionsAvailable(bool available, const QString& reason = {});
    /// The run a job is working on ("" = idle) and whether the job is a training (Pause).
    void setActiveJob(const QString& runDir, bool training);
    QString activeRun() const { return m_activeRun; }
    /// Job progress: the bar, and "step 120 / 500 · 12.3 img/s · ETA 2 min 05 s".
    void showProgress(qint64 step, qint64 total, double imagesPerSecond);
    /// Stops showing progress; `text` replaces the ETA line.
    void showIdle(const QString& text);
    QString progressText() const;
    /// The Step column of the run in `runDir` ("" if it is not listed).
    QString stepText(const QString& runDir) const;

    QPushButton* newRunButton() const { return m_newRun; }
    QPushButton* resumeButton() const { return m_resume; }
    QPushButton* pauseButton() const { return m_pause; }
    QPushButton* cancelButton() const { return m_cancel; }
    QPushButton* sampleButton() const { return m_sample; }
    QPushButton* generateButton() const { return m_generate; }

public Q_SLOTS:
    /// Re-lists the workspace (keeps the selection).
    void refresh();
    void chooseWorkspace();

Q_SIGNALS:
    void workspaceChanged(const QString& dir);
    void selectionChanged(const QStringList& runDirs);
    void newRunRequested();
    void resumeRequested(const QString& runDir);
    void pauseRequested();
    void cancelRequested();
    void sampleRequested(const QString& runDir);
    /// Generate crystals… on a CrysTens/xtal2png run.
    void generateRequested(const QString& runDir);
    void errorReported(const QString& message);

private:
    void selectionUpdated();
    void updateItem(QTreeWidgetItem* item, const ml::RunSummary& run);
    void updateButtons();
    const ml::RunSummary* summaryOf(const QString& runDir) const;

    QString m_workspace;
    std::vector<ml::RunSummary> m_runs;
    QHash<QString, QTreeWidgetItem*> m_items;
    QString m_lastError;
    bool m_available = true;
    QString m_unavailableReason;
    QString m_activeRun;
    bool m_activeIsTraining = false;
    QElapsedTimer m_progressClock;
    qint64 m_progressStartStep = 0;

    QLineEdit* m_workspaceEdit;
    QTreeWidget* m_list;
    QPushButton* m_newRun;
    QPushButton* m_resume;
    QPushButton* m_pause;
    QPushButton* m_cancel;
    QPushButton* m_sample;
    QPushButton* m_generate;
    QProgressBar* m_progress;
    ElidedLabel* m_progressLabel;
    // The training job's latest step, shown in its row before status.json catches up.
    qint64 m_liveStep = -1;
    qint64 m_liveTotal = 0;
    QFileSystemWatcher* m_watcher;
    QTimer* m_timer;
};

/// "45 s", "3 min 05 s", "2 h 07 min".
QString formatDuration(double seconds);

}  // namespace cw
