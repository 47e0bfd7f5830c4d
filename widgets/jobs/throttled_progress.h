#pragma once
// An engine ProgressSink that forwards at most one event per interval to a callback (the
// workers' queued signals) and keeps the newest one it dropped, so that flush() can deliver
// the last event of a job: a progress bar must end at its final value.

#include <QElapsedTimer>
#include <functional>
#include <mutex>
#include <optional>

#include "core/progress.h"

namespace cw {

class ThrottledProgressSink final : public ProgressSink {
public:
    /// `minIntervalMs` = 50 gives at most 20 calls a second.
    explicit ThrottledProgressSink(std::function<void(const ProgressEvent&)> forward,
                                   qint64 minIntervalMs = 50);

    /// Forwards `event` when the interval has passed since the last forward, or when the
    /// event completes its stage (step ≥ total > 0); otherwise keeps it for flush().
    void report(const ProgressEvent& event) override;
    /// Forwards the kept event, if any.
    void flush();

private:
    std::function<void(const ProgressEvent&)> m_forward;
    qint64 m_minIntervalMs;
    std::mutex m_mutex;  // the engine may report from its loader threads too
    QElapsedTimer m_sinceForward;
    std::optional<ProgressEvent> m_pending;
};

}  // namespace cw
