#pragma once
// Draws samples from a trained run off the GUI thread (cw::ml::sampleFromRun) in a worker
// QObject moved to a QThread, with throttled queued progress signals (≤ 20 Hz, the last event
// always delivered) and a thread-safe cancel. Without LibTorch run() emits failed() at once.

#include <QObject>
#include <QString>
#include <QStringList>
#include <atomic>

#include "ml/sampling.h"

namespace cw {

class SamplingWorker : public QObject {
    Q_OBJECT
public:
    SamplingWorker(QString runDir, ml::SampleRequest request, QString outDir,
                   QObject* parent = nullptr);

    QString runDirectory() const { return m_runDir; }
    QString outputDirectory() const { return m_outDir; }
    /// Stops after the current batch; the finished batches stay on disk (thread-safe).
    void requestCancel() { m_cancel = true; }

public Q_SLOTS:
    /// Samples; emits exactly one of finished() and failed(). Never throws.
    void run();

Q_SIGNALS:
    void progress(qint64 done, qint64 total, double imagesPerSecond);
    /// `files`: what was written (arrays, PNGs, grid.png) under outputDirectory().
    void finished(int written, bool cancelled, const QStringList& files);
    void failed(const QString& message);

private:
    QString m_runDir;
    ml::SampleRequest m_request;
    QString m_outDir;
    std::atomic<bool> m_cancel{false};
};

}  // namespace cw
