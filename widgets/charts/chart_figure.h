#pragma once
// Shared plumbing of the charts (loss, evaluation, properties): clearing a QChart, writing a
// chart built afresh at a fixed logical size as a figure (the docked chart may be small or
// hidden), the Export… dialog (PNG, SVG, PDF or CSV) with its error message, and the log axis
// of the loss curves.

#include <QSizeF>
#include <QString>
#include <functional>

class QChart;
class QLogValueAxis;
class QWidget;

namespace cw {

/// Removes and deletes every series and axis of `chart`.
void clearChart(QChart& chart);

/// Builds a chart with `fill`, titles it, and writes it (.png `pngWidth` wide, height by the
/// aspect of `size`; .svg; .pdf). Throws ConfigError (suffix), IoError.
void writeChartFigure(const QString& path, const QString& title,
                      const std::function<void(QChart&)>& fill, int pngWidth,
                      QSizeF size = QSizeF(800, 500));

/// Fits a loss axis to [minLoss, maxLoss] (maxLoss ≤ 0: no data, 0.01…1): ends on powers of
/// the base, base 2 for a range within about a decade so that it still has labels, else 10.
void fitLogLossAxis(QLogValueAxis& axis, double minLoss, double maxLoss);

/// Asks for a file named like `suggestedName` and writes it: `csv` for .csv, `figure`
/// otherwise. Errors become a warning box.
void chartExportDialog(QWidget* parent, const QString& caption, const QString& suggestedName,
                       const std::function<void(const QString&)>& figure,
                       const std::function<void(const QString&)>& csv);

}  // namespace cw
