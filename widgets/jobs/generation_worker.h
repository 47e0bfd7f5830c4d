#pragma once
// Generates crystals off the GUI thread (cw::ml::generateCrystals: sample, decode, write CIFs,
// judge) in a Job (JobRunner runs it), with throttled queued progress; cancel stops at the
// next denoising step or evaluation item and keeps the finished batches (the same folder
// resumes them). Emits exactly one of finished(), cancelled() and failed(); without LibTorch it
// fails at once.
#include <QString>
#include <memory>

#include "jobs/crystal_report_worker.h"
#include "jobs/job.h"
#include "ml/generation/crystal_generation.h"

namespace cw {

class GenerationWorker : public Job {
    Q_OBJECT
public:
    GenerationWorker(ml::GenerationRequest request, QString outDir, QObject* parent = nullptr);
    QString outputDirectory() const { return m_outDir; }

Q_SIGNALS:
    /// `stage` is "generate" (crystals sampled and decoded) or an evaluation stage.
    void progress(const QString& stage, qint64 done, qint64 total, double imagesPerSecond);
    /// The report with the crystals behind it, as the Crystals panel shows it.
    void finished(std::shared_ptr<const cw::CrystalReportData> data, const QString& summary);
    void cancelled(qint64 kept);

private:
    void execute() override;

    ml::GenerationRequest m_request;
    QString m_outDir;
};

}  // namespace cw
