#include "jobs/evaluation_worker.h"

namespace cw {

EvaluationWorker::EvaluationWorker(EvaluationRequest request, QObject* parent)
    : Job(Pause::Unsupported, parent), m_request(std::move(request)) {
    setObjectName("evaluation");
    qRegisterMetaType<std::shared_ptr<const cw::EvaluationData>>();
}

void EvaluationWorker::execute() {
    ProgressSink& sink = throttledProgress([this](const ProgressEvent& event) {
        Q_EMIT progress(QString::fromStdString(event.stage), event.step, event.total);
    });
    EvaluationDataPtr data = runEvaluation(m_request, &sink, cancelToken());
    flushProgress();
    if (data)
        Q_EMIT finished(std::move(data));
    else
        Q_EMIT cancelled();
}

QString evaluationStageText(const QString& stage) {
    if (stage == "read") return "Reading images";
    if (stage == "count") return "Counting atoms";
    if (stage == "features") return "Computing features";
    if (stage == "neighbours") return "Finding nearest training images";
    return stage;
}

}  // namespace cw
