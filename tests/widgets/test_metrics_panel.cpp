// The Metrics panel (widgets/panels/metrics_panel.h) on evaluations of a tiny real ECD data set
// against itself (D = 0) and against a thinned copy (D > 0): the summary text, histogram
// areas equal to integerHistograms of the result's counts (as counts and as fractions), the
// chart over steps from an eval.csv written here (points per metric, live re-reading), and the
// PNG, SVG, PDF and CSV exports.
#include <QAreaSeries>
#include <QChart>
#include <QImage>
#include <QLineSeries>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "charts/count_histogram_chart.h"
#include "charts/eval_steps_chart.h"
#include "core/atomic_file.h"
#include "metrics/wasserstein.h"
#include "ml/diffusion/eval_log.h"
#include "panels/metrics_panel.h"
#include "tiny_evaluation.h"

namespace {

// The number after `label` in the summary ("KS D = 0.1667, …" → 0.1667); NaN if absent.
double summaryNumber(const QString& text, const QString& label) {
    const QRegularExpression pattern(QRegularExpression::escape(label) + "\\s*=\\s*([-+0-9.eE]+)");
    const QRegularExpressionMatch match = pattern.match(text);
    return match.hasMatch() ? match.captured(1).toDouble() : std::nan("");
}

cw::ml::EvalLogRow evalRow(std::int64_t step, double fid, double kid, double d) {
    cw::ml::EvalLogRow row;
    row.step = step;
    row.realCount = 30;
    row.generatedCount = 16;
    row.meanAtomsReal = 7.5;
    row.meanAtomsGenerated = 6.0;
    row.ksStatistic = d;
    row.ksPValue = 0.2;
    row.wasserstein = 1.5;
    row.fid = fid;
    row.kid = kid;
    row.extractor = "spectral-v1 (96-d)";
    return row;
}

}  // namespace

class TestMetricsPanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        const cw::test::TinyEvaluations tiny = cw::test::evaluateTiny(m_dir);
        m_self = tiny.self;
        m_other = tiny.other;
        QVERIFY(m_self && m_other);
    }

    void summaryShowsKs() {
        cw::MetricsPanel panel;
        QVERIFY(panel.summaryText().isEmpty());
        panel.setEvaluation(m_self);
        QString text = panel.summaryText();
        QVERIFY2(text.contains("KS D = 0,"), qPrintable(text));
        QVERIFY2(text.contains("W1 = 0 atoms"), qPrintable(text));
        QVERIFY2(text.contains("spectral"), qPrintable(text));  // FID names its extractor
        QVERIFY2(text.contains(QString("Training: %1 images").arg(m_self->result.realCount)),
                 qPrintable(text));

        panel.setEvaluation(m_other);
        text = panel.summaryText();
        const double d = summaryNumber(text, "KS D");
        QVERIFY2(d > 0, qPrintable(text));
        QVERIFY(std::abs(d - m_other->result.ks->statistic) < 1e-3 * m_other->result.ks->statistic);
        const double p = summaryNumber(text, "p");
        QVERIFY(std::abs(p - m_other->result.ks->pvalue) <= 1e-2 * m_other->result.ks->pvalue);
        QVERIFY(std::abs(summaryNumber(text, "W1") - *m_other->result.wasserstein) < 1e-3);
        QVERIFY(std::abs(summaryNumber(text, "FID") - m_other->result.frechet->fid) <
                1e-3 * std::abs(m_other->result.frechet->fid));
        // The mean counts of both sets.
        double mean = 0;
        for (double c : m_other->result.generatedAtomCounts) mean += c;
        mean /= static_cast<double>(m_other->result.generatedAtomCounts.size());
        QVERIFY2(text.contains(QString("mean %1 atoms").arg(QString::number(mean, 'g', 4))),
                 qPrintable(text));

        panel.setEvaluation(nullptr);
        QVERIFY(panel.summaryText().isEmpty());
        QVERIFY(!panel.histogramChart()->hasData());
    }

    void histogramsMatchCounts() {
        cw::MetricsPanel panel;
        panel.setEvaluation(m_other);
        cw::CountHistogramChart* chart = panel.histogramChart();
        const auto expected = cw::integerHistograms(m_other->result.realAtomCounts,
                                                    m_other->result.generatedAtomCounts);
        QVERIFY(expected.first.counts.size() >= 2);  // the thinned copy has fewer atoms
        // Automatic width: unit bins, or whole widths giving at most 40 bins.
        QCOMPARE(chart->binWidth(), static_cast<int>(std::max<std::size_t>(
                                        1, (expected.first.counts.size() + 39) / 40)));
        chart->setBinWidth(1);
        for (bool fractions : {false, true}) {
            chart->setNormalised(fractions);
            for (auto set :
                 {cw::CountHistogramChart::Training, cw::CountHistogramChart::Generated}) {
                const cw::Histogram& h =
                    set == cw::CountHistogramChart::Training ? expected.first : expected.second;
                const double n =
                    static_cast<double>(set == cw::CountHistogramChart::Training
                                            ? m_other->result.realAtomCounts.size()
                                            : m_other->result.generatedAtomCounts.size());
                QCOMPARE(chart->histogram(set).counts, h.counts);
                const QAreaSeries* area = chart->series(set);
                QVERIFY(area);
                const QLineSeries* upper = area->upperSeries();
                QCOMPARE(upper->count(), static_cast<int>(2 * h.counts.size() + 2));
                for (std::size_t bin = 0; bin < h.counts.size(); ++bin) {
                    const double value = fractions ? h.counts[bin] / n : double(h.counts[bin]);
                    const QPointF left = upper->at(static_cast<int>(1 + 2 * bin));
                    const QPointF right = upper->at(static_cast<int>(2 + 2 * bin));
                    QCOMPARE(left.x(), h.edges[bin]);
                    QCOMPARE(right.x(), h.edges[bin + 1]);
                    QCOMPARE(left.y(), value);
                    QCOMPARE(right.y(), value);
                }
            }
        }
        // Bins of 3 atoms sum three unit bins (the last may hold fewer).
        chart->setNormalised(false);
        chart->setBinWidth(3);
        const QLineSeries* merged =
            chart->series(cw::CountHistogramChart::Generated)->upperSeries();
        const std::size_t mergedBins = (expected.second.counts.size() + 2) / 3;
        QCOMPARE(merged->count(), static_cast<int>(2 * mergedBins + 2));
        for (std::size_t bin = 0; bin < mergedBins; ++bin) {
            std::size_t sum = 0;
            for (std::size_t k = 3 * bin; k < std::min(3 * bin + 3, expected.second.counts.size());
                 ++k)
                sum += expected.second.counts[k];
            QCOMPARE(merged->at(static_cast<int>(1 + 2 * bin)).y(), double(sum));
            QCOMPARE(merged->at(static_cast<int>(1 + 2 * bin)).x(), expected.second.edges[3 * bin]);
        }
        QCOMPARE(merged->at(merged->count() - 1).x(), expected.second.edges.back());

        // Self: the two areas are the same steps.
        panel.setEvaluation(m_self);
        const QLineSeries* a = chart->series(cw::CountHistogramChart::Training)->upperSeries();
        const QLineSeries* b = chart->series(cw::CountHistogramChart::Generated)->upperSeries();
        QCOMPARE(a->points(), b->points());
    }

    void evalLogOverSteps() {
        const QString run = m_dir.filePath("run");
        const std::string runDir = run.toStdString();
        cw::ml::appendEvalLogRow(runDir, evalRow(500, 80.0, 0.05, 0.4));
        cw::ml::EvalLogRow noFid = evalRow(1000, 0, 0, 0.3);
        noFid.fid.reset();
        noFid.kid.reset();
        noFid.extractor.clear();
        cw::ml::appendEvalLogRow(runDir, noFid);
        cw::ml::appendEvalLogRow(runDir, evalRow(1500, 40.0, 0.02, 0.2));

        cw::MetricsPanel panel;
        cw::EvalStepsChart* steps = panel.stepsChart();
        steps->setRefreshInterval(0);
        panel.setRun(run);
        QCOMPARE(steps->rows().size(), std::size_t{3});
        const QLineSeries* fid = steps->series(cw::EvalStepsChart::Fid);
        const QLineSeries* kid = steps->series(cw::EvalStepsChart::Kid);
        const QLineSeries* ks = steps->series(cw::EvalStepsChart::KsStatistic);
        QCOMPARE(fid->points(), (QList<QPointF>{{500, 80.0}, {1500, 40.0}}));
        QCOMPARE(kid->points(), (QList<QPointF>{{500, 0.05}, {1500, 0.02}}));
        QCOMPARE(ks->points(), (QList<QPointF>{{500, 0.4}, {1000, 0.3}, {1500, 0.2}}));

        // The trainer appends a row: the next refresh plots it.
        cw::ml::appendEvalLogRow(runDir, evalRow(2000, 30.0, 0.01, 0.1));
        steps->refresh();
        QCOMPARE(steps->series(cw::EvalStepsChart::Fid)->count(), 3);
        QCOMPARE(steps->series(cw::EvalStepsChart::KsStatistic)->at(3), QPointF(2000, 0.1));

        // A malformed line is reported and the good rows stay.
        QSignalSpy failed(&panel, &cw::MetricsPanel::loadFailed);
        const std::string path = cw::ml::runEvalLogPath(runDir);
        cw::writeFileAtomically(path, cw::readFileToString(path) + "2500,x,y\n");
        steps->refresh();
        QCOMPARE(failed.count(), 1);
        QVERIFY2(steps->loadError().contains("eval.csv"), qPrintable(steps->loadError()));
        QCOMPARE(steps->series(cw::EvalStepsChart::KsStatistic)->count(), 4);

        panel.setRun({});
        QCOMPARE(steps->series(cw::EvalStepsChart::KsStatistic)->count(), 0);
    }

    void exports() {
        cw::MetricsPanel panel;
        panel.setEvaluation(m_other);
        const QString run = m_dir.filePath("exported-run");
        for (int i = 1; i <= 4; ++i)
            cw::ml::appendEvalLogRow(run.toStdString(),
                                     evalRow(250 * i, 100.0 / i, 0.1 / i, 0.5 / i));
        panel.stepsChart()->setRefreshInterval(0);
        panel.setRun(run);

        for (const QString& name : {QString("histogram"), QString("steps")}) {
            const QString png = m_dir.filePath(name + ".png"), svg = m_dir.filePath(name + ".svg"),
                          pdf = m_dir.filePath(name + ".pdf"), csv = m_dir.filePath(name + ".csv");
            if (name == "histogram") {
                panel.histogramChart()->exportFigure(png, 1000);
                panel.histogramChart()->exportFigure(svg);
                panel.histogramChart()->exportFigure(pdf);
                panel.histogramChart()->exportCsv(csv);
            } else {
                panel.stepsChart()->exportFigure(png, 1000);
                panel.stepsChart()->exportFigure(svg);
                panel.stepsChart()->exportFigure(pdf);
                panel.stepsChart()->exportCsv(csv);
            }
            for (const QString& path : {png, svg, pdf, csv})
                QVERIFY2(QFileInfo(path).size() > 0, qPrintable(path));
            const QImage image(png);
            QCOMPARE(image.size(), QSize(1000, 625));  // the 800 × 500 figure
            QVERIFY(cw::readFileToString(svg.toStdString()).find("<svg") != std::string::npos);
            QVERIFY(cw::readFileToString(pdf.toStdString()).rfind("%PDF", 0) == 0);
        }

        // The histogram CSV holds the counts of both sets per atom count.
        const auto expected = cw::integerHistograms(m_other->result.realAtomCounts,
                                                    m_other->result.generatedAtomCounts);
        QStringList lines = QString::fromStdString(
                                cw::readFileToString(m_dir.filePath("histogram.csv").toStdString()))
                                .split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.takeFirst(),
                 QString("atoms,training,generated,training_fraction,generated_fraction"));
        QCOMPARE(lines.size(), static_cast<int>(expected.first.counts.size()));
        for (int i = 0; i < lines.size(); ++i) {
            const QStringList f = lines[i].split(',');
            const auto bin = static_cast<std::size_t>(i);
            QCOMPARE(f[0].toDouble(), expected.first.edges[bin] + 0.5);
            QCOMPARE(f[1].toULongLong(), static_cast<qulonglong>(expected.first.counts[bin]));
            QCOMPARE(f[2].toULongLong(), static_cast<qulonglong>(expected.second.counts[bin]));
        }

        // The steps CSV: one row per evaluation with its numbers.
        lines =
            QString::fromStdString(cw::readFileToString(m_dir.filePath("steps.csv").toStdString()))
                .split('\n', Qt::SkipEmptyParts);
        QVERIFY(lines.takeFirst().startsWith("step,"));
        QCOMPARE(lines.size(), 4);
        const QStringList last = lines.last().split(',');
        QCOMPARE(last[0], QString("1000"));
        QCOMPARE(last[8].toDouble(), 25.0);   // fid
        QCOMPARE(last[5].toDouble(), 0.125);  // ks_statistic
        QVERIFY(lines.last().endsWith("spectral-v1 (96-d)"));
    }

private:
    QTemporaryDir m_dir;
    cw::EvaluationDataPtr m_self, m_other;
};

QTEST_MAIN(TestMetricsPanel)
#include "test_metrics_panel.moc"
