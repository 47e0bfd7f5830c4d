#include "jobs/job.h"

#include <exception>

#include "jobs/throttled_progress.h"

namespace cw {

Job::Job(Pause pause, QObject* parent) : QObject(parent), m_pauseMode(pause) {}

Job::~Job() = default;

void Job::requestCancel() {
    m_cancel.request_stop();
}

void Job::requestPause() {
    if (m_pauseMode == Pause::Supported)
        m_pause.request_stop();
    else
        m_cancel.request_stop();
}

bool Job::stopRequested() const {
    return m_cancel.stop_requested() || m_pause.stop_requested();
}

ProgressSink& Job::throttledProgress(std::function<void(const ProgressEvent&)> forward) {
    m_progress = std::make_unique<ThrottledProgressSink>(std::move(forward));
    return *m_progress;
}

void Job::flushProgress() {
    if (m_progress) m_progress->flush();
}

void Job::run() {
    try {
        execute();
        flushProgress();
    } catch (const std::exception& e) {
        flushProgress();
        Q_EMIT failed(QString::fromUtf8(e.what()));
    } catch (...) {
        Q_EMIT failed(QString("%1 stopped with an unknown error").arg(objectName()));
    }
    Q_EMIT ended();
}

}  // namespace cw
