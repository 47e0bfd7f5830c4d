#include "controllers/evaluation_controller.h"

#include <QFileInfo>
#include <QMessageBox>
#include <QThread>
#include <QWidget>
#include <algorithm>

#include "dialogs/evaluate_dialog.h"
#include "jobs/evaluation_worker.h"
#include "panels/gallery_panel.h"
#include "panels/metrics_panel.h"
#include "panels/runs_panel.h"

namespace cw {

EvaluationController::EvaluationController(RunsPanel* runs, MetricsPanel* metrics,
                                           GalleryPanel* gallery, QWidget* dialogParent,
                                           QObject* parent)
    : QObject(parent),
      m_runs(runs),
      m_metrics(metrics),
      m_gallery(gallery),
      m_dialogParent(dialogParent) {
    connect(m_metrics, &MetricsPanel::evaluateRequested, this, &EvaluationController::evaluate);
    connect(m_metrics, &MetricsPanel::loadFailed, this, &EvaluationController::errorReported);
    connect(m_runs, &RunsPanel::selectionChanged, this, [this](const QStringList& runDirs) {
        m_metrics->setRun(runDirs.isEmpty() ? QString() : runDirs.first());
    });
    m_metrics->setRun(m_runs->currentRun());
}

EvaluationController::~EvaluationController() {
    shutdown();
}

QString EvaluationController::defaultRealPath() const {
    const QString run = m_runs->currentRun();
    for (const ml::RunSummary& summary : m_runs->listedRuns())
        if (QString::fromStdString(summary.directory) == run && !summary.dataDir.empty()) {
            // A relative data path in config.json is relative to where training was started;
            // the run's own folder is the best guess left.
            const QString data = QString::fromStdString(summary.dataDir);
            return QFileInfo(data).isRelative() && !QFileInfo::exists(data)
                       ? QFileInfo(run + "/" + data).absoluteFilePath()
                       : data;
        }
    return {};
}

QString EvaluationController::defaultGeneratedPath() const {
    return latestRunSamples(m_runs->currentRun());
}

void EvaluationController::evaluate() {
    if (busy()) {
        QMessageBox::information(m_dialogParent, "Evaluate",
                                 "An evaluation is running: wait for it or cancel it first.");
        return;
    }
    EvaluateDialog dialog(defaultRealPath(), defaultGeneratedPath(), m_dialogParent);
    if (dialog.exec() != QDialog::Accepted) return;
    startEvaluation(dialog.request());
}

bool EvaluationController::startEvaluation(const EvaluationRequest& request) {
    if (busy()) return false;
    EvaluationRequest job = request;
    // Leave a core to the event loop (and to a training that may be running).
    if (job.evaluation.threads == 0)
        job.evaluation.threads = std::max(1, QThread::idealThreadCount() - 1);
    auto* worker = new EvaluationWorker(job);
    connect(worker, &EvaluationWorker::progress, this,
            [this](const QString& stage, qint64 done, qint64 total) {
                QString text = "Evaluation: " + evaluationStageText(stage);
                if (total > 0) text += QString(" %1 / %2").arg(done).arg(total);
                Q_EMIT progressChanged(text, done, total);
            });
    connect(worker, &EvaluationWorker::finished, this, &EvaluationController::finished);
    connect(worker, &EvaluationWorker::failed, this, &EvaluationController::failed);
    connect(worker, &EvaluationWorker::cancelled, this, [this] {
        Q_EMIT infoReported("Evaluation cancelled");
        endJob();
    });
    Q_EMIT infoReported(
        QString("Evaluating %1 against %2").arg(request.generatedPath, request.realPath));
    Q_EMIT progressChanged("Evaluation: starting", 0, 0);
    m_runner.start(worker);
    return true;
}

void EvaluationController::finished(const std::shared_ptr<const EvaluationData>& data) {
    endJob();
    m_metrics->setEvaluation(data);
    m_gallery->setEvaluation(data);
    for (const QString& problem : data->problems) Q_EMIT warningReported("Skipped " + problem);
    for (const QString& note : data->notes) Q_EMIT infoReported("Evaluation: " + note);
    if (!data->countingWarning.isEmpty())
        Q_EMIT warningReported("Atom counts of this evaluation: " + data->countingWarning);
    const QStringList lines = evaluationSummaryLines(*data);
    Q_EMIT infoReported("Evaluation finished: " + lines.mid(2).join("; "));
    Q_EMIT evaluationShown(data);
}

void EvaluationController::failed(const QString& message) {
    endJob();
    Q_EMIT errorReported("Evaluation failed: " + message);
    if (m_errorDialogs) QMessageBox::warning(m_dialogParent, "Evaluation failed", message);
}

void EvaluationController::endJob() {
    m_runner.finish();  // the worker sent its last signal: idle at once
    Q_EMIT jobEnded();
}

void EvaluationController::cancel() {
    m_runner.cancel();
}

void EvaluationController::shutdown() {
    m_runner.shutdown();
}

}  // namespace cw
