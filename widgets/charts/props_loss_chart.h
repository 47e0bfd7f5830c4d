#pragma once
// Training and validation loss of a property-prediction run against the epoch, from
// RUN/metrics.csv (engine/ml/props/props_run.h), on a log-scale y axis, with the best epoch (lowest
// validation loss) marked. The Properties panel re-reads the file after every epoch, so the
// curves follow a running training. Export as a figure (PNG, SVG, PDF) or CSV.

#include <QChartView>
#include <QString>
#include <vector>

#include "ml/props/props_run.h"

class QLineSeries;
class QScatterSeries;

namespace cw {

class PropsLossChart : public QChartView {
    Q_OBJECT
public:
    explicit PropsLossChart(QWidget* parent = nullptr);

    /// Reads `runDir`/metrics.csv ("" clears). Returns false, keeping no rows, when the file
    /// cannot be read (loadError() says why).
    bool setRun(const QString& runDir);
    /// Re-reads the current run's metrics.csv.
    bool reload();
    QString run() const { return m_runDir; }
    QString loadError() const { return m_error; }

    const std::vector<ml::PropsEpochRow>& rows() const { return m_rows; }
    /// The curves: one point (epoch, loss) per row with a finite positive loss.
    const QLineSeries* trainSeries() const { return m_train; }
    const QLineSeries* validationSeries() const { return m_val; }
    /// The epoch with the lowest validation loss (0 without rows).
    int bestEpoch() const;

    /// Writes the chart (.png `pngWidth` wide, .svg, .pdf). Throws ConfigError (suffix), IoError.
    void exportFigure(const QString& path, int pngWidth = 1600) const;
    /// Writes epoch,train_loss,val_loss,lr (the rows of metrics.csv). Throws IoError.
    void exportCsv(const QString& path) const;
    void exportDialog();

private:
    void rebuild();
    void fill(QChart& chart, QLineSeries** train, QLineSeries** val) const;
    const ml::PropsEpochRow* row(int epoch) const;

    QString m_runDir;
    QString m_error;
    std::vector<ml::PropsEpochRow> m_rows;
    QLineSeries* m_train = nullptr;
    QLineSeries* m_val = nullptr;
};

}  // namespace cw
