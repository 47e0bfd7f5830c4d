#include "jobs/evaluation_worker.h"

#include <exception>

#include "jobs/throttled_progress.h"

namespace cw {

EvaluationWorker::EvaluationWorker(EvaluationRequest request, QObject* parent)
    : QObject(parent), m_request(std::move(request)) {
    qRegisterMetaType<std::shared_ptr<const cw::EvaluationData>>();
}

void EvaluationWorker::run() {
    ThrottledProgressSink sink([this](const ProgressEvent& event) {
        Q_EMIT progress(QString::fromStdString(event.stage), event.step, event.total);
    });
    try {
        EvaluationDataPtr data = runEvaluation(m_request, &sink, &m_cancel);
        sink.flush();
        if (data)
            Q_EMIT finished(std::move(data));
        else
            Q_EMIT cancelled();
    } catch (const std::exception& e) {
        sink.flush();
        Q_EMIT failed(QString::fromUtf8(e.what()));
    } catch (...) {
        Q_EMIT failed("the evaluation stopped with an unknown error");
    }
}

QString evaluationStageText(const QString& stage) {
    if (stage == "read") return "Reading images";
    if (stage == "count") return "Counting atoms";
    if (stage == "features") return "Computing features";
    if (stage == "neighbours") return "Finding nearest training images";
    return stage;
}

}  // namespace cw
