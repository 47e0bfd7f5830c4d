#pragma once
// The histogram of prediction errors (predicted − true) of one target on one split, binned as
// `cwb props report` bins them: √N + 1 equal bins (5 to 50) from the least to the greatest
// error. Drawn as a step area; export as a figure (PNG, SVG, PDF) or CSV (bin edges, count).

#include <QChartView>
#include <QString>
#include <vector>

#include "models/props_run_data.h"

class QAreaSeries;

namespace cw {

/// Equal-width bins of `errors`: edges (bins + 1) and counts (bins). Empty for no errors.
struct ErrorHistogram {
    std::vector<double> edges;
    std::vector<std::size_t> counts;
};
ErrorHistogram errorHistogram(const std::vector<double>& errors);

class ErrorHistogramChart : public QChartView {
    Q_OBJECT
public:
    explicit ErrorHistogramChart(QWidget* parent = nullptr);

    /// The pairs whose errors to plot (empty clears); `unit` labels the x axis, `notes` join
    /// the title.
    void setPairs(const PropsPairs& pairs, const QString& unit = {}, const QStringList& notes = {});
    const ErrorHistogram& histogram() const { return m_histogram; }
    /// The plotted area (null without errors); its upper series traces the steps.
    const QAreaSeries* areaSeries() const { return m_area; }
    QString titleText() const;

    /// Writes the chart (.png `pngWidth` wide, .svg, .pdf). Throws ConfigError (suffix), IoError.
    void exportFigure(const QString& path, int pngWidth = 1600) const;
    /// Writes error_from,error_to,materials, one row per bin. Throws IoError.
    void exportCsv(const QString& path) const;
    void exportDialog();

private:
    void fill(QChart& chart, QAreaSeries** area) const;

    std::string m_target, m_split;
    ErrorHistogram m_histogram;
    QString m_unit;
    QStringList m_notes;
    QAreaSeries* m_area = nullptr;
};

}  // namespace cw
