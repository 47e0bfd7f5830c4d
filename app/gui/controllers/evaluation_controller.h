#pragma once
// Evaluation from the window: runs the Evaluate… dialog (defaults: the selected run's data set
// and newest samples), evaluates in a worker thread (EvaluationWorker, one job at a time), and
// shows the result in the Metrics and Gallery panels. The Metrics panel's chart over steps
// follows the Runs panel's current run. On close a running evaluation is cancelled and waited
// for.

#include <QObject>
#include <QString>

#include "jobs/evaluation_data.h"
#include "jobs/job_runner.h"

class QWidget;

namespace cw {

class EvaluationWorker;
class GalleryPanel;
class MetricsPanel;
class RunsPanel;

class EvaluationController : public QObject {
    Q_OBJECT
public:
    EvaluationController(RunsPanel* runs, MetricsPanel* metrics, GalleryPanel* gallery,
                         QWidget* dialogParent, QObject* parent = nullptr);
    ~EvaluationController() override;

    /// Starts evaluating unless an evaluation is running; false then.
    bool startEvaluation(const EvaluationRequest& request);
    bool busy() const { return m_runner.busy(); }
    /// Whether a failure also shows a dialog (on by default; off for batch runs).
    void setErrorDialogs(bool on) { m_errorDialogs = on; }
    /// Cancels a running evaluation and waits for its thread.
    void shutdown();

    /// The Evaluate… dialog's defaults for a run: its data set and its newest samples.
    QString defaultRealPath() const;
    QString defaultGeneratedPath() const;

public Q_SLOTS:
    /// Asks what to evaluate (EvaluateDialog) and starts.
    void evaluate();
    /// Stops the running evaluation (its thread ends soon after).
    void cancel();

Q_SIGNALS:
    /// "Counting atoms 120 / 2000"; total 0 = unknown.
    void progressChanged(const QString& text, qint64 done, qint64 total);
    /// The panels show a new evaluation.
    void evaluationShown(std::shared_ptr<const cw::EvaluationData> data);
    void infoReported(const QString& message);
    void warningReported(const QString& message);  ///< files skipped while reading
    void errorReported(const QString& message);
    /// A job ended (finished, cancelled or failed).
    void jobEnded();

private:
    void finished(const std::shared_ptr<const EvaluationData>& data);
    void failed(const QString& message);
    void endJob();

    RunsPanel* m_runs;
    MetricsPanel* m_metrics;
    GalleryPanel* m_gallery;
    QWidget* m_dialogParent;
    JobRunner m_runner{"evaluation"};
    bool m_errorDialogs = true;
};

}  // namespace cw
