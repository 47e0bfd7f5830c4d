#include "jobs/training_worker.h"

#include "core/error.h"

namespace cw {

#ifdef CW_WITH_TORCH
namespace {
double scalar(const ProgressEvent& event, const char* name) {
    const auto it = event.scalars.find(name);
    return it == event.scalars.end() ? 0.0 : it->second;
}
}  // namespace
#endif

TrainingWorker::TrainingWorker(ml::DiffusionTrainingConfig config, QString runDir, bool resume,
                               QObject* parent)
    : Job(Pause::Supported, parent),
      m_config(std::move(config)),
      m_runDir(std::move(runDir)),
      m_resume(resume) {
    qRegisterMetaType<cw::ml::TrainingResult>();
    setObjectName("training");
}

bool TrainingWorker::available() {
#ifdef CW_WITH_TORCH
    return true;
#else
    return false;
#endif
}

void TrainingWorker::execute() {
#ifdef CW_WITH_TORCH
    ProgressSink& sink = throttledProgress([this](const ProgressEvent& event) {
        if (event.stage != "train") return;
        Q_EMIT progress(event.step, event.total, scalar(event, "loss"), scalar(event, "lr"),
                        scalar(event, "images_per_s"));
    });
    ml::TrainingCallbacks callbacks;
    callbacks.sampleGrid = [this](const std::string& path, std::int64_t step) {
        Q_EMIT sampleGrid(QString::fromStdString(path), step);
    };
    callbacks.log = [this](const std::string& line) { Q_EMIT log(QString::fromStdString(line)); };
    const ml::TrainingControl control{cancelSource(), pauseSource()};
    const ml::TrainingResult result =
        ml::trainDiffusion(m_config, m_runDir.toStdString(), m_resume, control, sink, callbacks);
    flushProgress();
    Q_EMIT finished(result);
#else
    throw Error("This build of Crystal Workbench has no LibTorch: it cannot train.");
#endif
}

}  // namespace cw
