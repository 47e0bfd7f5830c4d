#include "panels/runs_panel.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>

#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QTimer>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include "common/elided_label.h"

#include "common/elided_label.h"

namespace cw {

namespace {

constexpr const char* kWorkspaceKey = "training/workspace";
constexpr const char* kSelectionKey = "training/selectedRuns";
enum Column { kName, kState, kStep, kData };
constexpr int kDirRole = Qt::UserRole;

bool hasCheckpoint(const QString& runDir) {
    std::error_code ec;
    return std::filesystem::is_regular_file(ml::runLatestCheckpointPath(runDir.toStdString()), ec);
}

/// Runs trained on CrysTens or xtal2png images decode to crystals; ECD runs do not.
bool runEncodesCrystals(const QString& runDir) {
    QFile file(QDir(runDir).filePath("data.json"));
    if (!file.open(QIODevice::ReadOnly)) return false;
    const QString kind = QJsonDocument::fromJson(file.readAll()).object().value("kind").toString();
    return kind == "crystens" || kind == "xtal2png";
}

}  // namespace

QString formatDuration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return "–";
    const long long s = std::llround(seconds);
    if (s < 60) return QString("%1 s").arg(s);
    if (s < 3600) return QString("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
    return QString("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QChar('0'));
}

RunsPanel::RunsPanel(QWidget* parent)
    : QWidget(parent),
      m_workspaceEdit(new QLineEdit),
      m_list(new QTreeWidget),
      m_newRun(new QPushButton("New run…")),
      m_resume(new QPushButton("Resume")),
      m_pause(new QPushButton("Pause")),
      m_cancel(new QPushButton("Cancel")),
      m_sample(new QPushButton("Sample…")),
      m_generate(new QPushButton("Generate…")),
      m_progress(new QProgressBar),
      m_progressLabel(new ElidedLabel),
      m_watcher(new QFileSystemWatcher(this)),
      m_timer(new QTimer(this)) {
    m_workspaceEdit->setReadOnly(true);
    m_workspaceEdit->setPlaceholderText("Choose a workspace folder for training runs");
    auto* browse = new QToolButton;
    browse->setText("…");
    browse->setToolTip("Choose the workspace folder");
    connect(browse, &QToolButton::clicked, this, &RunsPanel::chooseWorkspace);

    m_list->setHeaderLabels({"Run", "State", "Step", "Data set"});
    m_list->setRootIsDecorated(false);
    m_list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_list->setSortingEnabled(false);
    m_list->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_list->header()->setStretchLastSection(true);
    connect(m_list, &QTreeWidget::itemSelectionChanged, this, &RunsPanel::selectionUpdated);

    m_newRun->setObjectName("newRunButton");
    m_resume->setObjectName("resumeButton");
    m_pause->setObjectName("pauseButton");
    m_cancel->setObjectName("cancelButton");
    m_sample->setObjectName("sampleButton");
    m_generate->setObjectName("generateButton");
    connect(m_newRun, &QPushButton::clicked, this, &RunsPanel::newRunRequested);
    connect(m_resume, &QPushButton::clicked, this,
            [this] { Q_EMIT resumeRequested(currentRun()); });
    connect(m_pause, &QPushButton::clicked, this, &RunsPanel::pauseRequested);
    connect(m_cancel, &QPushButton::clicked, this, &RunsPanel::cancelRequested);
    connect(m_sample, &QPushButton::clicked, this,
            [this] { Q_EMIT sampleRequested(currentRun()); });
    connect(m_generate, &QPushButton::clicked, this,
            [this] { Q_EMIT generateRequested(currentRun()); });

    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setTextVisible(false);
    m_progressLabel->setText("Idle");

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel("Workspace"));
    top->addWidget(m_workspaceEdit, 1);
    top->addWidget(browse);
    // Two rows of three: the training job's buttons, then what a trained run offers, so that
    // the panel stays narrow enough for a laptop's window.
    auto* buttons = new QGridLayout;
    QPushButton* const order[] = {m_newRun, m_resume, m_pause, m_cancel, m_sample, m_generate};
    for (int i = 0; i < 6; ++i) buttons->addWidget(order[i], i / 3, i % 3);
    buttons->setColumnStretch(3, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(top);
    layout->addWidget(m_list, 1);
    layout->addLayout(buttons);
    layout->addWidget(m_progress);
    layout->addWidget(m_progressLabel);

    // New run folders show through the watcher; status changes inside runs (status.json is
    // replaced by rename, which many watchers miss) through the timer.
    connect(m_watcher, &QFileSystemWatcher::directoryChanged, this, &RunsPanel::refresh);
    m_timer->setInterval(2000);
    connect(m_timer, &QTimer::timeout, this, &RunsPanel::refresh);
    updateButtons();
}

void RunsPanel::setWorkspace(const QString& dir) {
    const QString clean = dir.isEmpty() ? QString() : QDir::cleanPath(QDir(dir).absolutePath());
    const QStringList remembered = QSettings().value(kSelectionKey).toStringList();
    if (!m_watcher->directories().isEmpty()) m_watcher->removePaths(m_watcher->directories());
    m_workspace = clean;
    m_workspaceEdit->setText(clean);
    m_list->clear();
    m_items.clear();
    m_runs.clear();
    m_lastError.clear();
    if (!clean.isEmpty()) {
        QSettings().setValue(kWorkspaceKey, clean);
        if (QFileInfo(clean).isDir()) m_watcher->addPath(clean);
        m_timer->start();
    } else {
        m_timer->stop();
    }
    refresh();
    // Show something at once: the runs selected last time in this workspace, else the run
    // touched last, which is the one the user most likely wants.
    QStringList select;
    for (const QString& run : remembered)
        if (m_items.contains(run)) select << run;
    const auto newest = std::max_element(
        m_runs.begin(), m_runs.end(), [](const ml::RunSummary& a, const ml::RunSummary& b) {
            return a.status.updated < b.status.updated;  // ISO 8601 sorts as text
        });
    if (select.isEmpty() && newest != m_runs.end())
        select << QString::fromStdString(newest->directory);
    selectRuns(select);
    Q_EMIT workspaceChanged(clean);
}

void RunsPanel::restoreWorkspace() {
    const QString dir = QSettings().value(kWorkspaceKey).toString();
    if (!dir.isEmpty() && QFileInfo(dir).isDir()) setWorkspace(dir);
}

void RunsPanel::chooseWorkspace() {
    const QString dir =
        QFileDialog::getExistingDirectory(this, "Workspace for training runs", m_workspace);
    if (!dir.isEmpty()) setWorkspace(dir);
}

void RunsPanel::refresh() {
    if (m_workspace.isEmpty()) {
        updateButtons();
        return;
    }
    try {
        m_runs = ml::listRuns(m_workspace.toStdString());
        m_lastError.clear();
    } catch (const std::exception& e) {
        // Reported once: the timer would otherwise repeat it every two seconds.
        const QString message = QString::fromUtf8(e.what());
        if (message != m_lastError) Q_EMIT errorReported(message);
        m_lastError = message;
        m_runs.clear();
    }
    const QStringList before = selectedRuns();
    QHash<QString, QTreeWidgetItem*> items;
    {
        const QSignalBlocker block(m_list);
        for (std::size_t i = 0; i < m_runs.size(); ++i) {
            const QString dir = QString::fromStdString(m_runs[i].directory);
            QTreeWidgetItem* item = m_items.take(dir);
            if (!item) item = new QTreeWidgetItem;
            // Keep list order = listRuns order (by name) without rebuilding the items.
            const int at = m_list->indexOfTopLevelItem(item);
            if (at != static_cast<int>(i)) {
                if (at >= 0) m_list->takeTopLevelItem(at);
                m_list->insertTopLevelItem(static_cast<int>(i), item);
            }
            updateItem(item, m_runs[i]);
            items.insert(dir, item);
        }
        qDeleteAll(m_items);  // runs that disappeared
    }
    m_items = items;
    updateButtons();
    if (selectedRuns() != before) Q_EMIT selectionChanged(selectedRuns());
}

void RunsPanel::updateItem(QTreeWidgetItem* item, const ml::RunSummary& run) {
    item->setData(kName, kDirRole, QString::fromStdString(run.directory));
    item->setText(kName, QString::fromStdString(run.name));
    item->setToolTip(kName, QString::fromStdString(run.directory));
    item->setText(kState, ml::runStateName(run.status.state));
    item->setToolTip(kState, QString::fromStdString(run.status.message));
    item->setForeground(kState, run.status.state == ml::RunState::Failed
                                    ? QBrush(QColor(176, 0, 32))
                                    : QBrush(palette().color(QPalette::Text)));
    // The training job's own step is newer than status.json's (written at checkpoints).
    const bool live = m_activeIsTraining && m_liveStep > run.status.step &&
                      QDir::cleanPath(QString::fromStdString(run.directory)) == QDir::cleanPath(m_activeRun);
    const qint64 step = live ? m_liveStep : run.status.step;
    const qint64 total = live && m_liveTotal > 0 ? m_liveTotal : run.status.totalSteps;
    item->setText(kStep, total > 0 ? QString("%1 / %2").arg(step).arg(total) : QString::number(step));
    const QString data = QString::fromStdString(run.dataDir);
    item->setText(kData, data.isEmpty() ? QString() : QFileInfo(data).fileName());
    item->setToolTip(kData, data);
}

QStringList RunsPanel::selectedRuns() const {
    QStringList dirs;
    const QString current = currentRun();
    if (!current.isEmpty()) dirs << current;
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        const QTreeWidgetItem* item = m_list->topLevelItem(i);
        const QString dir = item->data(kName, kDirRole).toString();
        if (item->isSelected() && dir != current) dirs << dir;
    }
    return dirs;
}

QString RunsPanel::currentRun() const {
    const QTreeWidgetItem* item = m_list->currentItem();
    if (item && item->isSelected()) return item->data(kName, kDirRole).toString();
    for (const QTreeWidgetItem* selected : m_list->selectedItems())
        return selected->data(kName, kDirRole).toString();
    return {};
}

void RunsPanel::selectRun(const QString& runDir) {
    selectRuns({runDir});
}

void RunsPanel::selectRuns(const QStringList& runDirs) {
    QList<QTreeWidgetItem*> items;
    for (const QString& dir : runDirs)
        if (QTreeWidgetItem* item = m_items.value(QDir::cleanPath(QDir(dir).absolutePath())))
            items << item;
    if (items.isEmpty()) return;
    {
        // One selectionChanged for the whole change, not one per item.
        const QSignalBlocker block(m_list);
        m_list->setCurrentItem(items.first());  // selects it alone
        for (QTreeWidgetItem* item : items) item->setSelected(true);
    }
    selectionUpdated();
}

void RunsPanel::selectionUpdated() {
    updateButtons();
    // Remembered, so that the next session plots the same runs.
    if (!m_workspace.isEmpty()) QSettings().setValue(kSelectionKey, selectedRuns());
    Q_EMIT selectionChanged(selectedRuns());
}

const ml::RunSummary* RunsPanel::summaryOf(const QString& runDir) const {
    for (const ml::RunSummary& run : m_runs)
        if (QString::fromStdString(run.directory) == runDir) return &run;
    return nullptr;
}

void RunsPanel::setActionsAvailable(bool available, const QString& reason) {
    m_available = available;
    m_unavailableReason = reason;
    updateButtons();
}

void RunsPanel::setActiveJob(const QString& runDir, bool training) {
    m_activeRun = runDir;
    m_activeIsTraining = training && !runDir.isEmpty();
    m_liveStep = -1;
    m_liveTotal = 0;
    m_progressClock.invalidate();
    if (!runDir.isEmpty()) {
        m_progress->setRange(0, 0);  // busy until the first progress event
        m_progressLabel->setText(QString("%1: starting…").arg(QFileInfo(runDir).fileName()));
    }
    updateButtons();
}

void RunsPanel::showProgress(qint64 step, qint64 total, double imagesPerSecond) {
    if (m_activeIsTraining) {
        m_liveStep = step;
        m_liveTotal = total;
        for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
            QTreeWidgetItem* item = m_list->topLevelItem(i);
            if (QDir::cleanPath(item->data(kName, kDirRole).toString()) == QDir::cleanPath(m_activeRun))
                item->setText(kStep, QString("%1 / %2").arg(step).arg(total));
        }
    }
    if (!m_progressClock.isValid()) {
        m_progressClock.start();
        m_progressStartStep = step;
    }
    // QProgressBar holds ints: scale long runs down.
    const int scale = total > 1'000'000 ? static_cast<int>(total / 1'000'000 + 1) : 1;
    m_progress->setTextVisible(true);
    m_progress->setRange(0, static_cast<int>(std::max<qint64>(total, 1) / scale));
    m_progress->setValue(static_cast<int>(std::min(step, std::max<qint64>(total, 1)) / scale));
    // The rate over this job's steps so far: the engine's images/s lags at the start.
    const double seconds = m_progressClock.elapsed() / 1000.0;
    const double stepsPerSecond =
        seconds > 0.5 ? static_cast<double>(step - m_progressStartStep) / seconds : 0.0;
    QString text =
        QString("%1: step %2 / %3").arg(QFileInfo(m_activeRun).fileName()).arg(step).arg(total);
    if (imagesPerSecond > 0) text += QString(" · %1 img/s").arg(imagesPerSecond, 0, 'f', 1);
    if (stepsPerSecond > 0 && total > step)
        text += " · ETA " + formatDuration(static_cast<double>(total - step) / stepsPerSecond);
    m_progressLabel->setText(text);
}

void RunsPanel::showIdle(const QString& text) {
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setTextVisible(false);
    m_progressLabel->setText(text);
    m_progressClock.invalidate();
}

QString RunsPanel::progressText() const {
    return m_progressLabel->text();
}

QString RunsPanel::stepText(const QString& runDir) const {
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        const QTreeWidgetItem* item = m_list->topLevelItem(i);
        if (QDir::cleanPath(item->data(kName, kDirRole).toString()) == QDir::cleanPath(runDir))
            return item->text(kStep);
    }
    return {};
}

void RunsPanel::updateButtons() {
    const QString current = currentRun();
    const bool idle = m_activeRun.isEmpty();
    const ml::RunSummary* run = summaryOf(current);
    const bool checkpoint = run && hasCheckpoint(current);
    const bool resumable = checkpoint && run->status.state != ml::RunState::Finished;

    auto set = [this](QPushButton* button, bool enabled, const QString& why) {
        button->setEnabled(m_available && enabled);
        button->setToolTip(m_available ? why : m_unavailableReason);
    };
    set(m_newRun, idle && !m_workspace.isEmpty(),
        m_workspace.isEmpty() ? "Choose a workspace folder first"
                              : "Configure and start a new training run in the workspace");
    set(m_resume, idle && resumable,
        !run                                          ? "Select a run"
        : !checkpoint                                 ? "This run has no checkpoint to resume from"
        : run->status.state == ml::RunState::Finished ? "This run has finished"
        : run->status.state == ml::RunState::Running
            ? "Its status says running: resume only if no other process trains it any more"
            : "Continue the selected run from its latest checkpoint");
    set(m_pause, m_activeIsTraining,
        "Stop after the current step with a checkpoint; Resume goes on");
    set(m_cancel, !idle, "Stop the job in progress (training keeps its checkpoint)");
    set(m_sample, idle && checkpoint,
        checkpoint ? "Draw samples from the selected run's latest checkpoint"
                   : "Select a run with a checkpoint");
    const bool crystals = run && runEncodesCrystals(QString::fromStdString(run->directory));
    set(m_generate, idle && checkpoint && crystals,
        !checkpoint ? "Select a run with a checkpoint"
        : !crystals ? "Generate crystals from a run trained on CrysTens or xtal2png images (not ECD slices)"
                    : "Generate crystals: sample, decode to CIFs and judge them against a reference set");
}

}  // namespace cw
