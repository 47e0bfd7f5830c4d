#include "jobs/training_worker.h"

#include <exception>

#include "jobs/throttled_progress.h"

namespace cw {

#ifdef CW_WITH_TORCH
namespace {
double scalar(const ProgressEvent& event, const char* name) {
    const auto it = event.scalars.find(name);
    return it == event.scalars.end() ? 0.0 : it->second;
}
}  // namespace
#endif

TrainingWorker::TrainingWorker(ml::TrainingConfig config, QString runDir, bool resume,
                               QObject* parent)
    : QObject(parent), m_config(std::move(config)), m_runDir(std::move(runDir)), m_resume(resume) {
    qRegisterMetaType<cw::ml::TrainingResult>();
}

void TrainingWorker::requestPause() {
    m_control.pause = true;
}
void TrainingWorker::requestCancel() {
    m_control.cancel = true;
}

bool TrainingWorker::available() {
#ifdef CW_WITH_TORCH
    return true;
#else
    return false;
#endif
}

void TrainingWorker::run() {
#ifdef CW_WITH_TORCH
    ThrottledProgressSink sink([this](const ProgressEvent& event) {
        if (event.stage != "train") return;
        Q_EMIT progress(event.step, event.total, scalar(event, "loss"), scalar(event, "lr"),
                        scalar(event, "images_per_s"));
    });
    ml::TrainingCallbacks callbacks;
    callbacks.sampleGrid = [this](const std::string& path, std::int64_t step) {
        Q_EMIT sampleGrid(QString::fromStdString(path), step);
    };
    callbacks.log = [this](const std::string& line) { Q_EMIT log(QString::fromStdString(line)); };
    try {
        const ml::TrainingResult result = ml::trainDiffusion(m_config, m_runDir.toStdString(),
                                                             m_resume, m_control, sink, callbacks);
        sink.flush();
        Q_EMIT finished(result);
    } catch (const std::exception& e) {
        sink.flush();
        Q_EMIT failed(QString::fromUtf8(e.what()));
    } catch (...) {
        Q_EMIT failed("training stopped with an unknown error");
    }
#else
    Q_EMIT failed("This build of Crystal Workbench has no LibTorch: it cannot train.");
#endif
}

}  // namespace cw
