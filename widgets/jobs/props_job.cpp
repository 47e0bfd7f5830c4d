#include "jobs/props_job.h"

#include <QThread>

#include "jobs/props_worker.h"

namespace cw {

PropsJob::PropsJob(QObject* parent) : QObject(parent) {}

PropsJob::~PropsJob() {
    shutdown();
}

bool PropsJob::start(PropsWorker* worker) {
    if (busy()) {
        delete worker;
        return false;
    }
    m_worker = worker;
    m_thread = new QThread;
    m_thread->setObjectName("properties");
    worker->moveToThread(m_thread);
    connect(m_thread, &QThread::started, worker, &PropsWorker::run);
    m_thread->start();
    return true;
}

bool PropsJob::training() const {
    return m_worker && m_worker->kind() == PropsWorker::Kind::Train;
}

void PropsJob::cancel() {
    if (m_worker) m_worker->requestCancel();
}

void PropsJob::finish() {
    if (!m_thread) return;
    m_thread->quit();  // takes effect once run() has returned
    m_thread->wait();
    delete m_worker;
    delete m_thread;
    m_thread = nullptr;
    m_worker = nullptr;
}

void PropsJob::shutdown() {
    cancel();
    finish();
}

}  // namespace cw
