// EvaluationWorker (widgets/jobs/evaluation_worker.h) in a QThread on tiny real ECD data sets:
// a set against itself (KS D = 0, each generated slice's nearest training slice at distance 0)
// and against a thinned copy (fewer atoms: D > 0), progress from the worker thread ending at
// each stage's total, cancel, and a missing folder reported through failed(); the Evaluate…
// dialog's default samples of a run.
#include <QDir>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>
#include <memory>

#include "core/atomic_file.h"
#include "dialogs/evaluate_dialog.h"
#include "jobs/evaluation_worker.h"
#include "tiny_evaluation.h"

using cw::EvaluationDataPtr;

namespace {

struct Outcome {
    EvaluationDataPtr data;
    QString error;
    bool cancelled = false;
    QStringList stages;                 // in the order reported
    QList<qint64> lastDone, lastTotal;  // per stage, the last event
    bool offGuiThread = true;
};

Outcome runInThread(const cw::EvaluationRequest& request, bool cancelFirst = false) {
    Outcome out;
    QThread thread;
    auto* worker = new cw::EvaluationWorker(request);
    worker->moveToThread(&thread);
    QObject::connect(&thread, &QThread::started, worker, &cw::EvaluationWorker::run);
    QObject* gui = QThread::currentThread();
    // Direct connections run in the emitting (worker) thread: they tell where run() runs.
    QObject::connect(
        worker, &cw::EvaluationWorker::progress, worker,
        [&out, gui](const QString& stage, qint64 done, qint64 total) {
            if (QThread::currentThread() == gui) out.offGuiThread = false;
            if (out.stages.isEmpty() || out.stages.last() != stage) {
                out.stages << stage;
                out.lastDone << done;
                out.lastTotal << total;
            } else {
                out.lastDone.last() = done;
                out.lastTotal.last() = total;
            }
        },
        Qt::DirectConnection);
    QSignalSpy finished(worker, &cw::EvaluationWorker::finished);
    QSignalSpy failed(worker, &cw::EvaluationWorker::failed);
    QSignalSpy cancelled(worker, &cw::EvaluationWorker::cancelled);
    if (cancelFirst) worker->requestCancel();
    thread.start();
    const bool ended = QTest::qWaitFor(
        [&] { return finished.count() + failed.count() + cancelled.count() > 0; }, 300000);
    thread.quit();
    thread.wait();
    delete worker;
    if (!ended) {
        out.error = "timed out";
        return out;
    }
    if (finished.count() == 1) out.data = finished.first().first().value<EvaluationDataPtr>();
    if (failed.count() == 1) out.error = failed.first().first().toString();
    out.cancelled = cancelled.count() == 1;
    return out;
}

}  // namespace

class TestEvaluationWorker : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_data = m_dir.filePath("tiny").toStdString();
        cw::test::ensureTinyEcd(m_data);
        m_thinned = m_dir.filePath("thinned.npy").toStdString();
        m_thinnedCount = cw::test::writeThinnedStack(m_data, m_thinned);
        QVERIFY(m_thinnedCount >= 20);
    }

    void selfEvaluation() {
        const Outcome out = runInThread(cw::test::tinyRequest(m_data, m_data));
        QVERIFY2(out.data, qPrintable(out.error));
        QVERIFY(out.offGuiThread);
        const cw::EvaluationResult& r = out.data->result;
        QCOMPARE(r.realCount, m_thinnedCount);
        QCOMPARE(r.generatedCount, m_thinnedCount);
        QCOMPARE(out.data->real->count(), m_thinnedCount);
        QCOMPARE(out.data->generated->count(), m_thinnedCount);
        QCOMPARE(r.realAtomCounts, r.generatedAtomCounts);
        QVERIFY(r.ks.has_value());
        QCOMPARE(r.ks->statistic, 0.0);
        QCOMPARE(r.ks->pvalue, 1.0);
        QVERIFY(r.wasserstein.has_value());
        QCOMPARE(*r.wasserstein, 0.0);
        QVERIFY(r.frechet.has_value());
        QVERIFY(QString::fromStdString(r.frechet->extractor).startsWith("spectral"));
        QCOMPARE(r.frechet->realCount, m_thinnedCount);
        // Identical features: 0 up to the rounding of a rank-deficient covariance's sqrtm.
        QVERIFY2(std::abs(r.frechet->fid) < 1e-3, qPrintable(QString::number(r.frechet->fid)));
        QCOMPARE(r.pixelNeighbours.size(), m_thinnedCount);
        for (const cw::NearestNeighbour& n : r.pixelNeighbours) QVERIFY(n.distance < 1e-6);
        // The slicer's σ = 0.25 Å over a 40 Å window at 32 px.
        QVERIFY(std::abs(out.data->request.evaluation.counting.blobSigma - 0.25 / 40 * 32) < 1e-12);
        // 0.2 px: too narrow to count atoms, and the evaluation says so.
        QVERIFY2(out.data->countingWarning.startsWith("atoms are 0.20 px wide"), qPrintable(out.data->countingWarning));

        // Every stage ends at its total: a progress bar ends full.
        QVERIFY2(out.stages.contains("read") && out.stages.contains("count") &&
                     out.stages.contains("neighbours"),
                 qPrintable(out.stages.join(',')));
        for (int i = 0; i < out.stages.size(); ++i)
            if (out.lastTotal[i] > 0)
                QVERIFY2(out.lastDone[i] == out.lastTotal[i], qPrintable(out.stages[i]));
    }

    void thinnedCopyDiffers() {
        const Outcome out = runInThread(cw::test::tinyRequest(m_data, m_thinned));
        QVERIFY2(out.data, qPrintable(out.error));
        const cw::EvaluationResult& r = out.data->result;
        QCOMPARE(r.generatedCount, m_thinnedCount);
        double real = 0, generated = 0;
        for (double c : r.realAtomCounts) real += c;
        for (double c : r.generatedAtomCounts) generated += c;
        QVERIFY2(generated < real, qPrintable(QString("%1 vs %2").arg(generated).arg(real)));
        QVERIFY(r.ks->statistic > 0.0);
        QVERIFY(*r.wasserstein > 0.0);
        double farthest = 0;
        for (const cw::NearestNeighbour& n : r.pixelNeighbours)
            farthest = std::max(farthest, n.distance);
        QVERIFY(farthest > 0.0);
    }

    void cancelStops() {
        const Outcome out = runInThread(cw::test::tinyRequest(m_data, m_data), true);
        QVERIFY(out.cancelled);
        QVERIFY(!out.data);
        QVERIFY(out.error.isEmpty());
    }

    void missingFolderFails() {
        const std::string missing = m_dir.filePath("no-such-samples").toStdString();
        const Outcome out = runInThread(cw::test::tinyRequest(m_data, missing));
        QVERIFY(!out.data);
        QVERIFY2(out.error.contains("no-such-samples"), qPrintable(out.error));
    }

    void latestRunSamplesOfARun() {
        const QDir run(m_dir.filePath("run"));
        QVERIFY(run.mkpath("."));
        QCOMPARE(cw::latestRunSamples(run.path()), QString());
        // Training's sample grids: the newest step's stack.
        QVERIFY(run.mkpath("samples"));
        for (const char* name : {"samples/step-00000200.npy", "samples/step-00001000.npy",
                                 "samples/step-00001000.png"})
            cw::writeFileAtomically(run.filePath(name).toStdString(), "x");
        QCOMPARE(cw::latestRunSamples(run.path()),
                 run.absoluteFilePath("samples/step-00001000.npy"));
        // A Sample… job's folders (named by time) come first; an empty one is passed over.
        for (const char* name : {"generated/20240101-120000", "generated/20250101-120000",
                                 "generated/20260101-120000"})
            QVERIFY(run.mkpath(name));
        cw::writeFileAtomically(run.filePath("generated/20240101-120000/samples.npy").toStdString(),
                                "x");
        cw::writeFileAtomically(
            run.filePath("generated/20250101-120000/sample-00000.png").toStdString(), "x");
        QCOMPARE(cw::latestRunSamples(run.path()),
                 run.absoluteFilePath("generated/20250101-120000"));
    }

    void dialogBuildsTheRequest() {
        cw::EvaluateDialog dialog(QString::fromStdString(m_data),
                                  QString::fromStdString(m_thinned));
        const cw::EvaluationRequest request = dialog.request();
        QCOMPARE(request.realPath, QString::fromStdString(m_data));
        QCOMPARE(request.generatedPath, QString::fromStdString(m_thinned));
        QCOMPARE(request.realImages.split, std::string("train"));
        QCOMPARE(request.realImages.maxImages, std::size_t{2000});
        QCOMPARE(request.generatedImages.maxImages, std::size_t{0});
        QVERIFY(request.spectralFeatures);
        // The request runs as given: the train split of the data set against the stack.
        const cw::EvaluationDataPtr data = cw::runEvaluation(request, nullptr, {});
        QVERIFY(data);
        QVERIFY(data->result.realCount < m_thinnedCount);  // train only
        QCOMPARE(data->result.generatedCount, m_thinnedCount);
    }

private:
    QTemporaryDir m_dir;
    std::string m_data, m_thinned;
    std::size_t m_thinnedCount = 0;
};

QTEST_MAIN(TestEvaluationWorker)
#include "test_evaluation_worker.moc"
