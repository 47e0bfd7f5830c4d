#include "panels/chart_figure.h"

#include <QAbstractAxis>
#include <QChart>
#include <QFileDialog>
#include <QGraphicsScene>
#include <QMessageBox>
#include <QPainter>

#include "core/error.h"
#include "panels/figure_writer.h"

namespace cw {

void clearChart(QChart& chart) {
    chart.removeAllSeries();
    for (QAbstractAxis* axis : chart.axes()) {
        chart.removeAxis(axis);
        delete axis;
    }
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
    const QString path = QFileDialog::getSaveFileName(parent, caption, suggestedName,
                                                      figureFileFilter() + ";;CSV table (*.csv)");
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
