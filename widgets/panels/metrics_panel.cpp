#include "panels/metrics_panel.h"

#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <numeric>

#include "charts/count_histogram_chart.h"
#include "charts/eval_steps_chart.h"
#include "common/wrap_text.h"

namespace cw {

namespace {

QString number(double value, int digits = 4) {
    return QString::number(value, 'g', digits);
}

double mean(const std::vector<double>& values) {
    if (values.empty()) return 0.0;
    return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

double median(std::vector<double> values) {
    if (values.empty()) return 0.0;
    const std::size_t mid = values.size() / 2;
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid),
                     values.end());
    double m = values[mid];
    if (values.size() % 2 == 0)
        m = 0.5 * (m + *std::max_element(values.begin(),
                                         values.begin() + static_cast<std::ptrdiff_t>(mid)));
    return m;
}

QString shortName(const QString& path) {
    const QFileInfo info(path);
    return info.fileName().isEmpty() ? path : info.fileName();
}

}  // namespace

QStringList evaluationSummaryLines(const EvaluationData& data) {
    const EvaluationResult& r = data.result;
    QStringList lines;
    const auto counted = [](const std::vector<double>& counts) {
        return counts.empty() ? QString() : QString(", mean %1 atoms").arg(number(mean(counts)));
    };
    lines << QString("Training: %1 images (%2, %3)%4")
                 .arg(r.realCount)
                 .arg(shortName(data.request.realPath),
                      QString::fromStdString(data.request.realImages.split),
                      counted(r.realAtomCounts));
    lines << QString("Generated: %1 images (%2)%3")
                 .arg(r.generatedCount)
                 .arg(shortName(data.request.generatedPath), counted(r.generatedAtomCounts));
    if (r.ks)
        lines << QString("KS D = %1, p = %2 (%3, n = %4 / %5)")
                     .arg(number(r.ks->statistic), number(r.ks->pvalue, 3),
                          ksMethodName(r.ks->method))
                     .arg(r.ks->n1)
                     .arg(r.ks->n2);
    if (r.wasserstein) lines << QString("W1 = %1 atoms").arg(number(*r.wasserstein));
    if (r.frechet)
        lines << QString("FID = %1, KID = %2 (%3, N = %4 / %5)")
                     .arg(number(r.frechet->fid), number(r.frechet->kid, 3),
                          QString::fromStdString(r.frechet->extractor))
                     .arg(r.frechet->realCount)
                     .arg(r.frechet->generatedCount);
    if (!r.pixelNeighbours.empty()) {
        std::vector<double> distances;
        for (const NearestNeighbour& n : r.pixelNeighbours) distances.push_back(n.distance);
        const double closest = *std::min_element(distances.begin(), distances.end());
        lines << QString("Nearest training slice: RMS distance median %1, least %2")
                     .arg(number(median(distances), 3), number(closest, 3));
    }
    lines << QString("Blob σ %1 px, threshold %2")
                 .arg(number(data.request.evaluation.counting.blobSigma, 3),
                      number(data.request.evaluation.counting.threshold, 3));
    if (!data.countingWarning.isEmpty()) lines << "⚠ " + data.countingWarning;
    if (!data.problems.isEmpty())
        lines
            << QString("%1 files skipped: %2").arg(data.problems.size()).arg(data.problems.first());
    return lines;
}

MetricsPanel::MetricsPanel(QWidget* parent)
    : QWidget(parent),
      m_histogram(new CountHistogramChart),
      m_steps(new EvalStepsChart),
      m_summary(new QLabel),
      m_sources(new QLabel),
      m_evaluate(new QPushButton("Evaluate…")),
      m_tabs(new QTabWidget) {
    m_evaluate->setObjectName("evaluateButton");
    m_evaluate->setToolTip("Compare generated slices with the training slices of a data set");
    connect(m_evaluate, &QPushButton::clicked, this, &MetricsPanel::evaluateRequested);
    connect(m_steps, &EvalStepsChart::loadFailed, this, &MetricsPanel::loadFailed);
    m_sources->setWordWrap(true);
    m_summary->setObjectName("evaluationSummary");
    m_summary->setWordWrap(true);
    m_summary->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setMargin(4);
    auto* summaryScroll = new QScrollArea;
    summaryScroll->setWidget(m_summary);
    summaryScroll->setWidgetResizable(true);
    summaryScroll->setFrameShape(QFrame::NoFrame);

    summaryScroll->setMinimumWidth(160);
    auto* splitter = new QSplitter(Qt::Horizontal);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(m_histogram);
    splitter->addWidget(summaryScroll);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    m_tabs->setObjectName("metricsTabs");
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(splitter, "Atoms per slice");
    m_tabs->addTab(m_steps, "Over training steps");

    auto* top = new QHBoxLayout;
    top->addWidget(m_evaluate);
    top->addWidget(m_sources, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(top);
    layout->addWidget(m_tabs, 1);
    showSummary();
}

void MetricsPanel::setEvaluation(EvaluationDataPtr data) {
    m_data = std::move(data);
    if (!m_data) {
        m_histogram->setCounts({}, {});
    } else {
        const EvaluationResult& r = m_data->result;
        QStringList notes;
        if (r.ks)
            notes << QString("KS D = %1, p = %2")
                         .arg(number(r.ks->statistic), number(r.ks->pvalue, 3));
        if (r.wasserstein) notes << QString("W1 = %1").arg(number(*r.wasserstein, 3));
        m_histogram->setCounts(r.realAtomCounts, r.generatedAtomCounts, notes);
        m_tabs->setCurrentIndex(0);
    }
    showSummary();
}

void MetricsPanel::setRun(const QString& runDir) {
    m_steps->setRun(runDir);
}

QString MetricsPanel::summaryText() const {
    return m_lines.join('\n');
}

void MetricsPanel::showSummary() {
    if (!m_data) {
        m_lines.clear();
        m_sources->setText(
            "No evaluation yet: Evaluate… compares generated slices with the "
            "training slices of a data set.");
        m_summary->setText({});
        return;
    }
    m_lines = evaluationSummaryLines(*m_data);
    m_sources->setText(breakablePaths(
        QString("%1 vs %2").arg(m_data->request.generatedPath, m_data->request.realPath)));
    QString html;
    for (const QString& line : m_lines)
        html += "<p style='margin:0 0 6px 0'>" + line.toHtmlEscaped() + "</p>";
    m_summary->setText(html);
}

}  // namespace cw
