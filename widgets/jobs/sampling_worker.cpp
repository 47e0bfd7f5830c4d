#include "jobs/sampling_worker.h"

#include <exception>

#include "jobs/throttled_progress.h"

namespace cw {

SamplingWorker::SamplingWorker(QString runDir, ml::SampleRequest request, QString outDir,
                               QObject* parent)
    : QObject(parent),
      m_runDir(std::move(runDir)),
      m_request(std::move(request)),
      m_outDir(std::move(outDir)) {}

void SamplingWorker::run() {
#ifdef CW_WITH_TORCH
    ThrottledProgressSink sink([this](const ProgressEvent& event) {
        const auto rate = event.scalars.find("images_per_s");
        Q_EMIT progress(event.step, event.total, rate == event.scalars.end() ? 0.0 : rate->second);
    });
    try {
        const ml::SampleResult result = ml::sampleFromRun(m_runDir.toStdString(), m_request,
                                                          m_outDir.toStdString(), sink, &m_cancel);
        sink.flush();
        QStringList files;
        for (const std::string& file : result.files) files << QString::fromStdString(file);
        Q_EMIT finished(result.written, result.cancelled, files);
    } catch (const std::exception& e) {
        sink.flush();
        Q_EMIT failed(QString::fromUtf8(e.what()));
    } catch (...) {
        Q_EMIT failed("sampling stopped with an unknown error");
    }
#else
    Q_EMIT failed("This build of Crystal Workbench has no LibTorch: it cannot sample.");
#endif
}

}  // namespace cw
