#pragma once
// FID, KID and the KS statistic of a run's samples over training steps, from RUN/eval.csv
// (engine/ml/diffusion/eval_log.h, appended by the trainer at each sample grid): FID on the left
// axis, KS D and KID on the right. The file is re-read on a timer when it changes (size or time),
// as the Loss panel follows metrics.csv. Export as a figure (PNG, SVG, PDF) or CSV.

#include <QDateTime>
#include <QString>
#include <QWidget>
#include <vector>

#include "ml/diffusion/eval_log.h"

class QChart;
class QChartView;
class QLabel;
class QLineSeries;
class QTimer;

namespace cw {

class EvalStepsChart : public QWidget {
    Q_OBJECT
public:
    enum Metric { Fid = 0, Kid = 1, KsStatistic = 2 };

    explicit EvalStepsChart(QWidget* parent = nullptr);

    /// The run whose eval.csv is plotted ("" clears).
    void setRun(const QString& runDir);
    QString run() const { return m_runDir; }
    /// Re-reads eval.csv when its size or time changed since the last read.
    void refresh();
    /// How often refresh() runs by itself; 0 stops it. Default 2000 ms.
    void setRefreshInterval(int milliseconds);

    const std::vector<ml::EvalLogRow>& rows() const { return m_rows; }
    /// The plotted points of a metric: (step, value) of the rows that have it.
    const QLineSeries* series(Metric metric) const { return m_series[metric]; }
    /// Problems of the last read (malformed lines, an unreadable file); "" when none.
    QString loadError() const { return m_error; }
    QChart* chart() const { return m_chart; }

    /// Writes the chart (.png `pngWidth` wide, .svg, .pdf). Throws ConfigError (suffix), IoError.
    void exportFigure(const QString& path, int pngWidth = 1600) const;
    /// Writes step,real_count,generated_count,mean_atoms_real,mean_atoms_generated,
    /// ks_statistic,ks_pvalue,wasserstein,fid,kid,extractor (empty cells = not computed).
    /// Throws IoError.
    void exportCsv(const QString& path) const;
    void exportDialog();

Q_SIGNALS:
    /// eval.csv could not be read, or has malformed lines (reported once per distinct message).
    void loadFailed(const QString& message);

private:
    bool reload();
    void rebuild();
    void fillChart(QChart& chart, QLineSeries** keep) const;

    QString m_runDir;
    std::vector<ml::EvalLogRow> m_rows;
    QDateTime m_modified;
    qint64 m_size = -2;
    QString m_error;
    QChart* m_chart;
    QChartView* m_view;
    QLabel* m_caption;
    QTimer* m_timer;
    QLineSeries* m_series[3] = {nullptr, nullptr, nullptr};
};

}  // namespace cw
