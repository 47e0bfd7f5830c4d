#include "charts/loss_chart.h"
#include "charts/chart_figure.h"

#include <QChart>
#include <QChartView>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QMessageBox>
#include <QPushButton>
#include <QSlider>
#include <QTimer>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "charts/loss_smoothing.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "figures/figure_writer.h"

namespace cw {

namespace {

// Matplotlib's tab10: distinct on white, and what most readers expect of a loss plot.
const QColor kRunColors[] = {{31, 119, 180},  {255, 127, 14}, {44, 160, 44},   {214, 39, 40},
                             {148, 103, 189}, {140, 86, 75},  {227, 119, 194}, {127, 127, 127},
                             {188, 189, 34},  {23, 190, 207}};

bool plottable(double loss) {
    return std::isfinite(loss) && loss > 0.0;
}

std::vector<double> losses(const std::vector<ml::MetricRow>& rows) {
    std::vector<double> values;
    values.reserve(rows.size());
    for (const ml::MetricRow& row : rows) values.push_back(row.loss);
    return values;
}

QString csvField(const QString& text) {
    if (!text.contains(',') && !text.contains('"')) return text;
    return '"' + QString(text).replace("\"", "\"\"") + '"';
}

}  // namespace

LossChart::LossChart(QWidget* parent)
    : QWidget(parent),
      m_chart(new QChart),
      m_view(new QChartView(m_chart)),
      m_slider(new QSlider(Qt::Horizontal)),
      m_weightLabel(new QLabel),
      m_message(new QLabel),
      m_timer(new QTimer(this)) {
    m_chart->legend()->setAlignment(Qt::AlignTop);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setMinimumSize(240, 160);

    m_slider->setRange(0, static_cast<int>(kMaxSmoothingWeight * 1000));
    m_slider->setObjectName("smoothingSlider");
    m_slider->setToolTip("TensorBoard-style exponential moving average of the loss");
    m_slider->setValue(static_cast<int>(std::lround(m_weight * 1000)));
    m_weightLabel->setText(QString::number(m_weight, 'f', 3));
    connect(m_slider, &QSlider::valueChanged, this,
            [this](int value) { setSmoothing(value / 1000.0); });
    auto* exportButton = new QPushButton("Export…");
    exportButton->setObjectName("exportLossButton");
    connect(exportButton, &QPushButton::clicked, this, &LossChart::exportDialog);
    m_message->setWordWrap(true);
    m_message->setStyleSheet("color: #b00020");
    m_message->hide();

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel("Smoothing"));
    controls->addWidget(m_slider, 1);
    controls->addWidget(m_weightLabel);
    controls->addWidget(exportButton);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_message);
    layout->addLayout(controls);

    m_timer->setInterval(2000);
    connect(m_timer, &QTimer::timeout, this, &LossChart::refresh);
    rebuild();
}

void LossChart::setRuns(const QStringList& runDirs) {
    std::vector<Curve> curves;
    for (const QString& dir : runDirs) {
        // Keep what was read already: the selection changes far more often than the files.
        const auto old = std::find_if(m_curves.begin(), m_curves.end(),
                                      [&](const Curve& c) { return c.runDir == dir; });
        Curve curve = old != m_curves.end() ? *old : Curve{};
        curve.runDir = dir;
        curve.name = QFileInfo(dir).fileName();
        if (old == m_curves.end()) reload(curve);
        curves.push_back(std::move(curve));
    }
    m_curves = std::move(curves);
    if (m_curves.empty())
        m_timer->stop();
    else if (m_timer->interval() > 0)
        m_timer->start();
    rebuild();
}

QStringList LossChart::runs() const {
    QStringList dirs;
    for (const Curve& curve : m_curves) dirs << curve.runDir;
    return dirs;
}

void LossChart::setSmoothing(double weight) {
    weight = std::clamp(weight, 0.0, kMaxSmoothingWeight);
    if (weight == m_weight) return;
    m_weight = weight;
    m_weightLabel->setText(QString::number(m_weight, 'f', 3));
    const QSignalBlocker block(m_slider);
    m_slider->setValue(static_cast<int>(std::lround(m_weight * 1000)));
    rebuild();
}

void LossChart::setRefreshInterval(int milliseconds) {
    m_timer->stop();
    if (milliseconds <= 0) return;
    m_timer->setInterval(milliseconds);
    if (!m_curves.empty()) m_timer->start();
}

void LossChart::refresh() {
    bool changed = false;
    for (Curve& curve : m_curves) changed = reload(curve) || changed;
    if (changed) rebuild();
}

bool LossChart::reload(Curve& curve) {
    const QFileInfo info(QString::fromStdString(ml::runMetricsPath(curve.runDir.toStdString())));
    const qint64 size = info.exists() ? info.size() : -1;
    const QDateTime modified = info.exists() ? info.lastModified() : QDateTime();
    if (size == curve.size && modified == curve.modified) return false;
    curve.size = size;
    curve.modified = modified;
    try {
        curve.rows = ml::readMetrics(curve.runDir.toStdString());
        curve.error.clear();
    } catch (const std::exception& e) {
        const QString message = QString::fromUtf8(e.what());
        if (message != curve.error) Q_EMIT loadFailed(message);
        curve.error = message;
    }
    return true;
}

void LossChart::rebuild() {
    fillChart(*m_chart, &m_curves);
    QStringList errors;
    for (const Curve& curve : m_curves)
        if (!curve.error.isEmpty()) errors << curve.error;
    m_message->setText(errors.join('\n'));
    m_message->setVisible(!errors.isEmpty());
}

void LossChart::fillChart(QChart& chart, std::vector<Curve>* keepSeries) const {
    clearChart(chart);
    auto* xAxis = new QValueAxis;
    xAxis->setTitleText("step");
    xAxis->setLabelFormat("%.0f");
    auto* yAxis = new QLogValueAxis;
    yAxis->setTitleText("loss");
    yAxis->setLabelFormat("%g");
    chart.addAxis(xAxis, Qt::AlignBottom);
    chart.addAxis(yAxis, Qt::AlignLeft);

    double maxStep = 0, minLoss = HUGE_VAL, maxLoss = 0;
    for (std::size_t i = 0; i < m_curves.size(); ++i) {
        const Curve& curve = m_curves[i];
        const QColor color = kRunColors[i % std::size(kRunColors)];
        const std::vector<double> smooth = smoothLoss(losses(curve.rows), m_weight);
        QList<QPointF> rawPoints, smoothPoints;
        for (std::size_t r = 0; r < curve.rows.size(); ++r) {
            const ml::MetricRow& row = curve.rows[r];
            if (!plottable(row.loss)) continue;
            rawPoints.append(QPointF(static_cast<double>(row.step), row.loss));
            if (plottable(smooth[r]))
                smoothPoints.append(QPointF(static_cast<double>(row.step), smooth[r]));
            maxStep = std::max(maxStep, static_cast<double>(row.step));
            minLoss = std::min(minLoss, row.loss);
            maxLoss = std::max(maxLoss, row.loss);
        }
        auto* raw = new QLineSeries;
        QColor faint = color;
        faint.setAlpha(70);
        raw->setPen(QPen(faint, 1.0));
        raw->replace(rawPoints);
        auto* smoothed = new QLineSeries;
        smoothed->setName(curve.name);
        smoothed->setPen(QPen(color, 2.2));
        smoothed->replace(smoothPoints);
        for (QLineSeries* series : {raw, smoothed}) {
            chart.addSeries(series);
            series->attachAxis(xAxis);
            series->attachAxis(yAxis);
        }
        // One legend entry per run: the bold curve stands for both.
        for (QLegendMarker* marker : chart.legend()->markers(raw)) marker->setVisible(false);
        if (keepSeries) {
            (*keepSeries)[i].raw = raw;
            (*keepSeries)[i].smoothed = smoothed;
        }
    }
    xAxis->setRange(0, std::max(maxStep, 100.0));
    xAxis->applyNiceNumbers();
    fitLogLossAxis(*yAxis, minLoss, maxLoss);
    chart.legend()->setVisible(!m_curves.empty());
}

const LossChart::Curve* LossChart::find(const QString& runDir) const {
    for (const Curve& curve : m_curves)
        if (curve.runDir == runDir) return &curve;
    return nullptr;
}

const QLineSeries* LossChart::rawSeries(const QString& runDir) const {
    const Curve* curve = find(runDir);
    return curve ? curve->raw : nullptr;
}

const QLineSeries* LossChart::smoothedSeries(const QString& runDir) const {
    const Curve* curve = find(runDir);
    return curve ? curve->smoothed : nullptr;
}

QString LossChart::runError(const QString& runDir) const {
    const Curve* curve = find(runDir);
    return curve ? curve->error : QString();
}

void LossChart::exportFigure(const QString& path, int pngWidth) const {
    writeChartFigure(path, QString("Training loss (smoothing %1)").arg(m_weight, 0, 'f', 2),
                     [this](QChart& chart) { fillChart(chart, nullptr); }, pngWidth);
}

void LossChart::exportCsv(const QString& path) const {
    QString text = "run,step,raw,smoothed\n";
    char numbers[96];
    for (const Curve& curve : m_curves) {
        const std::vector<double> smooth = smoothLoss(losses(curve.rows), m_weight);
        const QString run = csvField(curve.name);
        for (std::size_t r = 0; r < curve.rows.size(); ++r) {
            std::snprintf(numbers, sizeof numbers, ",%lld,%.9g,%.9g\n",
                          static_cast<long long>(curve.rows[r].step), curve.rows[r].loss,
                          smooth[r]);
            text += run + QString::fromLatin1(numbers);
        }
    }
    writeFileAtomically(path.toStdString(), text.toStdString());
}

void LossChart::exportDialog() {
    if (m_curves.empty()) {
        QMessageBox::information(this, "Export loss", "Select one or more runs to plot first.");
        return;
    }
    chartExportDialog(
        this, "Export loss plot", "loss.png", [this](const QString& p) { exportFigure(p); },
        [this](const QString& p) { exportCsv(p); });
}

}  // namespace cw
