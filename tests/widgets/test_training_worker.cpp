// A real (tiny) diffusion training through TrainingWorker in a QThread, as the Runs panel runs
// it: an ECD data set is built here from the CIFs of tests/data (32 px, tiny_training.h), a
// UNet of base width 8 trains on the CPU while a 10 ms timer checks that the event loop keeps
// running, progress and sample-grid signals arrive (throttled, the last one always), and Cancel
// ends the run with a checkpoint on disk and status "cancelled". Without LibTorch, run()
// reports that it cannot train.
#include <QElapsedTimer>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QtTest>
#include <filesystem>

#include "jobs/training_worker.h"
#include "ml/run_directory.h"
#include "tiny_training.h"

class TestTrainingWorker : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void withoutLibTorchSaysSo() {
        if (cw::TrainingWorker::available())
            QSKIP("this build has LibTorch (see trainInThreadThenCancel)");
        cw::TrainingWorker worker(cw::ml::DiffusionTrainingConfig{}, "/nonexistent/run", false);
        QSignalSpy failed(&worker, &cw::TrainingWorker::failed);
        worker.run();
        QCOMPARE(failed.count(), 1);
        QVERIFY(failed.first().at(0).toString().contains("LibTorch"));
    }

    void trainInThreadThenCancel() {
        if (!cw::TrainingWorker::available()) QSKIP("this build has no LibTorch");
        QTemporaryDir dir;
        const std::string data = cw::test::buildTinyEcdDataset(dir.filePath("ecd").toStdString());
        const QString runDir = dir.filePath("runs/tiny");

        auto* worker = new cw::TrainingWorker(cw::test::tinyTrainingConfig(data), runDir, false);
        QThread thread;
        worker->moveToThread(&thread);
        connect(&thread, &QThread::started, worker, &cw::TrainingWorker::run);
        connect(&thread, &QThread::finished, worker, &QObject::deleteLater);
        // Recorded through queued connections, as the panels receive them (QSignalSpy's direct
        // connection would append from the worker thread).
        struct Progress {
            qint64 step, total;
            double loss, lr;
        };
        QList<Progress> progress;
        QList<QPair<QString, qint64>> grids;
        QList<cw::ml::TrainingResult> finished;
        QStringList failed;
        QObject receiver;  // destroyed first: drops any event still queued for the lists
        connect(worker, &cw::TrainingWorker::progress, &receiver,
                [&](qint64 step, qint64 total, double loss, double lr, double) {
                    progress.append({step, total, loss, lr});
                });
        connect(worker, &cw::TrainingWorker::sampleGrid, &receiver,
                [&](const QString& path, qint64 step) {
                    grids.append({path, step});
                });
        connect(worker, &cw::TrainingWorker::finished, &receiver,
                [&](const cw::ml::TrainingResult& r) { finished.append(r); });
        connect(worker, &cw::TrainingWorker::failed, &receiver,
                [&](const QString& message) { failed.append(message); });

        // The event loop's pulse: a worker on the GUI thread would stall it for the whole run.
        QElapsedTimer sinceTick, running;
        qint64 maxGapMs = 0;
        int ticks = 0;
        QTimer pulse;
        pulse.setInterval(10);
        connect(&pulse, &QTimer::timeout, this, [&] {
            if (sinceTick.isValid()) maxGapMs = std::max(maxGapMs, sinceTick.elapsed());
            sinceTick.start();
            ++ticks;
        });
        pulse.start();
        running.start();
        thread.start();
        // A failed check must not leave the thread training behind the test's back.
        const auto stop = qScopeGuard([&] {
            if (!thread.isRunning()) return;
            worker->requestCancel();
            thread.quit();
            thread.wait();
        });

        // Train for a while (long enough that a blocked loop would show) with grids coming.
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty() || (progress.count() >= 3 && !grids.isEmpty() &&
                                                       running.elapsed() > 1500),
                                 180000);
        QVERIFY2(failed.isEmpty(), qPrintable(failed.join('\n')));
        worker->requestCancel();
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty() || !failed.isEmpty(), 120000);
        const qint64 runMs = running.elapsed();
        pulse.stop();
        thread.quit();
        QVERIFY(thread.wait(30000));
        QVERIFY2(failed.isEmpty(), qPrintable(failed.join('\n')));

        qInfo(
            "%lld steps in %lld ms, %lld progress signals, %lld grids, event loop max gap %lld ms",
            static_cast<long long>(finished.isEmpty() ? 0 : finished.first().stepsDone),
            static_cast<long long>(runMs), static_cast<long long>(progress.size()),
            static_cast<long long>(grids.size()), static_cast<long long>(maxGapMs));
        QVERIFY2(maxGapMs < 500, qPrintable(QString("event loop stalled for %1 ms").arg(maxGapMs)));
        QVERIFY(ticks > 20);

        // Progress: steps rise, the total is the config's, at most 20 signals a second plus the
        // final one, and the last signal is the last step done.
        QCOMPARE(finished.size(), 1);
        const cw::ml::TrainingResult result = finished.first();
        QVERIFY(progress.count() >= 3);
        QVERIFY(progress.count() <= runMs / 50 + 2);
        qint64 previous = 0;
        for (const Progress& p : progress) {
            QVERIFY(p.step > previous);
            previous = p.step;
            QCOMPARE(p.total, qint64{1000});
            QVERIFY(std::isfinite(p.loss) && p.loss > 0);
            QVERIFY(p.lr > 0);
        }
        QCOMPARE(progress.last().step, result.stepsDone);

        const QString grid = grids.first().first;
        QVERIFY2(QFileInfo(grid).isFile(), qPrintable(grid));
        QCOMPARE(grids.first().second % 3, qint64{0});

        // Cancelled: stopped early, with a checkpoint to resume from and the status saying so.
        QVERIFY(result.cancelled);
        QVERIFY(!result.finished);
        QVERIFY(result.stepsDone >= 3 && result.stepsDone < 1000);
        QVERIFY(std::filesystem::is_regular_file(result.checkpoint));
        QCOMPARE(result.checkpoint, cw::ml::runLatestCheckpointPath(runDir.toStdString()));
        const cw::ml::RunStatus status = cw::ml::readRunStatus(runDir.toStdString());
        QCOMPARE(status.state, cw::ml::RunState::Cancelled);
        QCOMPARE(status.step, result.stepsDone);
        QCOMPARE(static_cast<qint64>(cw::ml::readMetrics(runDir.toStdString()).size()),
                 result.stepsDone);
    }
};

QTEST_MAIN(TestTrainingWorker)
#include "test_training_worker.moc"
