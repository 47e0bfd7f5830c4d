#pragma once
// Evaluates generated slices off the GUI thread: a Job (JobRunner runs it) that runs
// runEvaluation (read both image sets, count atoms, KS and W1, spectral FID/KID, nearest
// training images) on a copy of its request, with throttled queued progress (≤ 20 Hz, the last
// event of each stage always delivered) and a thread-safe cancel.

#include <QString>
#include <memory>

#include "jobs/evaluation_data.h"
#include "jobs/job.h"

namespace cw {

class EvaluationWorker : public Job {
    Q_OBJECT
public:
    explicit EvaluationWorker(EvaluationRequest request, QObject* parent = nullptr);

    const EvaluationRequest& request() const { return m_request; }

Q_SIGNALS:
    /// `stage`: "read", "count", "features" or "neighbours"; total 0 = unknown.
    void progress(const QString& stage, qint64 done, qint64 total);
    void finished(std::shared_ptr<const cw::EvaluationData> data);
    void cancelled();

private:
    void execute() override;

    EvaluationRequest m_request;
};

/// "Counting atoms", "Computing features", … for a progress stage.
QString evaluationStageText(const QString& stage);

}  // namespace cw

Q_DECLARE_METATYPE(std::shared_ptr<const cw::EvaluationData>)
