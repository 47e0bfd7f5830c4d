#include "jobs/props_worker.h"

#include <functional>

#include "core/error.h"
#include "ml/props/props_ensemble.h"

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
// through the job's throttle.
class PropsProgressSink final : public ProgressSink {
public:
    PropsProgressSink(std::function<void(const ProgressEvent&)> epoch, ProgressSink& batches)
        : m_epoch(std::move(epoch)), m_batches(batches) {}
    void report(const ProgressEvent& event) override {
        if (event.stage == "props")
            m_epoch(event);
        else if (event.stage == "props_batch")
            m_batches.report(event);
    }

private:
    std::function<void(const ProgressEvent&)> m_epoch;
    ProgressSink& m_batches;
};
#endif

}  // namespace

PropsWorker::PropsWorker(ml::PropsConfig config, QString runDir, bool resume, QObject* parent)
    : Job(Pause::Unsupported, parent),
      m_kind(Kind::Train),
      m_config(std::move(config)),
      m_runDir(std::move(runDir)),
      m_resume(resume) {
    qRegisterMetaType<cw::ml::PropsTrainingResult>();
    qRegisterMetaType<std::vector<cw::ml::PropsPrediction>>();
}

PropsWorker::PropsWorker(QStringList runDirs, QStringList inputs, ml::PropsPredictOptions options,
                         QObject* parent)
    : Job(Pause::Unsupported, parent),
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

void PropsWorker::execute() {
#ifdef CW_WITH_TORCH
    if (m_kind == Kind::Train)
        train();
    else
        predict();
#else
    throw Error(kNoTorch);
#endif
}

void PropsWorker::train() {
#ifdef CW_WITH_TORCH
    PropsProgressSink sink(
        [this](const ProgressEvent& e) {
            Q_EMIT epochFinished(static_cast<int>(e.step), static_cast<int>(e.total),
                                 scalar(e, "train_loss"), scalar(e, "val_loss"), scalar(e, "lr"));
        },
        throttledProgress([this](const ProgressEvent& e) {
            Q_EMIT batchProgress(e.step, e.total, scalar(e, "loss"));
        }));
    const auto logLine = [this](const std::string& line) {
        Q_EMIT log(QString::fromStdString(line));
    };
    const ml::PropsTrainingResult result =
        ml::trainProps(m_config, m_runDir.toStdString(), m_resume, cancelToken(), sink, logLine);
    flushProgress();
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
