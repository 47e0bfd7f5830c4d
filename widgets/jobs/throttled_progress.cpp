#include "jobs/throttled_progress.h"

namespace cw {

ThrottledProgressSink::ThrottledProgressSink(std::function<void(const ProgressEvent&)> forward,
                                             qint64 minIntervalMs)
    : m_forward(std::move(forward)), m_minIntervalMs(minIntervalMs) {}

void ThrottledProgressSink::report(const ProgressEvent& event) {
    std::lock_guard lock(m_mutex);
    const bool last = event.total > 0 && event.step >= event.total;
    if (!last && m_sinceForward.isValid() && m_sinceForward.elapsed() < m_minIntervalMs) {
        m_pending = event;
        return;
    }
    m_pending.reset();
    m_sinceForward.start();
    m_forward(event);
}

void ThrottledProgressSink::flush() {
    std::lock_guard lock(m_mutex);
    if (!m_pending) return;
    m_forward(*m_pending);
    m_pending.reset();
    m_sinceForward.start();
}

}  // namespace cw
