#pragma once
// Evaluates generated slices off the GUI thread: a QObject moved to a QThread runs
// runEvaluation (read both image sets, count atoms, KS and W1, spectral FID/KID, nearest
// training images) on a copy of its request, with throttled queued progress (≤ 20 Hz, the last
// event of each stage always delivered) and a thread-safe cancel.

#include <QObject>
#include <QString>
#include <atomic>
#include <memory>

#include "jobs/evaluation_data.h"

namespace cw {

class EvaluationWorker : public QObject {
    Q_OBJECT
public:
    explicit EvaluationWorker(EvaluationRequest request, QObject* parent = nullptr);

    const EvaluationRequest& request() const { return m_request; }
    /// Stops at the engine's next check (thread-safe); run() then emits cancelled().
    void requestCancel() { m_cancel = true; }

public Q_SLOTS:
    /// Evaluates; emits exactly one of finished(), cancelled() and failed(). Never throws.
    void run();

Q_SIGNALS:
    /// `stage`: "read", "count", "features" or "neighbours"; total 0 = unknown.
    void progress(const QString& stage, qint64 done, qint64 total);
    void finished(std::shared_ptr<const cw::EvaluationData> data);
    void cancelled();
    void failed(const QString& message);

private:
    EvaluationRequest m_request;
    std::atomic<bool> m_cancel{false};
};

/// "Counting atoms", "Computing features", … for a progress stage.
QString evaluationStageText(const QString& stage);

}  // namespace cw

Q_DECLARE_METATYPE(std::shared_ptr<const cw::EvaluationData>)
