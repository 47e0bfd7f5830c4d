#pragma once
// The base of every background job of the window. JobRunner runs a job in a thread of its own:
// execute() does the work and hands the stop sources to the engine (C++20 std::stop_source /
// stop_token, the engine's one way to stop), any exception becomes failed(message), and
// ended() follows the job's last signal so that the runner can join the thread and delete it.
// Progress goes out through a throttled sink (≤ 20 events a second, a stage's last event
// always delivered) that the subclass turns into its own queued signal.

#include <QObject>
#include <QString>
#include <functional>
#include <memory>
#include <stop_token>

#include "core/progress.h"

namespace cw {

class ThrottledProgressSink;

class Job : public QObject {
    Q_OBJECT
public:
    /// Pausable jobs (training) stop with a checkpoint and say "paused" on requestPause();
    /// for the others a pause is a cancel.
    enum class Pause { Unsupported, Supported };

    explicit Job(Pause pause = Pause::Unsupported, QObject* parent = nullptr);
    ~Job() override;

    /// Stops at the engine's next check (thread-safe).
    void requestCancel();
    /// Pauses a pausable job, cancels any other (thread-safe).
    void requestPause();
    /// True once a cancel or pause was asked for (thread-safe).
    bool stopRequested() const;

public Q_SLOTS:
    /// Runs execute() in the calling (the runner's) thread, turns an exception into failed(),
    /// delivers the last throttled progress event, then emits ended(). Never throws.
    void run();

Q_SIGNALS:
    void failed(const QString& message);
    /// run() is about to return; JobRunner then joins the thread and deletes the job.
    void ended();

protected:
    /// The work; emits the subclass's result signal. May throw (→ failed()).
    virtual void execute() = 0;

    /// Requested by requestCancel(), and by requestPause() on a job that cannot pause.
    std::stop_token cancelToken() const { return m_cancel.get_token(); }
    /// The sources themselves, for engine calls that take them (ml::TrainingControl).
    std::stop_source cancelSource() const { return m_cancel; }
    std::stop_source pauseSource() const { return m_pause; }

    /// A sink for the engine that forwards at most one event per 50 ms to `forward` (which
    /// emits the subclass's progress signal); call once, in execute().
    ProgressSink& throttledProgress(std::function<void(const ProgressEvent&)> forward);
    /// Delivers the event the throttle held back; call before the result signal, so that a
    /// progress bar ends at its final value before the job says it is done.
    void flushProgress();

private:
    std::stop_source m_cancel;
    std::stop_source m_pause;
    Pause m_pauseMode;
    std::unique_ptr<ThrottledProgressSink> m_progress;
};

}  // namespace cw
