// The window's one way to run a background job (widgets/jobs/job_runner.h, job.h): a job runs in
// a thread of its own, its exception becomes failed(), cancel and pause reach its stop tokens,
// the runner is idle again after finished(), replace() lets the latest job win and shutdown()
// stops and joins a running one.
#include <QSignalSpy>
#include <QThread>
#include <QtTest>
#include <atomic>
#include <stdexcept>

#include "jobs/job.h"
#include "jobs/job_runner.h"

namespace {

/// Runs until stopped (or at once when `waitForStop` is false); reports how it ended.
class WaitingJob final : public cw::Job {
    Q_OBJECT
public:
    explicit WaitingJob(bool waitForStop, Pause pause = Pause::Unsupported,
                        std::atomic<int>* destroyed = nullptr)
        : Job(pause), m_waitForStop(waitForStop), m_destroyed(destroyed) {}
    ~WaitingJob() override {
        if (m_destroyed) ++*m_destroyed;
    }

Q_SIGNALS:
    /// `paused`: the pause source was requested; `thread`: the thread execute() ran in.
    void done(bool cancelled, bool paused, QThread* thread);
    void step(qint64 value);

private:
    void execute() override {
        cw::ProgressSink& progress =
            throttledProgress([this](const cw::ProgressEvent& e) { Q_EMIT step(e.step); });
        for (std::int64_t i = 1; i <= 3; ++i) progress.report({"test", i, 0, {}});
        while (m_waitForStop && !stopRequested()) QThread::msleep(2);
        flushProgress();
        Q_EMIT done(cancelToken().stop_requested(), pauseSource().stop_requested(),
                    QThread::currentThread());
    }
    bool m_waitForStop;
    std::atomic<int>* m_destroyed;
};

class FailingJob final : public cw::Job {
    Q_OBJECT
    void execute() override { throw std::runtime_error("cell.cif line 7: no lattice"); }
};

}  // namespace

class TestJobRunner : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void runsInItsOwnThreadAndTearsDown() {
        std::atomic<int> destroyed{0};
        cw::JobRunner runner("test");
        auto* job = new WaitingJob(false, cw::Job::Pause::Unsupported, &destroyed);
        QSignalSpy done(job, &WaitingJob::done);
        QSignalSpy steps(job, &WaitingJob::step);
        QSignalSpy finished(&runner, &cw::JobRunner::finished);
        QVERIFY(runner.start(job));
        QVERIFY(runner.busy());
        QVERIFY(finished.wait(5000));
        QCOMPARE(done.count(), 1);
        QVERIFY(done.first().at(2).value<QThread*>() != QThread::currentThread());
        QVERIFY(!done.first().at(0).toBool());
        // The throttle passed the first step and delivered the held last one before done().
        QVERIFY(steps.count() >= 2);
        QCOMPARE(steps.last().at(0).toLongLong(), 3);
        QVERIFY(!runner.busy());
        QCOMPARE(destroyed.load(), 1);
        QVERIFY(runner.job() == nullptr);
    }

    void refusesASecondJobWhileBusy() {
        std::atomic<int> destroyed{0};
        cw::JobRunner runner("test");
        auto* first = new WaitingJob(true);
        QVERIFY(runner.start(first));
        QVERIFY(!runner.start(new WaitingJob(false, cw::Job::Pause::Unsupported, &destroyed)));
        QCOMPARE(destroyed.load(), 1);  // the refused job is deleted at once
        QSignalSpy done(first, &WaitingJob::done);
        QSignalSpy finished(&runner, &cw::JobRunner::finished);
        runner.cancel();
        QVERIFY(finished.wait(5000));
        QCOMPARE(done.count(), 1);
        QVERIFY(done.first().at(0).toBool());
    }

    void anExceptionBecomesFailed() {
        cw::JobRunner runner("test");
        auto* job = new FailingJob;
        QSignalSpy failed(job, &cw::Job::failed);
        QSignalSpy finished(&runner, &cw::JobRunner::finished);
        QVERIFY(runner.start(job));
        QVERIFY(finished.wait(5000));
        QCOMPARE(failed.count(), 1);
        QCOMPARE(failed.first().at(0).toString(), QString("cell.cif line 7: no lattice"));
        QVERIFY(!runner.busy());
    }

    void pauseReachesOnlyAPausableJob() {
        for (const bool pausable : {true, false}) {
            cw::JobRunner runner("test");
            auto* job = new WaitingJob(
                true, pausable ? cw::Job::Pause::Supported : cw::Job::Pause::Unsupported);
            QSignalSpy done(job, &WaitingJob::done);
            QSignalSpy finished(&runner, &cw::JobRunner::finished);
            QVERIFY(runner.start(job));
            runner.pause();
            QVERIFY(finished.wait(5000));
            QCOMPARE(done.first().at(1).toBool(), pausable);   // paused
            QCOMPARE(done.first().at(0).toBool(), !pausable);  // else cancelled
        }
    }

    void finishInTheLastSlotLeavesTheRunnerIdleAtOnce() {
        cw::JobRunner runner("test");
        auto* job = new WaitingJob(false);
        bool idleInSlot = false;
        connect(job, &WaitingJob::done, this, [&] {
            runner.finish();
            idleInSlot = !runner.busy();
        });
        QSignalSpy finished(&runner, &cw::JobRunner::finished);
        QVERIFY(runner.start(job));
        QVERIFY(finished.wait(5000));
        QVERIFY(idleInSlot);
        QTest::qWait(50);  // the job's stale ended() must not finish anything twice
        QCOMPARE(finished.count(), 1);
    }

    void replaceLetsTheLatestWin() {
        std::atomic<int> destroyed{0};
        cw::JobRunner runner("test");
        auto* first = new WaitingJob(true, cw::Job::Pause::Unsupported, &destroyed);
        auto* dropped = new WaitingJob(false, cw::Job::Pause::Unsupported, &destroyed);
        auto* last = new WaitingJob(false, cw::Job::Pause::Unsupported, &destroyed);
        QSignalSpy firstDone(first, &WaitingJob::done);
        QSignalSpy lastDone(last, &WaitingJob::done);
        runner.replace(first);
        runner.replace(dropped);  // waits for its turn …
        runner.replace(last);     // … and is dropped for this one
        QCOMPARE(destroyed.load(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(lastDone.count(), 1, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(!runner.busy(), 5000);
        QCOMPARE(firstDone.count(), 1);
        QVERIFY(firstDone.first().at(0).toBool());  // the first was cancelled
        QCOMPARE(destroyed.load(), 3);
    }

    void shutdownStopsAndJoins() {
        std::atomic<int> destroyed{0};
        {
            cw::JobRunner runner("test");
            QVERIFY(runner.start(new WaitingJob(true, cw::Job::Pause::Supported, &destroyed)));
            QTest::qWait(20);
            runner.shutdown();
            QVERIFY(!runner.busy());
            QCOMPARE(destroyed.load(), 1);
            QVERIFY(runner.start(new WaitingJob(true, cw::Job::Pause::Unsupported, &destroyed)));
        }  // the destructor stops the second one
        QCOMPARE(destroyed.load(), 2);
    }
};

QTEST_GUILESS_MAIN(TestJobRunner)
#include "test_job_runner.moc"
