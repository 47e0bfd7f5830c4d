#pragma once
// The parity plot of one target of a property-prediction run: predicted against true values
// of a split as points, with the line y = x on equal axes, and the MAE and R² in the title.
// Export as a figure (PNG, SVG, PDF) or CSV (material_id,true,predicted).

#include <QChartView>
#include <QString>

#include "models/props_run_data.h"

class QLineSeries;
class QScatterSeries;

namespace cw {

class ParityChart : public QChartView {
    Q_OBJECT
public:
    explicit ParityChart(QWidget* parent = nullptr);

    /// The pairs to plot (empty clears); `unit` labels the axes, `notes` ("MAE = 0.12 eV")
    /// join the title.
    void setPairs(const PropsPairs& pairs, const QString& unit = {}, const QStringList& notes = {});
    const PropsPairs& pairs() const { return m_pairs; }
    /// The points (true, predicted), in the pairs' order; null before any pairs.
    const QScatterSeries* pointSeries() const { return m_points; }
    /// The y = x line across the axes' range.
    const QLineSeries* diagonalSeries() const { return m_diagonal; }
    /// The exported figure's title ("band_gap · test · N = 3 · MAE = 0.1 eV"); the docked chart
    /// shows split and N (the panel names the target, the table beside it the metrics).
    QString titleText() const;

    /// Writes the chart (.png `pngWidth` wide, square; .svg; .pdf). Throws ConfigError (suffix),
    /// IoError.
    void exportFigure(const QString& path, int pngWidth = 1200) const;
    /// Writes material_id,true,predicted. Throws IoError.
    void exportCsv(const QString& path) const;
    void exportDialog();

private:
    void fill(QChart& chart, QScatterSeries** points, QLineSeries** diagonal) const;

    PropsPairs m_pairs;
    QString m_unit;
    QStringList m_notes;
    QScatterSeries* m_points = nullptr;
    QLineSeries* m_diagonal = nullptr;
};

}  // namespace cw
