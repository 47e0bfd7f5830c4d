#pragma once
// Draws samples from a trained run off the GUI thread (cw::ml::sampleFromRun) in a Job
// (JobRunner runs it), with throttled queued progress signals (≤ 20 Hz, the last event always
// delivered). Cancel stops after the current denoising step; the finished batches stay on
// disk. Emits exactly one of finished() and failed(); without LibTorch it fails at once.

#include <QString>
#include <QStringList>

#include "jobs/job.h"
#include "ml/generation/sampling.h"

namespace cw {

class SamplingWorker : public Job {
    Q_OBJECT
public:
    SamplingWorker(QString runDir, ml::SampleRequest request, QString outDir,
                   QObject* parent = nullptr);

    QString runDirectory() const { return m_runDir; }
    QString outputDirectory() const { return m_outDir; }

Q_SIGNALS:
    void progress(qint64 done, qint64 total, double imagesPerSecond);
    /// `files`: what was written (arrays, PNGs, grid.png) under outputDirectory().
    void finished(int written, bool cancelled, const QStringList& files);

private:
    void execute() override;

    QString m_runDir;
    ml::SampleRequest m_request;
    QString m_outDir;
};

}  // namespace cw
