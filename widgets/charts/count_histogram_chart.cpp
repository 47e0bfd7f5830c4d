#include "charts/count_histogram_chart.h"
#include "charts/chart_figure.h"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QHBoxLayout>
#include <QLineSeries>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/atomic_file.h"
#include "core/error.h"
#include "figures/figure_writer.h"

namespace cw {

namespace {
// The report's colours (tab10 blue and orange), so the window and `cwb eval report` agree.
const QColor kSetColors[2] = {{31, 119, 180}, {255, 127, 14}};
const char* const kSetNames[2] = {"training", "generated"};
constexpr std::size_t kMaxAutoBins = 40;
}  // namespace

CountHistogramChart::CountHistogramChart(QWidget* parent)
    : QWidget(parent),
      m_chart(new QChart),
      m_view(new QChartView(m_chart)),
      m_normalisedBox(new QCheckBox("Fractions")),
      m_binBox(new QSpinBox) {
    m_chart->legend()->setAlignment(Qt::AlignTop);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setMinimumSize(240, 160);
    m_normalisedBox->setObjectName("histogramFractionsBox");
    m_normalisedBox->setChecked(m_normalised);
    m_normalisedBox->setToolTip(
        "Each set as a fraction of its images (the sets may differ in size)");
    connect(m_normalisedBox, &QCheckBox::toggled, this, &CountHistogramChart::setNormalised);
    m_binBox->setObjectName("histogramBinBox");
    m_binBox->setRange(0, 1000);
    m_binBox->setSpecialValueText("auto");
    m_binBox->setPrefix("bin ");
    m_binBox->setToolTip("Atoms per bin (auto: one, or fewer than 40 bins)");
    connect(m_binBox, &QSpinBox::valueChanged, this, &CountHistogramChart::setBinWidth);
    auto* exportButton = new QPushButton("Export…");
    exportButton->setObjectName("exportHistogramButton");
    connect(exportButton, &QPushButton::clicked, this, &CountHistogramChart::exportDialog);

    auto* controls = new QHBoxLayout;
    controls->addWidget(m_normalisedBox);
    controls->addWidget(m_binBox);
    controls->addStretch(1);
    controls->addWidget(exportButton);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view, 1);
    layout->addLayout(controls);
    rebuild();
}

void CountHistogramChart::setCounts(const std::vector<double>& training,
                                    const std::vector<double>& generated,
                                    const QStringList& notes) {
    m_histograms = {};
    m_sizes[Training] = training.size();
    m_sizes[Generated] = generated.size();
    m_notes = notes;
    if (!training.empty() && !generated.empty())
        m_histograms = integerHistograms(training, generated);
    rebuild();
}

void CountHistogramChart::setNormalised(bool normalised) {
    if (normalised == m_normalised) return;
    m_normalised = normalised;
    const QSignalBlocker block(m_normalisedBox);
    m_normalisedBox->setChecked(normalised);
    rebuild();
}

void CountHistogramChart::setBinWidth(int atoms) {
    atoms = std::max(atoms, 0);
    if (atoms == m_binWidth) return;
    m_binWidth = atoms;
    const QSignalBlocker block(m_binBox);
    m_binBox->setValue(atoms);
    rebuild();
}

int CountHistogramChart::binWidth() const {
    if (m_binWidth > 0) return m_binWidth;
    const std::size_t bins = m_histograms.first.counts.size();
    return static_cast<int>(std::max<std::size_t>(1, (bins + kMaxAutoBins - 1) / kMaxAutoBins));
}

const Histogram& CountHistogramChart::histogram(Set set) const {
    return set == Training ? m_histograms.first : m_histograms.second;
}

Histogram CountHistogramChart::plottedHistogram(Set set) const {
    const Histogram& unit = histogram(set);
    const std::size_t width = static_cast<std::size_t>(binWidth());
    Histogram merged;
    if (unit.counts.empty()) return merged;
    for (std::size_t first = 0; first < unit.counts.size(); first += width) {
        const std::size_t end = std::min(first + width, unit.counts.size());
        merged.edges.push_back(unit.edges[first]);
        std::size_t sum = 0;
        for (std::size_t bin = first; bin < end; ++bin) sum += unit.counts[bin];
        merged.counts.push_back(sum);
    }
    merged.edges.push_back(unit.edges.back());
    return merged;
}

void CountHistogramChart::rebuild() {
    fillChart(*m_chart, m_series);
}

void CountHistogramChart::fillChart(QChart& chart, QAreaSeries** keep) const {
    clearChart(chart);
    if (keep) keep[Training] = keep[Generated] = nullptr;
    auto* xAxis = new QValueAxis;
    xAxis->setTitleText("atoms per slice");
    xAxis->setLabelFormat("%.0f");
    auto* yAxis = new QValueAxis;
    yAxis->setTitleText(m_normalised ? "fraction" : "images");
    yAxis->setLabelFormat(m_normalised ? "%.2f" : "%.0f");
    chart.addAxis(xAxis, Qt::AlignBottom);
    chart.addAxis(yAxis, Qt::AlignLeft);
    if (!hasData()) {
        xAxis->setRange(0, 10);
        yAxis->setRange(0, 1);
        chart.legend()->setVisible(false);
        return;
    }
    double top = 0;
    for (Set set : {Training, Generated}) {
        const Histogram h = plottedHistogram(set);
        const double size = static_cast<double>(std::max<std::size_t>(m_sizes[set], 1));
        auto* upper = new QLineSeries;
        QList<QPointF> points;
        points.reserve(static_cast<qsizetype>(2 * h.counts.size() + 2));
        points.append({h.edges.front(), 0.0});
        for (std::size_t bin = 0; bin < h.counts.size(); ++bin) {
            const double v = m_normalised ? h.counts[bin] / size : double(h.counts[bin]);
            points.append({h.edges[bin], v});
            points.append({h.edges[bin + 1], v});
            top = std::max(top, v);
        }
        points.append({h.edges.back(), 0.0});
        upper->replace(points);
        auto* area = new QAreaSeries(upper);  // takes no ownership: parent the line to the area
        upper->setParent(area);
        QString name = QString("%1 (%2)").arg(kSetNames[set]).arg(m_sizes[set]);
        area->setName(name);
        QColor fill = kSetColors[set];
        fill.setAlpha(90);
        area->setBrush(fill);
        area->setPen(QPen(kSetColors[set], 1.6));
        chart.addSeries(area);
        area->attachAxis(xAxis);
        area->attachAxis(yAxis);
        if (keep) keep[set] = area;
    }
    // Edges lie at k − 0.5: a tick at every whole atom count when there are few, nice
    // numbers otherwise.
    const double lo = m_histograms.first.edges.front(), hi = m_histograms.first.edges.back();
    if (m_histograms.first.counts.size() <= 12) {
        xAxis->setRange(std::floor(lo), std::ceil(hi));
        xAxis->setTickCount(static_cast<int>(std::ceil(hi) - std::floor(lo)) + 1);
    } else {
        xAxis->setRange(lo, hi);
        xAxis->applyNiceNumbers();
    }
    if (binWidth() > 1)
        xAxis->setTitleText(QString("atoms per slice (bins of %1)").arg(binWidth()));
    yAxis->setRange(0, top * 1.08);
    yAxis->applyNiceNumbers();
    chart.legend()->setVisible(true);
}

void CountHistogramChart::exportFigure(const QString& path, int pngWidth) const {
    writeChartFigure(path,
                     "Atoms per slice" + (m_notes.isEmpty() ? QString() : ": " + m_notes.join(", ")),
                     [this](QChart& chart) { fillChart(chart, nullptr); }, pngWidth);
}

void CountHistogramChart::exportCsv(const QString& path) const {
    std::string text = "atoms,training,generated,training_fraction,generated_fraction\n";
    char line[160];
    const Histogram& t = m_histograms.first;
    const Histogram& g = m_histograms.second;
    for (std::size_t bin = 0; bin < t.counts.size(); ++bin) {
        std::snprintf(line, sizeof line, "%.0f,%zu,%zu,%.9g,%.9g\n", t.edges[bin] + 0.5,
                      t.counts[bin], g.counts[bin],
                      static_cast<double>(t.counts[bin]) / std::max<std::size_t>(m_sizes[0], 1),
                      static_cast<double>(g.counts[bin]) / std::max<std::size_t>(m_sizes[1], 1));
        text += line;
    }
    writeFileAtomically(path.toStdString(), text);
}

void CountHistogramChart::exportDialog() {
    if (!hasData()) {
        QMessageBox::information(this, "Export histogram", "Evaluate generated slices first.");
        return;
    }
    chartExportDialog(
        this, "Export atoms-per-slice histogram", "atoms.png",
        [this](const QString& p) { exportFigure(p); }, [this](const QString& p) { exportCsv(p); });
}

}  // namespace cw
