#pragma once
// Runs the window's background jobs, one at a time, each in a thread of its own: it owns the
// job from start() to teardown (join and delete, once the job's last signal was sent), passes
// cancel and pause on, and on shutdown() stops the job and waits for it. replace() gives
// "latest wins" for panels whose inputs change while a job runs.

#include <QObject>
#include <QString>

namespace cw {

class Job;

class JobRunner : public QObject {
    Q_OBJECT
public:
    /// `threadName` names the worker thread (debuggers, profilers).
    explicit JobRunner(QString threadName, QObject* parent = nullptr);
    /// shutdown().
    ~JobRunner() override;

    /// Starts `job` (owned from now on) unless one runs; false then, and `job` is deleted.
    /// Connect to the job's signals before.
    bool start(Job* job);
    /// Cancels the running job, if any, and starts `job` as soon as it has ended; a job
    /// that was waiting for its turn is dropped.
    void replace(Job* job);

    /// A job runs or waits for its turn.
    bool busy() const;
    /// The running job, or null.
    Job* job() const { return m_job; }

    void cancel();
    /// Pauses a pausable job (training), cancels any other.
    void pause();
    /// Pauses (or cancels) the running job, waits for it and deletes it; drops a waiting one.
    void shutdown();
    /// Joins the thread and deletes the job now, for a slot of the job's last signal that
    /// wants the runner idle at once (run() has then sent it, so the wait is short); starts
    /// a waiting job and emits finished().
    void finish();

Q_SIGNALS:
    /// A job ended and its thread is gone: after the job's own last signal, so a slot may
    /// start the next job.
    void finished();

private:
    void launch(Job* job);
    void teardown();
    void onEnded(quint64 generation);

    QString m_threadName;
    class QThread* m_thread = nullptr;
    Job* m_job = nullptr;
    Job* m_next = nullptr;     // replace(): starts when the running job has ended
    quint64 m_generation = 0;  // tells a stale ended() from the running job's
};

}  // namespace cw
