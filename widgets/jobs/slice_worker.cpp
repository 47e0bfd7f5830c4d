#include "jobs/slice_worker.h"

#include <QElapsedTimer>
#include <exception>

namespace cw {

SliceWorker::SliceWorker() {
    setObjectName("slice worker");
}

void SliceWorker::submit(SliceRequest request) {
    {
        std::lock_guard lock(m_mutex);
        m_pending = std::move(request);
    }
    m_wake.notify_one();
}

void SliceWorker::execute() {
    const std::stop_token stop = cancelToken();
    while (true) {
        std::optional<SliceRequest> request;
        {
            std::unique_lock lock(m_mutex);
            if (!m_wake.wait(lock, stop, [this] { return m_pending.has_value(); })) return;
            request.swap(m_pending);
        }
        process(*request);
    }
}

bool SliceWorker::waitFor(quint64 id, std::chrono::milliseconds timeout, SliceOutcome& outcome) {
    std::unique_lock lock(m_mutex);
    // Ids only grow: a later outcome means this request was replaced and will never come.
    if (!m_done.wait_for(lock, timeout, [&] { return m_latest.id >= id; })) return false;
    if (m_latest.id != id) return false;
    outcome = m_latest;
    return true;
}

void SliceWorker::publish(SliceOutcome outcome) {
    {
        std::lock_guard lock(m_mutex);
        m_latest = std::move(outcome);
    }
    m_done.notify_all();
}

void SliceWorker::process(const SliceRequest& request) {
    QElapsedTimer timer;
    timer.start();
    try {
        if (!m_slicer || m_slicerStructure != request.structure ||
            !(m_slicer->parameters() == request.parameters)) {
            m_slicer.reset();
            m_slicer = std::make_unique<Slicer>(*request.structure, request.parameters);
            m_slicerStructure = request.structure;
        }
        SliceResult result = m_slicer->slice(request.picks);
        const double ms = static_cast<double>(timer.nsecsElapsed()) / 1e6;
        publish({request.id, result, {}, ms});
        Q_EMIT finished(request.id, result, ms);
    } catch (const std::exception& e) {
        const QString message = QString::fromUtf8(e.what());
        publish({request.id, std::nullopt, message, 0.0});
        Q_EMIT sliceFailed(request.id, message);
        return;
    }
    if (!request.chgcar) return;
    try {
        SliceResult real = sliceChgcar(*request.chgcar, request.picks, request.parameters);
        Q_EMIT realFinished(request.id, real);
    } catch (const std::exception& e) {
        Q_EMIT realFailed(request.id, QString::fromUtf8(e.what()));
    }
}

}  // namespace cw
