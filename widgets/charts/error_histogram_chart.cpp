#include "charts/error_histogram_chart.h"

#include <QAreaSeries>
#include <QChart>
#include <QLineSeries>
#include <QMessageBox>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "charts/chart_figure.h"
#include "core/atomic_file.h"

namespace cw {

namespace {
const QColor kBarColor(255, 127, 14);
}  // namespace

ErrorHistogram errorHistogram(const std::vector<double>& errors) {
    ErrorHistogram h;
    if (errors.empty()) return h;
    // The bins of engine/ml/props/props_report.cpp, so the window and the report draw the same.
    double lo = *std::min_element(errors.begin(), errors.end());
    double hi = *std::max_element(errors.begin(), errors.end());
    if (!(hi > lo)) lo -= 0.5, hi += 0.5;
    const int bins =
        std::clamp(static_cast<int>(std::sqrt(static_cast<double>(errors.size()))) + 1, 5, 50);
    for (int b = 0; b <= bins; ++b) h.edges.push_back(lo + (hi - lo) * b / bins);
    h.counts.assign(static_cast<std::size_t>(bins), 0);
    for (double e : errors)
        ++h.counts[static_cast<std::size_t>(
            std::min(bins - 1, static_cast<int>((e - lo) / (hi - lo) * bins)))];
    return h;
}

ErrorHistogramChart::ErrorHistogramChart(QWidget* parent) : QChartView(new QChart, parent) {
    chart()->legend()->hide();
    chart()->setMargins(QMargins(2, 2, 2, 2));
    QFont font = chart()->titleFont();
    font.setPointSizeF(font.pointSizeF() * 0.9);
    chart()->setTitleFont(font);
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(200, 150);
    fill(*chart(), &m_area);
}

void ErrorHistogramChart::setPairs(const PropsPairs& pairs, const QString& unit,
                                   const QStringList& notes) {
    m_target = pairs.target;
    m_split = pairs.split;
    std::vector<double> errors(pairs.truth.size());
    for (std::size_t i = 0; i < errors.size(); ++i) errors[i] = pairs.predicted[i] - pairs.truth[i];
    m_histogram = errorHistogram(errors);
    m_unit = unit;
    m_notes = notes;
    fill(*chart(), &m_area);
    chart()->setTitle(titleText());
}

QString ErrorHistogramChart::titleText() const {
    if (m_target.empty()) return {};
    return (QStringList{QString::fromStdString(m_target) + ": errors",
                        QString::fromStdString(m_split)} +
            m_notes)
        .join(" · ");
}

void ErrorHistogramChart::fill(QChart& target, QAreaSeries** keep) const {
    clearChart(target);
    if (keep) *keep = nullptr;
    auto* xAxis = new QValueAxis;
    xAxis->setLabelFormat("%.3g");
    xAxis->setTitleText("predicted − true" + (m_unit.isEmpty() ? QString() : " (" + m_unit + ")"));
    auto* yAxis = new QValueAxis;
    yAxis->setTitleText("materials");
    yAxis->setLabelFormat("%.0f");
    target.addAxis(xAxis, Qt::AlignBottom);
    target.addAxis(yAxis, Qt::AlignLeft);
    const ErrorHistogram& h = m_histogram;
    if (h.counts.empty()) {
        xAxis->setRange(-1, 1);
        yAxis->setRange(0, 1);
        return;
    }
    auto* upper = new QLineSeries;
    QList<QPointF> steps{{h.edges.front(), 0.0}};
    std::size_t top = 1;
    for (std::size_t b = 0; b < h.counts.size(); ++b) {
        steps.append({h.edges[b], double(h.counts[b])});
        steps.append({h.edges[b + 1], double(h.counts[b])});
        top = std::max(top, h.counts[b]);
    }
    steps.append({h.edges.back(), 0.0});
    upper->replace(steps);
    auto* area = new QAreaSeries(upper);  // takes no ownership: parent the line to the area
    upper->setParent(area);
    QColor fill = kBarColor;
    fill.setAlpha(120);
    area->setBrush(fill);
    area->setPen(QPen(kBarColor.darker(120), 1.4));
    target.addSeries(area);
    area->attachAxis(xAxis);
    area->attachAxis(yAxis);
    // Zero error is the reference: keep it in view.
    xAxis->setRange(std::min(h.edges.front(), 0.0), std::max(h.edges.back(), 0.0));
    xAxis->applyNiceNumbers();
    yAxis->setRange(0, static_cast<double>(top) * 1.1);
    yAxis->setTickCount(static_cast<int>(std::min<std::size_t>(top, 5)) + 1);
    yAxis->applyNiceNumbers();
    if (keep) *keep = area;
}

void ErrorHistogramChart::exportFigure(const QString& path, int pngWidth) const {
    writeChartFigure(
        path, titleText(), [this](QChart& c) { fill(c, nullptr); }, pngWidth);
}

void ErrorHistogramChart::exportCsv(const QString& path) const {
    std::string text = "error_from,error_to,materials\n";
    char line[96];
    for (std::size_t b = 0; b < m_histogram.counts.size(); ++b) {
        std::snprintf(line, sizeof line, "%.10g,%.10g,%zu\n", m_histogram.edges[b],
                      m_histogram.edges[b + 1], m_histogram.counts[b]);
        text += line;
    }
    writeFileAtomically(path.toStdString(), text);
}

void ErrorHistogramChart::exportDialog() {
    if (m_histogram.counts.empty()) {
        QMessageBox::information(this, "Export error histogram", "No finished run is shown.");
        return;
    }
    chartExportDialog(
        this, "Export error histogram",
        QString("errors-%1.png").arg(QString::fromStdString(m_target)),
        [this](const QString& p) { exportFigure(p); }, [this](const QString& p) { exportCsv(p); });
}

}  // namespace cw
