#pragma once
// Trains a diffusion model off the GUI thread: a QObject moved to a QThread runs
// cw::ml::trainDiffusion with a copy of its config and reports through queued signals,
// throttled to at most 20 progress signals a second (the last event always arrives).
// Pause and cancel set the engine's TrainingControl flags, so they may be called from any
// thread; the engine stops after the current step and writes a checkpoint. Without LibTorch
// (the no-torch build) run() emits failed() at once.

#include <QObject>
#include <QString>

#include "ml/trainer.h"
#include "ml/training_config.h"

namespace cw {

class TrainingWorker : public QObject {
    Q_OBJECT
public:
    /// `resume`: continue `runDir` from its latest checkpoint (trainDiffusion's contract).
    TrainingWorker(ml::TrainingConfig config, QString runDir, bool resume,
                   QObject* parent = nullptr);

    QString runDirectory() const { return m_runDir; }
    /// Stop after the current step with a checkpoint, status "paused" (thread-safe).
    void requestPause();
    /// Stop after the current step with a checkpoint, status "cancelled" (thread-safe).
    void requestCancel();

    /// True when this build can train (it links LibTorch).
    static bool available();

public Q_SLOTS:
    /// Trains until finished, paused, cancelled or failed; emits exactly one of finished()
    /// and failed(). Never throws.
    void run();

Q_SIGNALS:
    void progress(qint64 step, qint64 total, double loss, double learningRate,
                  double imagesPerSecond);
    void sampleGrid(const QString& path, qint64 step);
    void log(const QString& line);
    void finished(const cw::ml::TrainingResult& result);
    void failed(const QString& message);

private:
    ml::TrainingConfig m_config;
    QString m_runDir;
    bool m_resume;
    ml::TrainingControl m_control;
};

}  // namespace cw

Q_DECLARE_METATYPE(cw::ml::TrainingResult)
