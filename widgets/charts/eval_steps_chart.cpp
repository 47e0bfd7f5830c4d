#include "charts/eval_steps_chart.h"
#include "charts/chart_figure.h"

#include <QChart>
#include <QChartView>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QMessageBox>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

#include "core/atomic_file.h"
#include "core/error.h"
#include "figures/figure_writer.h"

namespace cw {

namespace {

const char* const kMetricNames[3] = {"FID", "KID", "KS D"};
const QColor kMetricColors[3] = {{214, 39, 40}, {148, 103, 189}, {44, 160, 44}};

const std::optional<double>& metricOf(const ml::EvalLogRow& row, int metric) {
    switch (metric) {
        case EvalStepsChart::Fid:
            return row.fid;
        case EvalStepsChart::Kid:
            return row.kid;
        default:
            return row.ksStatistic;
    }
}

std::string cell(const std::optional<double>& value) {
    if (!value) return {};
    char text[40];
    std::snprintf(text, sizeof text, "%.10g", *value);
    return text;
}

std::string csvText(const std::string& text) {
    if (text.find_first_of(",\"\n") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

// [lo, hi] of the values with a margin, or [0, 1] for none.
std::pair<double, double> valueRange(const QList<QPointF>& a, const QList<QPointF>& b = {}) {
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    for (const QList<QPointF>* points : {&a, &b})
        for (const QPointF& p : *points) {
            lo = std::min(lo, p.y());
            hi = std::max(hi, p.y());
        }
    if (lo > hi) return {0.0, 1.0};
    lo = std::min(lo, 0.0);  // distances start at 0 (KID may be slightly negative)
    if (hi <= lo) hi = lo + 1.0;
    return {lo, hi + 0.05 * (hi - lo)};
}

}  // namespace

EvalStepsChart::EvalStepsChart(QWidget* parent)
    : QWidget(parent),
      m_chart(new QChart),
      m_view(new QChartView(m_chart)),
      m_caption(new QLabel),
      m_timer(new QTimer(this)) {
    m_chart->legend()->setAlignment(Qt::AlignTop);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setMinimumSize(240, 160);
    m_caption->setWordWrap(true);
    m_caption->setObjectName("evalStepsCaption");
    auto* exportButton = new QPushButton("Export…");
    exportButton->setObjectName("exportEvalStepsButton");
    connect(exportButton, &QPushButton::clicked, this, &EvalStepsChart::exportDialog);
    auto* controls = new QHBoxLayout;
    controls->addWidget(m_caption, 1);
    controls->addWidget(exportButton);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view, 1);
    layout->addLayout(controls);
    m_timer->setInterval(2000);
    connect(m_timer, &QTimer::timeout, this, &EvalStepsChart::refresh);
    rebuild();
}

void EvalStepsChart::setRun(const QString& runDir) {
    if (runDir == m_runDir) return;
    m_runDir = runDir;
    m_rows.clear();
    m_error.clear();
    m_size = -2;  // forces the next reload
    if (m_runDir.isEmpty())
        m_timer->stop();
    else if (m_timer->interval() > 0)
        m_timer->start();
    reload();
    rebuild();
}

void EvalStepsChart::setRefreshInterval(int milliseconds) {
    m_timer->stop();
    if (milliseconds <= 0) return;
    m_timer->setInterval(milliseconds);
    if (!m_runDir.isEmpty()) m_timer->start();
}

void EvalStepsChart::refresh() {
    if (reload()) rebuild();
}

bool EvalStepsChart::reload() {
    if (m_runDir.isEmpty()) return false;
    const QFileInfo info(QString::fromStdString(ml::runEvalLogPath(m_runDir.toStdString())));
    const qint64 size = info.exists() ? info.size() : -1;
    const QDateTime modified = info.exists() ? info.lastModified() : QDateTime();
    if (size == m_size && modified == m_modified) return false;
    m_size = size;
    m_modified = modified;
    QString error;
    try {
        std::vector<std::string> problems;
        m_rows = ml::readEvalLog(m_runDir.toStdString(), &problems);
        QStringList lines;
        for (const std::string& p : problems) lines << QString::fromStdString(p);
        error = lines.join('\n');
    } catch (const std::exception& e) {
        error = QString::fromUtf8(e.what());
    }
    if (!error.isEmpty() && error != m_error) Q_EMIT loadFailed(error);
    m_error = error;
    return true;
}

void EvalStepsChart::rebuild() {
    fillChart(*m_chart, m_series);
    QString text;
    if (m_runDir.isEmpty())
        text = "Select a run to plot its evaluations over training steps.";
    else if (m_rows.empty())
        text = QString("%1: no evaluations yet (eval.csv)").arg(QFileInfo(m_runDir).fileName());
    else
        text = QString("%1: %2 evaluations, %3")
                   .arg(QFileInfo(m_runDir).fileName())
                   .arg(m_rows.size())
                   .arg(m_rows.back().extractor.empty()
                            ? QString("no FID/KID")
                            : QString::fromStdString(m_rows.back().extractor));
    if (!m_error.isEmpty()) text += "\n" + m_error;
    m_caption->setText(text);
    m_caption->setStyleSheet(m_error.isEmpty() ? QString() : QString("color: #b00020"));
}

void EvalStepsChart::fillChart(QChart& chart, QLineSeries** keep) const {
    clearChart(chart);
    auto* xAxis = new QValueAxis;
    xAxis->setTitleText("step");
    xAxis->setLabelFormat("%.0f");
    auto* fidAxis = new QValueAxis;
    fidAxis->setTitleText("FID");
    fidAxis->setLabelFormat("%g");
    auto* unitAxis = new QValueAxis;
    unitAxis->setTitleText("KS D, KID");
    unitAxis->setLabelFormat("%.2f");
    chart.addAxis(xAxis, Qt::AlignBottom);
    chart.addAxis(fidAxis, Qt::AlignLeft);
    chart.addAxis(unitAxis, Qt::AlignRight);

    QList<QPointF> points[3];
    double maxStep = 0;
    for (const ml::EvalLogRow& row : m_rows) {
        maxStep = std::max(maxStep, static_cast<double>(row.step));
        for (int metric = 0; metric < 3; ++metric) {
            const std::optional<double>& value = metricOf(row, metric);
            if (value && std::isfinite(*value))
                points[metric].append(QPointF(static_cast<double>(row.step), *value));
        }
    }
    for (int metric = 0; metric < 3; ++metric) {
        auto* series = new QLineSeries;
        series->setName(kMetricNames[metric]);
        series->setPen(QPen(kMetricColors[metric], 2.0));
        series->setPointsVisible(true);  // evaluations are sparse: show where they were taken
        series->replace(points[metric]);
        chart.addSeries(series);
        series->attachAxis(xAxis);
        series->attachAxis(metric == Fid ? fidAxis : unitAxis);
        if (keep) keep[metric] = series;
    }
    xAxis->setRange(0, std::max(maxStep, 100.0));
    xAxis->applyNiceNumbers();
    const auto fid = valueRange(points[Fid]);
    fidAxis->setRange(fid.first, fid.second);
    fidAxis->applyNiceNumbers();
    const auto unit = valueRange(points[Kid], points[KsStatistic]);
    unitAxis->setRange(unit.first, std::max(unit.second, 0.1));
    unitAxis->applyNiceNumbers();
    chart.legend()->setVisible(true);
}

void EvalStepsChart::exportFigure(const QString& path, int pngWidth) const {
    QString title = QString("Evaluation over training: %1").arg(QFileInfo(m_runDir).fileName());
    if (!m_rows.empty() && !m_rows.back().extractor.empty())
        title += QString(" (FID/KID: %1)").arg(QString::fromStdString(m_rows.back().extractor));
    writeChartFigure(path, title, [this](QChart& chart) { fillChart(chart, nullptr); }, pngWidth);
}

void EvalStepsChart::exportCsv(const QString& path) const {
    std::string text =
        "step,real_count,generated_count,mean_atoms_real,mean_atoms_generated,ks_statistic,"
        "ks_pvalue,wasserstein,fid,kid,extractor\n";
    for (const ml::EvalLogRow& row : m_rows) {
        text += std::to_string(row.step) + "," + std::to_string(row.realCount) + "," +
                std::to_string(row.generatedCount);
        for (const auto* value : {&row.meanAtomsReal, &row.meanAtomsGenerated, &row.ksStatistic,
                                  &row.ksPValue, &row.wasserstein, &row.fid, &row.kid})
            text += "," + cell(*value);
        text += "," + csvText(row.extractor) + "\n";
    }
    writeFileAtomically(path.toStdString(), text);
}

void EvalStepsChart::exportDialog() {
    if (m_rows.empty()) {
        QMessageBox::information(this, "Export evaluation over steps",
                                 "The selected run has no evaluations (eval.csv) yet.");
        return;
    }
    chartExportDialog(
        this, "Export evaluation over steps", "eval-steps.png",
        [this](const QString& p) { exportFigure(p); }, [this](const QString& p) { exportCsv(p); });
}

}  // namespace cw
