#include "jobs/slice_worker.h"

#include <QElapsedTimer>
#include <QMetaObject>
#include <exception>

namespace cw {

void SliceWorker::submit(SliceRequest request) {
    {
        std::lock_guard lock(m_mutex);
        m_pending = std::move(request);
    }
    QMetaObject::invokeMethod(this, &SliceWorker::process, Qt::QueuedConnection);
}

void SliceWorker::process() {
    std::optional<SliceRequest> request;
    {
        std::lock_guard lock(m_mutex);
        request.swap(m_pending);
    }
    if (!request) return;  // an earlier call already took the latest request
    QElapsedTimer timer;
    timer.start();
    try {
        if (!m_slicer || m_slicerStructure != request->structure ||
            !(m_slicer->parameters() == request->parameters)) {
            m_slicer.reset();
            m_slicer = std::make_unique<Slicer>(*request->structure, request->parameters);
            m_slicerStructure = request->structure;
        }
        SliceResult result = m_slicer->slice(request->picks);
        Q_EMIT finished(request->id, result, static_cast<double>(timer.nsecsElapsed()) / 1e6);
    } catch (const std::exception& e) {
        Q_EMIT failed(request->id, QString::fromUtf8(e.what()));
        return;
    }
    if (!request->chgcar) return;
    try {
        SliceResult real = sliceChgcar(*request->chgcar, request->picks, request->parameters);
        Q_EMIT realFinished(request->id, real);
    } catch (const std::exception& e) {
        Q_EMIT realFailed(request->id, QString::fromUtf8(e.what()));
    }
}

}  // namespace cw
