#pragma once
// Atoms per slice of training and generated images as two overlaid step histograms (translucent
// areas over the unit-wide bins of engine/metrics/wasserstein.h integerHistograms, merged by
// whole bin widths when the counts spread wide), as counts or as fractions of each set (the sets
// rarely have the same size); export as a figure (PNG, SVG, PDF) or CSV.

#include <QStringList>
#include <QWidget>
#include <vector>

#include "metrics/wasserstein.h"

class QAreaSeries;
class QChart;
class QChartView;
class QCheckBox;
class QSpinBox;

namespace cw {

class CountHistogramChart : public QWidget {
    Q_OBJECT
public:
    enum Set { Training = 0, Generated = 1 };

    explicit CountHistogramChart(QWidget* parent = nullptr);

    /// Atoms per image of each set (either may be empty: nothing is drawn then); `notes` (KS,
    /// W1) become the exported figure's title.
    void setCounts(const std::vector<double>& training, const std::vector<double>& generated,
                   const QStringList& notes = {});
    bool hasData() const { return !m_histograms.first.counts.empty(); }
    /// Fractions of each set (default) or image counts; the check box follows.
    void setNormalised(bool normalised);
    bool normalised() const { return m_normalised; }

    /// Atoms per plotted bin: 0 = automatic (1, or the least whole width giving at most 40
    /// bins); the spin box follows.
    void setBinWidth(int atoms);
    /// The width in use (≥ 1).
    int binWidth() const;

    /// The unit-bin histograms as computed (shared edges at k − 0.5).
    const Histogram& histogram(Set set) const;
    /// The plotted histogram of a set: binWidth() unit bins merged into one (the last may be
    /// narrower).
    Histogram plottedHistogram(Set set) const;
    /// The plotted area of a set (null without data). Its upper series traces the steps of
    /// plottedHistogram: (edge₀, 0), then for bin i the points (edgeᵢ, vᵢ) and (edgeᵢ₊₁, vᵢ),
    /// then (edgeₙ, 0); vᵢ is the count, or the count over the set's size as a fraction.
    const QAreaSeries* series(Set set) const { return m_series[set]; }
    QChart* chart() const { return m_chart; }

    /// Writes the chart (.png `pngWidth` wide, .svg, .pdf). Throws ConfigError (suffix), IoError.
    void exportFigure(const QString& path, int pngWidth = 1600) const;
    /// Writes atoms,training,generated,training_fraction,generated_fraction, one row per atom
    /// count (unit bins, whatever the plotted width). Throws IoError.
    void exportCsv(const QString& path) const;
    void exportDialog();

private:
    void rebuild();
    void fillChart(QChart& chart, QAreaSeries** keep) const;

    std::pair<Histogram, Histogram> m_histograms;
    std::size_t m_sizes[2] = {0, 0};
    QStringList m_notes;
    bool m_normalised = true;
    int m_binWidth = 0;
    QChart* m_chart;
    QChartView* m_view;
    QCheckBox* m_normalisedBox;
    QSpinBox* m_binBox;
    QAreaSeries* m_series[2] = {nullptr, nullptr};
};

}  // namespace cw
