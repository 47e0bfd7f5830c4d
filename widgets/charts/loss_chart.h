#pragma once
// The Loss panel: training loss of one or more runs (their metrics.csv) against the step, on a
// log-scale y axis, each run in its own colour with the raw curve faint and a TensorBoard-style
// smoothed curve bold; a smoothing slider; export as a figure (PNG, SVG, PDF) or CSV. Changed
// metrics files are re-read on a timer, so a running training plots live.

#include <QDateTime>
#include <QString>
#include <QStringList>
#include <QWidget>
#include <vector>

#include "ml/run_directory.h"

class QChart;
class QChartView;
class QLabel;
class QLineSeries;
class QSlider;
class QTimer;

namespace cw {

class LossChart : public QWidget {
    Q_OBJECT
public:
    explicit LossChart(QWidget* parent = nullptr);

    /// The runs to plot (run directories), overlaid in this order.
    void setRuns(const QStringList& runDirs);
    QStringList runs() const;

    /// Smoothing weight in [0, 0.999] (smoothLoss); the slider follows.
    void setSmoothing(double weight);
    double smoothing() const { return m_weight; }

    /// Re-reads the metrics of runs whose metrics.csv changed (size or time) since last read.
    void refresh();
    /// How often refresh() runs by itself; 0 stops it. Default 2000 ms.
    void setRefreshInterval(int milliseconds);

    /// The plotted curves of a run (null when the run is not shown or has no points). Points
    /// with a loss that is not finite and positive are left out: the y axis is logarithmic.
    const QLineSeries* rawSeries(const QString& runDir) const;
    const QLineSeries* smoothedSeries(const QString& runDir) const;
    /// The last read problem of a run ("" when its metrics read fine).
    QString runError(const QString& runDir) const;
    QChart* chart() const { return m_chart; }

    /// Writes the chart as a figure (.png `pngWidth` wide, .svg, .pdf). Throws ConfigError for
    /// another suffix, IoError.
    void exportFigure(const QString& path, int pngWidth = 1600) const;
    /// Writes run,step,raw,smoothed rows of every shown run (all rows, the smoothing as shown).
    /// Throws IoError.
    void exportCsv(const QString& path) const;
    /// Asks for a file (.png, .svg, .pdf or .csv) and exports.
    void exportDialog();

Q_SIGNALS:
    /// A metrics file could not be read (the run stays listed without new points).
    void loadFailed(const QString& message);

private:
    struct Curve {
        QString runDir;
        QString name;
        std::vector<ml::MetricRow> rows;
        QDateTime modified;
        qint64 size = -1;
        QString error;
        QLineSeries* raw = nullptr;
        QLineSeries* smoothed = nullptr;
    };
    bool reload(Curve& curve);
    void rebuild();
    void fillChart(QChart& chart, std::vector<Curve>* keepSeries) const;
    const Curve* find(const QString& runDir) const;

    std::vector<Curve> m_curves;
    double m_weight = 0.6;
    QChart* m_chart;
    QChartView* m_view;
    QSlider* m_slider;
    QLabel* m_weightLabel;
    QLabel* m_message;
    QTimer* m_timer;
};

}  // namespace cw
