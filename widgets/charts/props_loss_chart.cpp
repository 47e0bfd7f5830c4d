#include "charts/props_loss_chart.h"

#include <QChart>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QMessageBox>
#include <QScatterSeries>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "charts/chart_figure.h"
#include "core/atomic_file.h"
#include "core/error.h"

namespace cw {

namespace {

// The report's colours (tab10 blue and orange), as `cwb props report` draws them.
const QColor kTrainColor(31, 119, 180);
const QColor kValColor(255, 127, 14);

bool plottable(double loss) {
    return std::isfinite(loss) && loss > 0.0;
}

}  // namespace

PropsLossChart::PropsLossChart(QWidget* parent) : QChartView(new QChart, parent) {
    chart()->legend()->setAlignment(Qt::AlignTop);
    chart()->setMargins(QMargins(4, 4, 4, 4));
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(220, 150);
    rebuild();
}

bool PropsLossChart::setRun(const QString& runDir) {
    m_runDir = runDir;
    return reload();
}

bool PropsLossChart::reload() {
    m_error.clear();
    m_rows.clear();
    bool ok = true;
    if (!m_runDir.isEmpty()) {
        try {
            m_rows = ml::readPropsMetrics(m_runDir.toStdString());
        } catch (const Error& e) {
            m_error = QString::fromStdString(e.what());
            ok = false;
        }
    }
    rebuild();
    return ok;
}

const ml::PropsEpochRow* PropsLossChart::row(int epoch) const {
    for (const ml::PropsEpochRow& r : m_rows)
        if (r.epoch == epoch) return &r;
    return nullptr;
}

int PropsLossChart::bestEpoch() const {
    int best = 0;
    double lowest = HUGE_VAL;
    for (const ml::PropsEpochRow& row : m_rows)
        if (std::isfinite(row.valLoss) && row.valLoss < lowest) {
            lowest = row.valLoss;
            best = row.epoch;
        }
    return best;
}

void PropsLossChart::rebuild() {
    fill(*chart(), &m_train, &m_val);
}

void PropsLossChart::fill(QChart& target, QLineSeries** keepTrain, QLineSeries** keepVal) const {
    clearChart(target);
    auto* xAxis = new QValueAxis;
    xAxis->setTitleText("epoch");
    xAxis->setLabelFormat("%.0f");
    auto* yAxis = new QLogValueAxis;
    yAxis->setTitleText("MSE (transformed)");
    yAxis->setLabelFormat("%g");
    target.addAxis(xAxis, Qt::AlignBottom);
    target.addAxis(yAxis, Qt::AlignLeft);

    QList<QPointF> train, val;
    double minLoss = HUGE_VAL, maxLoss = 0;
    for (const ml::PropsEpochRow& row : m_rows)
        for (auto [loss, points] : {std::pair{row.trainLoss, &train}, std::pair{row.valLoss, &val}})
            if (plottable(loss)) {
                points->append(QPointF(row.epoch, loss));
                minLoss = std::min(minLoss, loss);
                maxLoss = std::max(maxLoss, loss);
            }
    auto* trainSeries = new QLineSeries;
    trainSeries->setName("training");
    trainSeries->setPen(QPen(kTrainColor, 2.0));
    trainSeries->replace(train);
    auto* valSeries = new QLineSeries;
    valSeries->setName("validation");
    valSeries->setPen(QPen(kValColor, 2.0));
    valSeries->replace(val);
    QList<QAbstractSeries*> all{trainSeries, valSeries};
    if (const ml::PropsEpochRow* best = row(bestEpoch()); best && plottable(best->valLoss)) {
        auto* marker = new QScatterSeries;
        marker->setName(QString("best (epoch %1)").arg(best->epoch));
        marker->setMarkerSize(9);
        marker->setColor(kValColor);
        marker->setBorderColor(Qt::black);
        marker->append(best->epoch, best->valLoss);
        all << marker;
    }
    for (QAbstractSeries* series : all) {
        target.addSeries(series);
        series->attachAxis(xAxis);
        series->attachAxis(yAxis);
    }
    if (keepTrain) *keepTrain = trainSeries;
    if (keepVal) *keepVal = valSeries;

    const double lastEpoch = m_rows.empty() ? 10.0 : std::max(2, m_rows.back().epoch);
    xAxis->setRange(m_rows.empty() ? 0.0 : 1.0, lastEpoch);
    xAxis->setTickCount(std::min(static_cast<int>(lastEpoch), 10) + (m_rows.empty() ? 1 : 0));
    if (lastEpoch > 10) xAxis->applyNiceNumbers();
    fitLogLossAxis(*yAxis, minLoss, maxLoss);
    target.legend()->setVisible(!m_rows.empty());
}

void PropsLossChart::exportFigure(const QString& path, int pngWidth) const {
    writeChartFigure(
        path, "Training and validation loss", [this](QChart& c) { fill(c, nullptr, nullptr); },
        pngWidth);
}

void PropsLossChart::exportCsv(const QString& path) const {
    std::string text = "epoch,train_loss,val_loss,lr\n";
    char line[128];
    for (const ml::PropsEpochRow& row : m_rows) {
        std::snprintf(line, sizeof line, "%d,%.10g,%.10g,%.10g\n", row.epoch, row.trainLoss,
                      row.valLoss, row.learningRate);
        text += line;
    }
    writeFileAtomically(path.toStdString(), text);
}

void PropsLossChart::exportDialog() {
    if (m_rows.empty()) {
        QMessageBox::information(this, "Export loss", "Train or open a property run first.");
        return;
    }
    chartExportDialog(
        this, "Export loss curves", "props-loss.png", [this](const QString& p) { exportFigure(p); },
        [this](const QString& p) { exportCsv(p); });
}

}  // namespace cw
