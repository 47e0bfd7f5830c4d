#pragma once
// Training, sampling and generating crystals from the window: runs the New run…, Sample… and
// Generate crystals… dialogs, starts one job at a time on a JobRunner (TrainingWorker,
// SamplingWorker, GenerationWorker), and wires the job's
// signals to the Runs, Loss and Samples panels. On close a training is paused (it resumes
// later from its checkpoint) and the thread is waited for.

#include <QObject>
#include <QString>
#include <memory>

#include "jobs/job_runner.h"
#include "ml/diffusion/trainer.h"
#include "ml/diffusion/training_config.h"
#include "ml/generation/crystal_generation.h"
#include "ml/generation/sampling.h"

class QWidget;

namespace cw {

class LossChart;
class RunsPanel;
class SamplesPanel;
class Job;
struct CrystalReportData;

class TrainingController : public QObject {
    Q_OBJECT
public:
    TrainingController(RunsPanel* runs, LossChart* loss, SamplesPanel* samples,
                       QWidget* dialogParent, QObject* parent = nullptr);
    ~TrainingController() override;

    /// Starts training `runDir` (a new run, or resume) unless a job is running; false then.
    bool startTraining(const ml::DiffusionTrainingConfig& config, const QString& runDir,
                       bool resume);
    /// Samples from `runDir` into `outDir` unless a job is running; false then. The grid is
    /// shown in the Samples panel when done.
    bool startSampling(const QString& runDir, const ml::SampleRequest& request,
                       const QString& outDir);
    /// Generates crystals (ml::generateCrystals) into `outDir` unless a job is running; false
    /// then. The report goes out through crystalsGenerated when done.
    bool startGeneration(const ml::GenerationRequest& request, const QString& outDir);
    /// Runs the Generate crystals… dialog for `runDir` and starts the job it describes.
    void generate(const QString& runDir);
    bool busy() const { return m_runner.busy(); }
    /// Pauses a training or cancels a sampling, and waits for the worker thread.
    void shutdown();

Q_SIGNALS:
    void infoReported(const QString& message);
    void errorReported(const QString& message);
    /// A job ended (finished, paused, cancelled or failed).
    void jobEnded();
    /// A generation finished: its judged crystals, for the Crystals panel.
    void crystalsGenerated(std::shared_ptr<const cw::CrystalReportData> data);

private:
    void newRun();
    void resume(const QString& runDir);
    void sample(const QString& runDir);
    void pause();
    void cancel();
    void showSelection(const QStringList& runDirs);
    void run(Job* job, const QString& runDir, bool training);
    void trainingFinished(const ml::TrainingResult& result);
    void jobFailed(const QString& message);
    void endJob(const QString& idleText);
    void selectJobRun();

    RunsPanel* m_runs;
    LossChart* m_loss;
    SamplesPanel* m_samples;
    QWidget* m_dialogParent;
    JobRunner m_runner{"training"};
    QString m_lastReference, m_lastTraining, m_lastDataset;  // the next dialog starts from them
    QString m_jobRun;
    bool m_jobRunSelected = false;
    ml::DiffusionTrainingConfig m_lastConfig;  // the next New run… starts from the last one
};

}  // namespace cw
