#pragma once
// Generates crystals off the GUI thread (cw::ml::generateCrystals: sample, decode, write CIFs,
// judge) in a worker QObject moved to a QThread, with throttled queued progress and a
// thread-safe cancel that keeps the finished batches (the same folder resumes them). Without
// LibTorch run() emits failed() at once.
#include <QObject>
#include <QString>
#include <atomic>
#include <memory>

#include "jobs/crystal_report_worker.h"
#include "ml/crystal_generation.h"

namespace cw {

class GenerationWorker : public QObject {
    Q_OBJECT
public:
    GenerationWorker(ml::GenerationRequest request, QString outDir, QObject* parent = nullptr);
    QString outputDirectory() const { return m_outDir; }
    /// Stops at the next denoising step or evaluation item (thread-safe).
    void requestCancel() { m_cancel = true; }

public Q_SLOTS:
    /// Generates; emits exactly one of finished(), cancelled() and failed(). Never throws.
    void run();

Q_SIGNALS:
    /// `stage` is "generate" (crystals sampled and decoded) or an evaluation stage.
    void progress(const QString& stage, qint64 done, qint64 total, double imagesPerSecond);
    /// The report with the crystals behind it, as the Crystals panel shows it.
    void finished(std::shared_ptr<const cw::CrystalReportData> data, const QString& summary);
    void cancelled(qint64 kept);
    void failed(const QString& message);

private:
    ml::GenerationRequest m_request;
    QString m_outDir;
    std::atomic<bool> m_cancel{false};
};

}  // namespace cw
