#pragma once
// The Properties panel (issue 8): trains a CNN regressor on a CrysTens data set in a worker
// thread (PropsWorker) with live training and validation curves, then shows a finished run's
// metrics table, parity plot and error histogram per target, and predicts the properties of
// the crystal open in the viewer. An existing run folder opens the same way, also in builds
// without LibTorch, where Train and Predict are disabled with a tooltip saying why. One job at a
// time; shutdown() cancels and waits for it.

#include <QString>
#include <QTemporaryDir>
#include <QWidget>
#include <memory>
#include <optional>

#include "crystal/structure.h"
#include "ml/props/props_model.h"
#include "models/props_run_data.h"

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTabWidget;

namespace cw {

class ErrorHistogramChart;
class ParityChart;
class PropsLossChart;
class PropsMetricsTable;
class PropsPredictionView;
class PropsTargetSummary;
class PropsTrainForm;
class JobRunner;
class PropsWorker;

class PropertiesPanel : public QWidget {
    Q_OBJECT
public:
    enum Tab { TrainTab, LossTab, ParityTab, ErrorsTab, MetricsTab, CrystalTab };

    explicit PropertiesPanel(QWidget* parent = nullptr);
    ~PropertiesPanel() override;

    /// Trains the form's config into its run folder. False (the problem shown and reported)
    /// when a job is running, LibTorch is missing or the form is incomplete.
    bool startTraining();
    /// Asks the running training to stop after the current batch.
    void cancel();
    bool busy() const;
    /// Cancels a running job and waits for its thread.
    void shutdown();

    /// Shows a run folder: its curves, and its metrics and figures once it has finished.
    /// False (the problem reported) for a folder that is not a property run.
    bool openRun(const QString& runDir);
    QString run() const { return m_data.runDir; }
    const PropsRunData& runData() const { return m_data; }

    /// The target whose parity plot and error histogram show.
    void setTarget(const QString& target);
    QString target() const;

    /// The crystal the Predict button predicts for.
    void setStructure(const Structure& structure, const QString& source);
    /// Predicts the open crystal's properties with the shown run. False when that cannot start.
    bool predictOpenCrystal();
    const std::vector<ml::PropsPrediction>& lastPredictions() const { return m_predictions; }
    /// Per item of lastPredictions(), per target: an ensemble's spread (0 for a single run).
    const std::vector<std::vector<double>>& lastSpreads() const { return m_spreads; }

    /// The line under the buttons ("epoch 3 / 20 · …", "Finished: …").
    QString statusText() const;
    /// UI state in QSettings: the form's data set and the run shown.
    void saveSettings() const;
    void restoreSettings();

    PropsTrainForm* form() const { return m_form; }
    PropsLossChart* lossChart() const { return m_loss; }
    PropsMetricsTable* metricsTable() const { return m_metrics; }
    ParityChart* parityChart() const { return m_parity; }
    ErrorHistogramChart* errorChart() const { return m_errors; }
    PropsTargetSummary* targetSummary() const { return m_summary; }
    PropsPredictionView* predictionView() const { return m_prediction; }
    QTabWidget* tabs() const { return m_tabs; }
    QPushButton* trainButton() const { return m_train; }
    QPushButton* cancelButton() const { return m_cancel; }
    QProgressBar* progressBar() const { return m_progress; }

public Q_SLOTS:
    void chooseRun();
    void exportReportDialog();
    void exportCurrentDialog();

Q_SIGNALS:
    void infoReported(const QString& message);
    void errorReported(const QString& message);
    /// After each epoch of a training (its curves are re-read first).
    void trainingProgress(int epoch, int epochs);
    /// A training ended: finished, stopped early or cancelled (not failed).
    void trainingEnded(const cw::ml::PropsTrainingResult& result);
    /// A job ended, whatever its outcome.
    void jobEnded();

private:
    void runJob(PropsWorker* worker);
    void endJob();
    void showEpoch(int epoch, int epochs, double trainLoss, double valLoss);
    void trainingFinished(const ml::PropsTrainingResult& result);
    void jobFailed(const QString& message);
    void showFigures();
    void updateActions();
    /// The runs whose weights predict: the shown run, or an ensemble's members.
    QStringList predictingRuns() const;
    void setStatus(const QString& text, bool error = false);

    PropsTrainForm* m_form;
    QPushButton* m_train;
    QPushButton* m_cancel;
    QProgressBar* m_progress;
    QLabel* m_status;
    QLabel* m_runLabel;
    QTabWidget* m_tabs;
    QComboBox* m_targetBox;
    PropsLossChart* m_loss;
    PropsMetricsTable* m_metrics;
    ParityChart* m_parity;
    ErrorHistogramChart* m_errors;
    PropsTargetSummary* m_summary;
    QLabel* m_unitLabel;
    PropsPredictionView* m_prediction;

    PropsRunData m_data;
    std::optional<Structure> m_structure;
    QString m_structureName;
    std::vector<ml::PropsPrediction> m_predictions;
    std::vector<std::vector<double>> m_spreads;
    std::unique_ptr<QTemporaryDir> m_scratch;  // the open crystal, written for the engine

    JobRunner* m_job;
    bool m_jobTrains = false;  // the running job trains (else it predicts)
    QString m_jobRun;
    int m_epoch = 0, m_epochs = 0;
};

}  // namespace cw
