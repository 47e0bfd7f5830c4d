#pragma once
// Property prediction off the GUI thread (issue 8): a Job (JobRunner runs it) that runs either
// cw::ml::trainProps on a copy of its config, or cw::ml::predictProps on a copy of its inputs.
// Epoch reports are forwarded one by one (the loss curves need every epoch); batch reports are
// throttled to at most 20 signals a second, the last one always delivered. Cancel is
// thread-safe: the engine drops the unfinished epoch and leaves a resumable run. Without
// LibTorch (the no-torch build) it fails at once. Emits exactly one of trainingFinished(),
// predicted() and failed().

#include <QString>
#include <QStringList>
#include <vector>

#include "jobs/job.h"
#include "ml/props/props_config.h"
#include "ml/props/props_model.h"

namespace cw {

class PropsWorker : public Job {
    Q_OBJECT
public:
    enum class Kind { Train, Predict };

    /// A training job into `runDir` (trainProps' contract for `resume`).
    PropsWorker(ml::PropsConfig config, QString runDir, bool resume, QObject* parent = nullptr);
    /// A prediction job: the weights of `runDirs` applied to structure files or data-set
    /// folders. Several runs (an ensemble's members) predict their mean; spreads() then holds
    /// the standard deviation of their values.
    PropsWorker(QStringList runDirs, QStringList inputs, ml::PropsPredictOptions options,
                QObject* parent = nullptr);

    Kind kind() const { return m_kind; }
    QString runDirectory() const { return m_runDir; }

    /// True when this build can train and predict (it links LibTorch).
    static bool available();

Q_SIGNALS:
    /// After each epoch (1-based), losses as masked MSE in transformed units.
    void epochFinished(int epoch, int epochs, double trainLoss, double valLoss,
                       double learningRate);
    /// Within an epoch: batches done of `batches`, the last batch's loss (throttled).
    void batchProgress(qint64 batch, qint64 batches, double loss);
    void log(const QString& line);
    void trainingFinished(const cw::ml::PropsTrainingResult& result);
    /// Per input item, the values (the members' mean for several runs) and, per target, the
    /// members' spread (0 for one run).
    void predicted(const std::vector<cw::ml::PropsPrediction>& predictions,
                   const std::vector<std::vector<double>>& spreads);

private:
    void execute() override;
    void train();
    void predict();

    Kind m_kind;
    ml::PropsConfig m_config;
    QString m_runDir;
    bool m_resume = false;
    QStringList m_predictRuns;
    QStringList m_inputs;
    ml::PropsPredictOptions m_options;
};

}  // namespace cw

Q_DECLARE_METATYPE(cw::ml::PropsTrainingResult)
Q_DECLARE_METATYPE(std::vector<cw::ml::PropsPrediction>)
Q_DECLARE_METATYPE(std::vector<std::vector<double>>)
