#include "charts/chart_figure.h"

#include <QAbstractAxis>
#include <QChart>
#include <QGraphicsScene>
#include <QLogValueAxis>
#include <QMessageBox>
#include <QPainter>
#include <cmath>

#include "core/error.h"
#include "figures/figure_path.h"
#include "figures/figure_writer.h"

namespace cw {

void clearChart(QChart& chart) {
    chart.removeAllSeries();
    for (QAbstractAxis* axis : chart.axes()) {
        chart.removeAxis(axis);
        delete axis;
    }
}

void fitLogLossAxis(QLogValueAxis& axis, double minLoss, double maxLoss) {
    if (maxLoss <= 0) {
        minLoss = 0.01;
        maxLoss = 1.0;
    }
    // QLogValueAxis labels powers of its base only: a loss within about a decade would get one
    // or two labels in base 10, so narrow ranges use base 2 (…, 0.25, 0.5, 1). The range ends on
    // powers of the base, widened a hair so that rounding does not drop the end labels.
    const double base = std::log10(maxLoss / minLoss) < 1.2 ? 2.0 : 10.0;
    const double low = std::pow(base, std::floor(std::log(minLoss) / std::log(base) + 1e-9));
    const double high = std::pow(base, std::ceil(std::log(maxLoss) / std::log(base) - 1e-9));
    axis.setBase(base);
    axis.setMinorTickCount(base == 10.0 ? 8 : 1);
    axis.setRange(low * (1 - 1e-6), high * (1 + 1e-6));
}

void writeChartFigure(const QString& path, const QString& title,
                      const std::function<void(QChart&)>& fill, int pngWidth, QSizeF size) {
    QGraphicsScene scene;
    auto* chart = new QChart;  // owned by the scene
    scene.addItem(chart);
    chart->setBackgroundRoundness(0);
    chart->legend()->setAlignment(Qt::AlignTop);
    fill(*chart);
    chart->setTitle(title);
    chart->setGeometry(QRectF(QPointF(0, 0), size));
    writeFigure(path, size, pngWidth, [&](QPainter& painter, const QRectF& target) {
        scene.render(&painter, target, QRectF(QPointF(0, 0), size));
    });
}

void chartExportDialog(QWidget* parent, const QString& caption, const QString& suggestedName,
                       const std::function<void(const QString&)>& figure,
                       const std::function<void(const QString&)>& csv) {
    const QString path =
        chooseSavePath(parent, caption, suggestedName, figureFileFilter() + ";;CSV table (*.csv)");
    if (path.isEmpty()) return;
    try {
        if (path.endsWith(".csv", Qt::CaseInsensitive))
            csv(path);
        else
            figure(path);
    } catch (const Error& e) {
        QMessageBox::warning(parent, caption, QString::fromStdString(e.what()));
    }
}

}  // namespace cw
