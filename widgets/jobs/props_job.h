#pragma once
// One property job at a time in its own thread: takes a PropsWorker, moves it to a new QThread
// and starts it; after the worker's last signal finish() joins the thread and deletes both;
// shutdown() cancels a running job and waits (the window's close).

#include <QObject>

namespace cw {

class PropsWorker;

class PropsJob : public QObject {
    Q_OBJECT
public:
    explicit PropsJob(QObject* parent = nullptr);
    ~PropsJob() override;

    /// Starts `worker` (owned from now on) unless a job runs; false then (worker deleted).
    /// Connect to the worker's signals before.
    bool start(PropsWorker* worker);
    bool busy() const { return m_thread != nullptr; }
    /// The running worker, or null.
    PropsWorker* worker() const { return m_worker; }
    bool training() const;

    /// Asks the running training to stop after the current batch (predictions run to the end).
    void cancel();
    /// Joins the thread and deletes worker and thread; call from the slot of the worker's
    /// final signal (run() has then emitted it, so the wait is short).
    void finish();
    /// Cancels a running job, waits for it and deletes it.
    void shutdown();

private:
    QThread* m_thread = nullptr;
    PropsWorker* m_worker = nullptr;
};

}  // namespace cw
