#include "jobs/job_runner.h"

#include <QThread>

#include "jobs/job.h"

namespace cw {

JobRunner::JobRunner(QString threadName, QObject* parent)
    : QObject(parent), m_threadName(std::move(threadName)) {}

JobRunner::~JobRunner() {
    shutdown();
}

bool JobRunner::busy() const {
    return m_job != nullptr || m_next != nullptr;
}

bool JobRunner::start(Job* job) {
    if (busy()) {
        delete job;
        return false;
    }
    launch(job);
    return true;
}

void JobRunner::replace(Job* job) {
    delete m_next;
    m_next = nullptr;
    if (!m_job) {
        launch(job);
        return;
    }
    m_job->requestCancel();
    m_next = job;
}

void JobRunner::launch(Job* job) {
    m_job = job;
    m_thread = new QThread;
    m_thread->setObjectName(m_threadName);
    if (job->objectName().isEmpty()) job->setObjectName(m_threadName);
    job->moveToThread(m_thread);
    const quint64 generation = ++m_generation;
    connect(m_thread, &QThread::started, job, &Job::run);
    // Queued to this (the GUI) thread: it arrives after the job's result signal.
    connect(
        job, &Job::ended, this, [this, generation] { onEnded(generation); }, Qt::QueuedConnection);
    m_thread->start();
}

void JobRunner::onEnded(quint64 generation) {
    if (generation != m_generation || !m_job)
        return;  // already torn down by finish() or shutdown()
    finish();
}

void JobRunner::finish() {
    if (!m_job) return;
    ++m_generation;  // the job's ended() may still be queued: it is stale now
    teardown();
    if (m_next) {
        Job* next = m_next;
        m_next = nullptr;
        launch(next);
    }
    Q_EMIT finished();
}

void JobRunner::teardown() {
    // run() has returned or is about to: quit() takes effect once it has, so the wait is short.
    m_thread->quit();
    m_thread->wait();
    delete m_job;
    delete m_thread;
    m_job = nullptr;
    m_thread = nullptr;
}

void JobRunner::cancel() {
    if (m_job) m_job->requestCancel();
}

void JobRunner::pause() {
    if (m_job) m_job->requestPause();
}

void JobRunner::shutdown() {
    delete m_next;
    m_next = nullptr;
    if (!m_job) return;
    m_job->requestPause();
    ++m_generation;  // the ended() still queued is stale now
    teardown();
}

}  // namespace cw
