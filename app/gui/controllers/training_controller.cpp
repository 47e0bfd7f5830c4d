#include "controllers/training_controller.h"

#include <QDir>
#include <QFileInfo>
#include <QMessageBox>
#include <QWidget>

#include "charts/loss_chart.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "dialogs/generate_dialog.h"
#include "dialogs/new_run_dialog.h"
#include "dialogs/sample_dialog.h"
#include "jobs/generation_worker.h"
#include "jobs/job_threads.h"
#include "jobs/sampling_worker.h"
#include "jobs/training_worker.h"
#include "ml/run_directory.h"
#include "panels/runs_panel.h"
#include "panels/samples_panel.h"

namespace cw {

TrainingController::TrainingController(RunsPanel* runs, LossChart* loss, SamplesPanel* samples,
                                       QWidget* dialogParent, QObject* parent)
    : QObject(parent),
      m_runs(runs),
      m_loss(loss),
      m_samples(samples),
      m_dialogParent(dialogParent) {
    m_runs->setActionsAvailable(
        TrainingWorker::available(),
        "This build of Crystal Workbench has no LibTorch: runs can be listed and plotted, but "
        "training and sampling need a build with CW_WITH_TORCH");
    connect(m_runs, &RunsPanel::newRunRequested, this, &TrainingController::newRun);
    connect(m_runs, &RunsPanel::resumeRequested, this, &TrainingController::resume);
    connect(m_runs, &RunsPanel::sampleRequested, this, &TrainingController::sample);
    connect(m_runs, &RunsPanel::generateRequested, this, &TrainingController::generate);
    connect(m_runs, &RunsPanel::pauseRequested, this, &TrainingController::pause);
    connect(m_runs, &RunsPanel::cancelRequested, this, &TrainingController::cancel);
    connect(m_runs, &RunsPanel::selectionChanged, this, &TrainingController::showSelection);
    connect(m_runs, &RunsPanel::errorReported, this, &TrainingController::errorReported);
    connect(m_loss, &LossChart::loadFailed, this, &TrainingController::errorReported);
}

TrainingController::~TrainingController() {
    shutdown();
}

void TrainingController::showSelection(const QStringList& runDirs) {
    m_loss->setRuns(runDirs);
    m_samples->showRun(runDirs.isEmpty() ? QString() : runDirs.first());
}

void TrainingController::newRun() {
    if (busy()) return;
    NewRunDialog dialog(m_runs->workspace(), m_lastConfig, m_dialogParent);
    if (dialog.exec() != QDialog::Accepted) return;
    m_lastConfig = dialog.config();
    startTraining(m_lastConfig, dialog.runDirectory(), false);
}

void TrainingController::resume(const QString& runDir) {
    if (busy() || runDir.isEmpty()) return;
    try {
        // A run that says "running" may be trained by `cwb` right now, or may have been killed:
        // two trainers in one folder would corrupt it, so ask.
        if (ml::readRunStatus(runDir.toStdString()).state == ml::RunState::Running &&
            QMessageBox::question(m_dialogParent, "Resume training",
                                  QString("%1 says it is running. Resume it only if no other "
                                          "process is training it any more. Resume?")
                                      .arg(QFileInfo(runDir).fileName())) != QMessageBox::Yes)
            return;
        // The trainer takes the run's own config.json on resume; this copy only names it.
        const ml::DiffusionTrainingConfig config = ml::diffusionTrainingConfigFromJson(
            readFileToString(ml::runConfigPath(runDir.toStdString())), {},
            ml::runConfigPath(runDir.toStdString()));
        startTraining(config, runDir, true);
    } catch (const Error& e) {
        Q_EMIT errorReported(QString::fromStdString(e.what()));
        QMessageBox::warning(m_dialogParent, "Resume training", QString::fromStdString(e.what()));
    }
}

bool TrainingController::startTraining(const ml::DiffusionTrainingConfig& config,
                                       const QString& runDir, bool resume) {
    if (busy()) return false;
    auto* worker = new TrainingWorker(config, runDir, resume);
    connect(worker, &TrainingWorker::progress, m_runs,
            [this](qint64 step, qint64 total, double, double, double imagesPerSecond) {
                m_runs->showProgress(step, total, imagesPerSecond);
                selectJobRun();
            });
    connect(worker, &TrainingWorker::sampleGrid, m_samples, &SamplesPanel::onSampleGrid);
    connect(worker, &TrainingWorker::log, this, &TrainingController::infoReported);
    connect(worker, &TrainingWorker::finished, this, &TrainingController::trainingFinished);
    connect(worker, &TrainingWorker::failed, this, &TrainingController::jobFailed);
    run(worker, runDir, true);
    Q_EMIT infoReported(QString("%1 training run %2")
                            .arg(resume ? "Resuming" : "Starting", QFileInfo(runDir).fileName()));
    m_jobRunSelected = false;
    selectJobRun();
    return true;
}

void TrainingController::selectJobRun() {
    // A new run's folder appears once the trainer has written its config.json: select it
    // then, so that its loss and samples show while it trains.
    if (m_jobRunSelected || m_jobRun.isEmpty()) return;
    const QString dir = QDir::cleanPath(QDir(m_jobRun).absolutePath());
    if (m_runs->currentRun() != dir) {
        m_runs->refresh();
        m_runs->selectRun(dir);
    }
    m_jobRunSelected = m_runs->currentRun() == dir;
}

void TrainingController::sample(const QString& runDir) {
    if (busy() || runDir.isEmpty()) return;
    SampleDialog dialog(runDir, m_dialogParent);
    if (dialog.exec() != QDialog::Accepted) return;
    startSampling(runDir, dialog.request(), dialog.outputDirectory());
}

bool TrainingController::startSampling(const QString& runDir, const ml::SampleRequest& asked,
                                       const QString& outDir) {
    if (busy()) return false;
    ml::SampleRequest request = asked;
    if (request.threads <= 0) request.threads = jobThreads();  // Run ▸ CPU Threads
    auto* worker = new SamplingWorker(runDir, request, outDir);
    connect(worker, &SamplingWorker::progress, m_runs,
            [this](qint64 done, qint64 total, double imagesPerSecond) {
                m_runs->showProgress(done, total, imagesPerSecond);
            });
    connect(worker, &SamplingWorker::finished, this,
            [this, outDir](int written, bool cancelled, const QStringList& files) {
                const QString text = QString("Sampling %1: %2 images written to %3")
                                         .arg(cancelled ? "cancelled" : "finished")
                                         .arg(written)
                                         .arg(outDir);
                Q_EMIT infoReported(text);
                endJob(text);  // first: it shows the run's training grid again
                for (const QString& file : files)
                    if (file.endsWith("grid.png"))
                        m_samples->showImage(file,
                                             QString("%1 samples in %2").arg(written).arg(outDir));
            });
    connect(worker, &SamplingWorker::failed, this, &TrainingController::jobFailed);
    run(worker, runDir, false);
    Q_EMIT infoReported(QString("Sampling %1 images from %2 into %3 on %4 CPU thread(s)")
                            .arg(request.count)
                            .arg(QFileInfo(runDir).fileName(), outDir)
                            .arg(request.threads));
    return true;
}

void TrainingController::generate(const QString& runDir) {
    if (busy() || runDir.isEmpty()) return;
    GenerateDialog dialog(runDir, m_dialogParent);
    dialog.setSets(m_lastReference, m_lastTraining, m_lastDataset);
    if (dialog.exec() != QDialog::Accepted) return;
    const ml::GenerationRequest request = dialog.request();
    m_lastReference = QString::fromStdString(request.reference);
    m_lastTraining = QString::fromStdString(request.training);
    m_lastDataset = QString::fromStdString(request.dataset);
    startGeneration(request, dialog.outputDirectory());
}

bool TrainingController::startGeneration(const ml::GenerationRequest& asked, const QString& outDir) {
    if (busy()) return false;
    ml::GenerationRequest request = asked;
    if (request.sample.threads <= 0) request.sample.threads = jobThreads();  // Run ▸ CPU Threads
    auto* worker = new GenerationWorker(request, outDir);
    connect(worker, &GenerationWorker::progress, m_runs,
            [this](const QString& stage, qint64 done, qint64 total, double imagesPerSecond) {
                if (stage == "generate")
                    m_runs->showProgress(done, total, imagesPerSecond);
                else
                    m_runs->showIdle(QString("Judging the crystals: %1 %2/%3").arg(stage).arg(done).arg(total));
            });
    connect(worker, &GenerationWorker::finished, this,
            [this](std::shared_ptr<const CrystalReportData> data, const QString& summary) {
                Q_EMIT infoReported(summary);
                endJob(summary);
                Q_EMIT crystalsGenerated(std::move(data));
            });
    connect(worker, &GenerationWorker::cancelled, this, [this, outDir](qint64 kept) {
        const QString text = QString("Generation cancelled: %1 crystals kept in %2; generate into the same "
                                     "folder to resume")
                                 .arg(kept)
                                 .arg(outDir);
        Q_EMIT infoReported(text);
        endJob(text);
    });
    connect(worker, &GenerationWorker::failed, this, &TrainingController::jobFailed);
    run(worker, QString::fromStdString(request.runDir), false);
    Q_EMIT infoReported(QString("Generating %1 crystals from %2 into %3 on %4 CPU thread(s)")
                            .arg(request.sample.count)
                            .arg(QFileInfo(QString::fromStdString(request.runDir)).fileName(), outDir)
                            .arg(request.sample.threads));
    return true;
}

void TrainingController::run(Job* job, const QString& runDir, bool training) {
    m_jobRun = runDir;
    m_runs->setActiveJob(runDir, training);
    m_runner.start(job);
}

void TrainingController::trainingFinished(const ml::TrainingResult& result) {
    const QString name = QFileInfo(m_jobRun).fileName();
    const QString text =
        result.finished ? QString("%1 finished at step %2 (loss %3)")
                              .arg(name)
                              .arg(result.stepsDone)
                              .arg(result.lastLoss)
                        : QString("%1 stopped at step %2; Resume continues from its checkpoint")
                              .arg(name)
                              .arg(result.stepsDone);
    Q_EMIT infoReported(text);
    endJob(text);
}

void TrainingController::jobFailed(const QString& message) {
    const QString text = QString("%1: %2").arg(QFileInfo(m_jobRun).fileName(), message);
    Q_EMIT errorReported(text);
    endJob("Failed: " + message);
}

void TrainingController::endJob(const QString& idleText) {
    m_runner.finish();  // the worker sent its last signal: idle at once
    m_jobRun.clear();
    m_runs->setActiveJob({}, false);
    m_runs->showIdle(idleText);
    m_runs->refresh();
    m_loss->refresh();
    m_samples->reload();
    Q_EMIT jobEnded();
}

void TrainingController::pause() {
    // Only a training pauses; Pause is offered for nothing else.
    if (qobject_cast<TrainingWorker*>(m_runner.job())) m_runner.pause();
}

void TrainingController::cancel() {
    m_runner.cancel();
}

void TrainingController::shutdown() {
    // A training is paused rather than cancelled (it resumes next time exactly where it
    // stopped); a sampling or generation is cancelled, its finished batches kept for a resume.
    m_runner.shutdown();
}

}  // namespace cw
