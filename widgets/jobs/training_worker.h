#pragma once
// Trains a diffusion model off the GUI thread: a Job (JobRunner runs it) that calls
// cw::ml::trainDiffusion with a copy of its config and reports through queued signals,
// throttled to at most 20 progress signals a second (the last event always arrives).
// requestPause() and requestCancel() reach the engine's TrainingControl; it stops after the
// current step and writes a checkpoint. Without LibTorch (the no-torch build) it fails at once.

#include <QString>

#include "jobs/job.h"

#include "ml/diffusion/trainer.h"
#include "ml/diffusion/training_config.h"

namespace cw {

class TrainingWorker : public Job {
    Q_OBJECT
public:
    /// `resume`: continue `runDir` from its latest checkpoint (trainDiffusion's contract).
    TrainingWorker(ml::DiffusionTrainingConfig config, QString runDir, bool resume,
                   QObject* parent = nullptr);

    QString runDirectory() const { return m_runDir; }

    /// True when this build can train (it links LibTorch).
    static bool available();

Q_SIGNALS:
    void progress(qint64 step, qint64 total, double loss, double learningRate,
                  double imagesPerSecond);
    void sampleGrid(const QString& path, qint64 step);
    void log(const QString& line);
    /// Finished, paused or cancelled (failures go to Job::failed).
    void finished(const cw::ml::TrainingResult& result);

private:
    void execute() override;

    ml::DiffusionTrainingConfig m_config;
    QString m_runDir;
    bool m_resume;
};

}  // namespace cw

Q_DECLARE_METATYPE(cw::ml::TrainingResult)
