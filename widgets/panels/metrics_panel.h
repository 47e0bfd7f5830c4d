#pragma once
// The Metrics panel, two tabs: the evaluation of generated slices (atoms-per-slice histograms
// of training and generated images overlaid, beside a summary with the KS statistic and
// p-value, W1, FID and KID with their extractor and image counts, the mean counts and the
// nearest-neighbour distances), and FID, KID and KS D over the training steps of the selected
// run (its eval.csv). Each chart exports as PNG, SVG, PDF or CSV. It only shows: the evaluation
// is run by a controller.

#include <QString>
#include <QWidget>

#include "jobs/evaluation_data.h"

class QLabel;
class QPushButton;
class QTabWidget;

namespace cw {

class CountHistogramChart;
class EvalStepsChart;

class MetricsPanel : public QWidget {
    Q_OBJECT
public:
    explicit MetricsPanel(QWidget* parent = nullptr);

    /// Shows an evaluation (null clears).
    void setEvaluation(EvaluationDataPtr data);
    EvaluationDataPtr evaluation() const { return m_data; }
    /// The run whose eval.csv is plotted over steps ("" clears).
    void setRun(const QString& runDir);

    /// The summary as plain text, one line per figure ("KS D = 0.125, p = 0.0031 (exact)").
    QString summaryText() const;
    CountHistogramChart* histogramChart() const { return m_histogram; }
    EvalStepsChart* stepsChart() const { return m_steps; }
    QPushButton* evaluateButton() const { return m_evaluate; }
    /// Tab 0: histograms and summary; tab 1: the chart over steps.
    QTabWidget* tabs() const { return m_tabs; }

Q_SIGNALS:
    /// The Evaluate… button.
    void evaluateRequested();
    /// eval.csv of the selected run could not be read.
    void loadFailed(const QString& message);

private:
    void showSummary();

    EvaluationDataPtr m_data;
    QStringList m_lines;
    CountHistogramChart* m_histogram;
    EvalStepsChart* m_steps;
    QLabel* m_summary;
    QLabel* m_sources;
    QPushButton* m_evaluate;
    QTabWidget* m_tabs;
};

/// The summary lines of an evaluation (MetricsPanel::summaryText, the report's numbers).
QStringList evaluationSummaryLines(const EvaluationData& data);

}  // namespace cw
