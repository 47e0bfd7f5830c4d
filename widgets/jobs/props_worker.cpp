#include "jobs/props_worker.h"

#include <exception>
#include <functional>

#include "jobs/throttled_progress.h"
#include "ml/props_ensemble.h"

namespace cw {

namespace {

const char* const kNoTorch =
    "This build of Crystal Workbench has no LibTorch: it cannot train or predict properties.";

#ifdef CW_WITH_TORCH
double scalar(const ProgressEvent& event, const char* name) {
    const auto it = event.scalars.find(name);
    return it == event.scalars.end() ? 0.0 : it->second;
}

// Epoch events pass straight on (one per epoch, each a point of the curves); batch events go
// through the throttle.
class PropsProgressSink final : public ProgressSink {
public:
    PropsProgressSink(std::function<void(const ProgressEvent&)> epoch,
                      std::function<void(const ProgressEvent&)> batch)
        : m_epoch(std::move(epoch)), m_batches(std::move(batch)) {}
    void report(const ProgressEvent& event) override {
        if (event.stage == "props")
            m_epoch(event);
        else if (event.stage == "props_batch")
            m_batches.report(event);
    }
    void flush() { m_batches.flush(); }

private:
    std::function<void(const ProgressEvent&)> m_epoch;
    ThrottledProgressSink m_batches;
};
#endif

}  // namespace

PropsWorker::PropsWorker(ml::PropsConfig config, QString runDir, bool resume, QObject* parent)
    : QObject(parent),
      m_kind(Kind::Train),
      m_config(std::move(config)),
      m_runDir(std::move(runDir)),
      m_resume(resume) {
    qRegisterMetaType<cw::ml::PropsTrainingResult>();
    qRegisterMetaType<std::vector<cw::ml::PropsPrediction>>();
}

PropsWorker::PropsWorker(QStringList runDirs, QStringList inputs, ml::PropsPredictOptions options,
                         QObject* parent)
    : QObject(parent),
      m_kind(Kind::Predict),
      m_runDir(runDirs.value(0)),
      m_predictRuns(std::move(runDirs)),
      m_inputs(std::move(inputs)),
      m_options(std::move(options)) {
    qRegisterMetaType<cw::ml::PropsTrainingResult>();
    qRegisterMetaType<std::vector<cw::ml::PropsPrediction>>();
    qRegisterMetaType<std::vector<std::vector<double>>>();
}

bool PropsWorker::available() {
#ifdef CW_WITH_TORCH
    return true;
#else
    return false;
#endif
}

void PropsWorker::run() {
#ifdef CW_WITH_TORCH
    try {
        if (m_kind == Kind::Train)
            train();
        else
            predict();
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
    } catch (...) {
        Q_EMIT failed("property prediction stopped with an unknown error");
    }
#else
    Q_EMIT failed(kNoTorch);
#endif
}

void PropsWorker::train() {
#ifdef CW_WITH_TORCH
    PropsProgressSink sink(
        [this](const ProgressEvent& e) {
            Q_EMIT epochFinished(static_cast<int>(e.step), static_cast<int>(e.total),
                                 scalar(e, "train_loss"), scalar(e, "val_loss"), scalar(e, "lr"));
        },
        [this](const ProgressEvent& e) {
            Q_EMIT batchProgress(e.step, e.total, scalar(e, "loss"));
        });
    const auto logLine = [this](const std::string& line) {
        Q_EMIT log(QString::fromStdString(line));
    };
    ml::PropsTrainingResult result;
    try {
        result =
            ml::trainProps(m_config, m_runDir.toStdString(), m_resume, m_cancel, sink, logLine);
    } catch (...) {
        sink.flush();
        throw;
    }
    sink.flush();
    Q_EMIT trainingFinished(result);
#endif
}

void PropsWorker::predict() {
#ifdef CW_WITH_TORCH
    std::vector<std::string> inputs, runs;
    for (const QString& input : m_inputs) inputs.push_back(input.toStdString());
    for (const QString& run : m_predictRuns) runs.push_back(run.toStdString());
    std::vector<std::vector<ml::PropsPrediction>> byMember;
    for (const std::string& run : runs) byMember.push_back(ml::predictProps(run, inputs, m_options));
    std::vector<ml::PropsPrediction> means;
    std::vector<std::vector<double>> spreads;
    for (ml::EnsemblePrediction& e : ml::averagePropsPredictions(byMember, runs)) {
        means.push_back(std::move(e.mean));
        spreads.push_back(std::move(e.spread));
    }
    Q_EMIT predicted(means, spreads);
#endif
}

}  // namespace cw
