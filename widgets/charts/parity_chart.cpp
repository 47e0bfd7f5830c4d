#include "charts/parity_chart.h"

#include <QChart>
#include <QLineSeries>
#include <QMessageBox>
#include <QScatterSeries>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

#include "charts/chart_figure.h"
#include "core/atomic_file.h"
#include "ml/props/props_run.h"

namespace cw {

namespace {

const QColor kPointColor(31, 119, 180);

std::string csvText(const std::string& text) {
    if (text.find_first_of(",\"\n") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

}  // namespace

ParityChart::ParityChart(QWidget* parent) : QChartView(new QChart, parent) {
    chart()->legend()->hide();
    chart()->setMargins(QMargins(2, 2, 2, 2));
    QFont font = chart()->titleFont();
    font.setPointSizeF(font.pointSizeF() * 0.9);
    chart()->setTitleFont(font);
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(200, 150);
    fill(*chart(), &m_points, &m_diagonal);
}

void ParityChart::setPairs(const PropsPairs& pairs, const QString& unit, const QStringList& notes) {
    m_pairs = pairs;
    m_unit = unit;
    m_notes = notes;
    fill(*chart(), &m_points, &m_diagonal);
    // The target is named by the panel's target box, the metrics in the table beside.
    chart()->setTitle(titleText().section(" · ", 1, 2));
}

QString ParityChart::titleText() const {
    if (m_pairs.target.empty()) return {};
    QStringList parts{QString::fromStdString(m_pairs.target), QString::fromStdString(m_pairs.split),
                      QString("N = %1").arg(m_pairs.truth.size())};
    return (parts + m_notes).join(" · ");
}

void ParityChart::fill(QChart& target, QScatterSeries** keepPoints,
                       QLineSeries** keepDiagonal) const {
    clearChart(target);
    const QString unit = m_unit.isEmpty() ? QString() : QString(" (%1)").arg(m_unit);
    auto* xAxis = new QValueAxis;
    xAxis->setTitleText("true" + unit);
    xAxis->setLabelFormat("%.3g");
    auto* yAxis = new QValueAxis;
    yAxis->setTitleText("predicted" + unit);
    yAxis->setLabelFormat("%.3g");
    target.addAxis(xAxis, Qt::AlignBottom);
    target.addAxis(yAxis, Qt::AlignLeft);

    auto* points = new QScatterSeries;
    points->setName("materials");
    points->setMarkerSize(7);
    QColor fill = kPointColor;
    fill.setAlpha(150);
    points->setColor(fill);
    points->setBorderColor(kPointColor.darker(130));
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    QList<QPointF> xy;
    for (std::size_t i = 0; i < m_pairs.truth.size(); ++i) {
        xy.append(QPointF(m_pairs.truth[i], m_pairs.predicted[i]));
        lo = std::min({lo, m_pairs.truth[i], m_pairs.predicted[i]});
        hi = std::max({hi, m_pairs.truth[i], m_pairs.predicted[i]});
    }
    points->replace(xy);
    if (!(lo <= hi)) lo = 0, hi = 1;
    const double pad = hi > lo ? 0.05 * (hi - lo) : 0.5;
    lo -= pad;
    hi += pad;

    auto* diagonal = new QLineSeries;
    diagonal->setName("y = x");
    diagonal->setPen(QPen(QColor(90, 90, 90), 1.2, Qt::DashLine));
    diagonal->append(lo, lo);
    diagonal->append(hi, hi);
    for (QAbstractSeries* series :
         {static_cast<QAbstractSeries*>(diagonal), static_cast<QAbstractSeries*>(points)}) {
        target.addSeries(series);
        series->attachAxis(xAxis);
        series->attachAxis(yAxis);
    }
    // The same range on both axes, so that y = x is the diagonal of the plot.
    xAxis->setRange(lo, hi);
    yAxis->setRange(lo, hi);
    xAxis->applyNiceNumbers();
    yAxis->setRange(xAxis->min(), xAxis->max());
    yAxis->setTickCount(xAxis->tickCount());
    if (keepPoints) *keepPoints = points;
    if (keepDiagonal) *keepDiagonal = diagonal;
}

void ParityChart::exportFigure(const QString& path, int pngWidth) const {
    writeChartFigure(
        path, titleText(), [this](QChart& c) { fill(c, nullptr, nullptr); }, pngWidth,
        QSizeF(600, 600));
}

void ParityChart::exportCsv(const QString& path) const {
    std::string text = "material_id,true,predicted\n";
    for (std::size_t i = 0; i < m_pairs.truth.size(); ++i)
        text += csvText(m_pairs.ids[i]) + "," + ml::exactNumberText(m_pairs.truth[i]) + "," +
                ml::exactNumberText(m_pairs.predicted[i]) + "\n";
    writeFileAtomically(path.toStdString(), text);
}

void ParityChart::exportDialog() {
    if (m_pairs.truth.empty()) {
        QMessageBox::information(this, "Export parity plot", "No finished run is shown.");
        return;
    }
    chartExportDialog(
        this, "Export parity plot",
        QString("parity-%1.png").arg(QString::fromStdString(m_pairs.target)),
        [this](const QString& p) { exportFigure(p); }, [this](const QString& p) { exportCsv(p); });
}

}  // namespace cw
