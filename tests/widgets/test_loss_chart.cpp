// The Loss panel (widgets/charts/loss_chart.h) on metrics.csv files written here: point counts
// per run (non-positive and NaN losses left off the log axis), smoothing as loss_smoothing.h
// computes it, live re-reading of a growing file, a malformed file reported, and the PNG, SVG,
// PDF and CSV exports.
#include <QApplication>
#include <QChart>
#include <QImage>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "charts/chart_figure.h"
#include "charts/loss_chart.h"
#include "charts/loss_smoothing.h"
#include "core/atomic_file.h"
#include "ml/run_directory.h"

using cw::ml::MetricRow;

namespace {

// A loss that falls like a training loss, with a deterministic wiggle.
double lossAt(int i) {
    return 1.0 / (1.0 + 0.1 * i) + 0.02 * std::sin(1.7 * i);
}

std::vector<MetricRow> makeRows(int count, double scale = 1.0) {
    std::vector<MetricRow> rows;
    for (int i = 0; i < count; ++i)
        rows.push_back({10 * (i + 1), scale * lossAt(i), 1e-4, 50.0, 0.5 * i});
    return rows;
}

void writeMetrics(const QString& runDir, const std::vector<MetricRow>& rows,
                  const std::string& extra = {}) {
    std::string text = cw::ml::metricsHeader();
    for (const MetricRow& row : rows) text += cw::ml::metricsRow(row);
    cw::writeFileAtomically(cw::ml::runMetricsPath(runDir.toStdString()), text + extra);
}

// Pixels within `tolerance` of `color` per channel.
int pixelsNear(const QImage& image, QColor color, int tolerance) {
    int count = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (std::abs(c.red() - color.red()) <= tolerance &&
                std::abs(c.green() - color.green()) <= tolerance &&
                std::abs(c.blue() - color.blue()) <= tolerance)
                ++count;
        }
    return count;
}

}  // namespace

class TestLossChart : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // Loss axes end on powers of their base; a range within about a decade uses base 2 so that
    // it keeps labels.
    void logLossAxisEndsOnPowersOfItsBase() {
        QLogValueAxis axis;
        cw::fitLogLossAxis(axis, 0.3, 0.9);
        QCOMPARE(axis.base(), 2.0);
        QVERIFY(std::abs(axis.min() - 0.25) < 1e-6 && std::abs(axis.max() - 1.0) < 1e-5);
        cw::fitLogLossAxis(axis, 0.0012, 0.5);
        QCOMPARE(axis.base(), 10.0);
        QVERIFY(std::abs(axis.min() - 0.001) < 1e-8 && std::abs(axis.max() - 1.0) < 1e-5);
        cw::fitLogLossAxis(axis, 0.5, 4.0);  // powers of the base are their own ends
        QCOMPARE(axis.base(), 2.0);
        QVERIFY(std::abs(axis.min() - 0.5) < 1e-5 && std::abs(axis.max() - 4.0) < 1e-4);
        cw::fitLogLossAxis(axis, 0, 0);  // no data yet
        QVERIFY(std::abs(axis.min() - 0.01) < 1e-7 && std::abs(axis.max() - 1.0) < 1e-5);
    }

    void initTestCase() {
        QVERIFY(m_dir.isValid());
        // To look at the exported figures: CW_KEEP_TEST_OUTPUT=1 keeps the folder.
        if (qEnvironmentVariableIsSet("CW_KEEP_TEST_OUTPUT")) {
            m_dir.setAutoRemove(false);
            qInfo() << "output kept in" << m_dir.path();
        }
    }

    void pointCountsAndSmoothing() {
        const QString run = m_dir.filePath("alpha");
        std::vector<MetricRow> rows = makeRows(40);
        rows[7].loss = std::nan("");  // a diverged step
        rows[12].loss = 0.0;          // nothing to draw on a log axis
        writeMetrics(run, rows);

        cw::LossChart chart;
        chart.setRefreshInterval(0);
        chart.setSmoothing(0.5);
        chart.setRuns({run});
        QVERIFY(chart.rawSeries(run) && chart.smoothedSeries(run));
        QCOMPARE(chart.rawSeries(run)->count(), 38);
        QCOMPARE(chart.smoothedSeries(run)->count(), 38);
        QCOMPARE(chart.smoothedSeries(run)->name(), QString("alpha"));
        QVERIFY(chart.runError(run).isEmpty());

        std::vector<double> losses;
        for (const MetricRow& r : rows) losses.push_back(r.loss);
        const std::vector<double> expected = cw::smoothLoss(losses, 0.5);
        // Drawn point 19 is row 21 (rows 7 and 12 are not drawn), step 220.
        const QPointF p = chart.smoothedSeries(run)->at(19);
        QCOMPARE(p.x(), 220.0);
        // metrics.csv holds 9 significant digits.
        QVERIFY(std::abs(p.y() - expected[21]) < 1e-8);
        QVERIFY(std::abs(chart.rawSeries(run)->at(19).y() - rows[21].loss) < 1e-8);

        // The slider moves the smoothing: at 0 the bold curve is the raw one.
        chart.setSmoothing(0.0);
        QVERIFY(std::abs(chart.smoothedSeries(run)->at(19).y() - rows[21].loss) < 1e-8);
    }

    void severalRunsOverlaid() {
        const QString a = m_dir.filePath("run-a"), b = m_dir.filePath("run-b");
        writeMetrics(a, makeRows(30));
        writeMetrics(b, makeRows(12, 2.0));
        cw::LossChart chart;
        chart.setRefreshInterval(0);
        chart.setRuns({a, b});
        QCOMPARE(chart.rawSeries(a)->count(), 30);
        QCOMPARE(chart.rawSeries(b)->count(), 12);
        QVERIFY(chart.smoothedSeries(a)->pen().color() != chart.smoothedSeries(b)->pen().color());
        // The raw curve is a faint version of its run's colour.
        QCOMPARE(chart.rawSeries(a)->pen().color().rgb(),
                 chart.smoothedSeries(a)->pen().color().rgb());
        QVERIFY(chart.rawSeries(a)->pen().color().alpha() < 255);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        int visibleMarkers = 0;
        for (QLegendMarker* m : chart.chart()->legend()->markers())
            if (m->isVisible()) ++visibleMarkers;
        QCOMPARE(visibleMarkers, 2);  // one legend entry per run

        chart.setRuns({b});
        QVERIFY(chart.rawSeries(a) == nullptr);
        QCOMPARE(chart.runs(), QStringList{b});
    }

    void liveRefresh() {
        const QString run = m_dir.filePath("growing");
        std::vector<MetricRow> rows = makeRows(10);
        writeMetrics(run, rows, "110,0.2");  // a row being written
        cw::LossChart chart;
        chart.setRefreshInterval(0);
        chart.setRuns({run});
        QCOMPARE(chart.rawSeries(run)->count(), 10);
        rows = makeRows(25);
        writeMetrics(run, rows);
        chart.refresh();
        QCOMPARE(chart.rawSeries(run)->count(), 25);
    }

    void malformedMetricsReported() {
        const QString run = m_dir.filePath("broken");
        writeMetrics(run, makeRows(5), "60,oops,1e-4,1,1\n70,0.5,1e-4,1,1\n");
        cw::LossChart chart;
        chart.setRefreshInterval(0);
        QSignalSpy failed(&chart, &cw::LossChart::loadFailed);
        chart.setRuns({run});
        QCOMPARE(failed.count(), 1);
        QVERIFY2(chart.runError(run).contains("metrics.csv:line 7"),
                 qPrintable(chart.runError(run)));
    }

    void exports() {
        const QString run = m_dir.filePath("exported");
        std::vector<MetricRow> rows = makeRows(50);
        rows[3].loss = std::nan("");
        writeMetrics(run, rows);
        cw::LossChart chart;
        chart.setRefreshInterval(0);
        chart.setSmoothing(0.8);
        chart.setRuns({run});

        const QString png = m_dir.filePath("loss.png"), svg = m_dir.filePath("loss.svg"),
                      pdf = m_dir.filePath("loss.pdf"), csv = m_dir.filePath("loss.csv");
        chart.exportFigure(png, 1200);
        chart.exportFigure(svg);
        chart.exportFigure(pdf);
        chart.exportCsv(csv);
        for (const QString& path : {png, svg, pdf, csv})
            QVERIFY2(QFileInfo(path).size() > 0, qPrintable(path));

        const QImage image(png);
        QCOMPARE(image.width(), 1200);
        // The first run's bold curve is drawn in tab10 blue.
        QVERIFY(pixelsNear(image, chart.smoothedSeries(run)->pen().color(), 12) > 200);
        QVERIFY(cw::readFileToString(svg.toStdString()).find("<svg") != std::string::npos);

        const QString text = QString::fromStdString(cw::readFileToString(csv.toStdString()));
        QStringList lines = text.split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.takeFirst(), QString("run,step,raw,smoothed"));
        QCOMPARE(lines.size(), 50);
        std::vector<double> losses;
        for (const MetricRow& r : rows) losses.push_back(r.loss);
        const std::vector<double> smoothed = cw::smoothLoss(losses, 0.8);
        for (int i = 0; i < lines.size(); ++i) {
            const QStringList f = lines[i].split(',');
            QCOMPARE(f.size(), 4);
            QCOMPARE(f[0], QString("exported"));
            QCOMPARE(f[1].toLongLong(), rows[static_cast<std::size_t>(i)].step);
            if (i == 3) {
                QCOMPARE(f[2], QString("nan"));
                continue;
            }
            QVERIFY(std::abs(f[2].toDouble() - rows[static_cast<std::size_t>(i)].loss) < 1e-8);
            QVERIFY(std::abs(f[3].toDouble() - smoothed[static_cast<std::size_t>(i)]) < 1e-8);
        }
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestLossChart)
#include "test_loss_chart.moc"
