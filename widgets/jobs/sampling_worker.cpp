#include "jobs/sampling_worker.h"

#include "core/error.h"

namespace cw {

SamplingWorker::SamplingWorker(QString runDir, ml::SampleRequest request, QString outDir,
                               QObject* parent)
    : Job(Pause::Unsupported, parent),
      m_runDir(std::move(runDir)),
      m_request(std::move(request)),
      m_outDir(std::move(outDir)) {
    setObjectName("sampling");
}

void SamplingWorker::execute() {
#ifdef CW_WITH_TORCH
    ProgressSink& sink = throttledProgress([this](const ProgressEvent& event) {
        const auto rate = event.scalars.find("images_per_s");
        Q_EMIT progress(event.step, event.total, rate == event.scalars.end() ? 0.0 : rate->second);
    });
    const ml::SampleResult result = ml::sampleFromRun(m_runDir.toStdString(), m_request,
                                                      m_outDir.toStdString(), sink, cancelToken());
    flushProgress();
    QStringList files;
    for (const std::string& file : result.files) files << QString::fromStdString(file);
    Q_EMIT finished(result.written, result.cancelled, files);
#else
    throw Error("This build of Crystal Workbench has no LibTorch: it cannot sample.");
#endif
}

}  // namespace cw
