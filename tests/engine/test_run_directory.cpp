// The training run-directory layout (engine/ml/run_directory.h): status.json round trip,
// metrics.csv reading (a cut-off last row ignored, a malformed row named by file and line) and
// truncation for resume, listing the runs of a workspace, resolving --checkpoint, and finding
// the newest sample grid.
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"
#include "ml/diffusion/run_listing.h"
#include "ml/diffusion/training_config.h"
#include "ml/run_directory.h"

namespace fs = std::filesystem;
using namespace cw::ml;

namespace {

void touch(const std::string& path, const std::string& content = "x") {
    cw::writeFileAtomically(path, content);
}

std::string metricsText(std::initializer_list<MetricRow> rows) {
    std::string text = metricsHeader();
    for (const MetricRow& row : rows) text += metricsRow(row);
    return text;
}

}  // namespace

class TestRunDirectory : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void stateNames() {
        for (RunState s : {RunState::New, RunState::Running, RunState::Paused, RunState::Cancelled,
                           RunState::Finished, RunState::Failed})
            QCOMPARE(parseRunState(runStateName(s)), s);
        QCOMPARE(QString(runStateName(RunState::Paused)), QString("paused"));
        QCOMPARE(parseRunState("exploded"), RunState::Failed);
    }

    void statusRoundTrip() {
        QTemporaryDir dir;
        const std::string run = dir.path().toStdString() + "/run";
        QCOMPARE(readRunStatus(run).state, RunState::New);  // no status.json yet

        RunStatus status;
        status.state = RunState::Paused;
        status.step = 1234;
        status.totalSteps = 5000;
        status.message = "paused by the user";
        writeRunStatus(run, status);
        const RunStatus back = readRunStatus(run);
        QCOMPARE(back.state, RunState::Paused);
        QCOMPARE(back.step, std::int64_t{1234});
        QCOMPARE(back.totalSteps, std::int64_t{5000});
        QCOMPARE(back.message, status.message);
        // ISO 8601 UTC: 2026-11-24T10:00:00Z
        QVERIFY2(QRegularExpression("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$")
                     .match(QString::fromStdString(back.updated))
                     .hasMatch(),
                 back.updated.c_str());

        touch(runStatusPath(run), "{\"state\": ");
        QVERIFY_THROWS_EXCEPTION(cw::FormatError, readRunStatus(run));
        touch(runStatusPath(run), "{\"state\": \"sleeping\", \"step\": 3}");
        QVERIFY_THROWS_EXCEPTION(cw::FormatError, readRunStatus(run));
    }

    void metricsRoundTrip() {
        QTemporaryDir dir;
        const std::string run = dir.path().toStdString();
        QVERIFY(readMetrics(run).empty());  // no metrics.csv yet
        touch(runMetricsPath(run), metricsText({{10, 0.5, 1e-4, 12.5, 3.25},
                                                {20, 0.25, 2e-4, 13.0, 6.5},
                                                {30, 0.125, 3e-4, 13.5, 9.75}}));
        const std::vector<MetricRow> rows = readMetrics(run);
        QCOMPARE(rows.size(), std::size_t{3});
        QCOMPARE(rows[1].step, std::int64_t{20});
        QCOMPARE(rows[1].loss, 0.25);
        QCOMPARE(rows[1].learningRate, 2e-4);
        QCOMPARE(rows[1].imagesPerSecond, 13.0);
        QCOMPARE(rows[2].wallSeconds, 9.75);
    }

    void metricsTruncatedLastLineIgnored() {
        QTemporaryDir dir;
        const std::string run = dir.path().toStdString();
        // Killed mid-write: the last row stops inside a number, without its newline.
        touch(runMetricsPath(run),
              metricsText({{10, 0.5, 1e-4, 12.5, 3.0}, {20, 0.25, 1e-4, 12.5, 6.0}}) + "30,0.12");
        const std::vector<MetricRow> rows = readMetrics(run);
        QCOMPARE(rows.size(), std::size_t{2});
        QCOMPARE(rows.back().step, std::int64_t{20});
    }

    void metricsMalformedMiddleLine() {
        QTemporaryDir dir;
        const std::string run = dir.path().toStdString();
        touch(runMetricsPath(run), metricsHeader() + metricsRow({10, 0.5, 1e-4, 12.5, 3.0}) +
                                       "20,zero point five,1e-4,12.5,6.0\n" +
                                       metricsRow({30, 0.25, 1e-4, 12.5, 9.0}));
        try {
            readMetrics(run);
            QFAIL("a malformed row must throw");
        } catch (const cw::FormatError& e) {
            QCOMPARE(e.path(), runMetricsPath(run));
            QCOMPARE(e.location(), std::string("line 3"));
            QVERIFY(std::string(e.what()).find("zero point five") != std::string::npos);
        }
    }

    void truncateForResume() {
        QTemporaryDir dir;
        const std::string run = dir.path().toStdString();
        touch(runMetricsPath(run), metricsText({{10, 0.5, 1e-4, 1, 1},
                                                {20, 0.4, 1e-4, 1, 2},
                                                {30, 0.3, 1e-4, 1, 3},
                                                {40, 0.2, 1e-4, 1, 4}}) +
                                       "50,0.1,");
        truncateMetrics(run, 20);
        const std::vector<MetricRow> rows = readMetrics(run);
        QCOMPARE(rows.size(), std::size_t{2});
        QCOMPARE(rows.back().step, std::int64_t{20});
        // The header survives and new rows append after a complete line.
        const std::string text = cw::readFileToString(runMetricsPath(run));
        QVERIFY(text.rfind(metricsHeader(), 0) == 0);
        QCOMPARE(text.back(), '\n');
    }

    void listRunsOfWorkspace() {
        QTemporaryDir dir;
        const std::string ws = dir.path().toStdString();
        DiffusionTrainingConfig config;
        config.dataDir = "/data/ecd-64";
        config.steps = 500;
        touch(runConfigPath(ws + "/b-good"), diffusionTrainingConfigToJson(config));
        RunStatus status;
        status.state = RunState::Running;
        status.step = 120;
        status.totalSteps = 500;
        writeRunStatus(ws + "/b-good", status);
        touch(runConfigPath(ws + "/a-broken"), "{ \"steps\": ");
        fs::create_directories(ws + "/not-a-run/samples");
        touch(ws + "/notes.txt");

        const std::vector<RunSummary> runs = listRuns(ws);
        QCOMPARE(runs.size(), std::size_t{2});
        QCOMPARE(runs[0].name, std::string("a-broken"));
        QCOMPARE(runs[0].status.state, RunState::Failed);
        QVERIFY2(runs[0].status.message.find("config.json") != std::string::npos,
                 runs[0].status.message.c_str());
        QCOMPARE(runs[1].name, std::string("b-good"));
        QCOMPARE(runs[1].directory, ws + "/b-good");
        QCOMPARE(runs[1].status.state, RunState::Running);
        QCOMPARE(runs[1].status.step, std::int64_t{120});
        QCOMPARE(runs[1].status.totalSteps, std::int64_t{500});
        QCOMPARE(runs[1].dataDir, config.dataDir);

        QVERIFY_THROWS_EXCEPTION(cw::IoError, listRuns(ws + "/missing"));
    }

    void resolveCheckpoints() {
        QTemporaryDir dir;
        const std::string run = dir.path().toStdString();
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, resolveCheckpoint(run, "latest"));
        touch(runLatestCheckpointPath(run));
        touch(runStepCheckpointPath(run, 1000));
        touch(runStepCheckpointPath(run, 200));
        touch(runCheckpointDir(run) + "/latest.pt.part");
        QCOMPARE(resolveCheckpoint(run, "latest"), runLatestCheckpointPath(run));
        QCOMPARE(resolveCheckpoint(run, "ema-latest"), runLatestCheckpointPath(run));
        QCOMPARE(resolveCheckpoint(run, "1000"), runStepCheckpointPath(run, 1000));
        QVERIFY(runStepCheckpointPath(run, 1000).ends_with("checkpoints/step-00001000.pt"));
        QCOMPARE(checkpointSteps(run), (std::vector<std::int64_t>{200, 1000}));
        try {
            resolveCheckpoint(run, "300");
            QFAIL("a missing step must throw");
        } catch (const cw::ConfigError& e) {
            const std::string message = e.what();
            QVERIFY2(message.find("300") != std::string::npos &&
                         message.find("200, 1000") != std::string::npos,
                     e.what());
        }
        const std::string elsewhere = run + "/exported.pt";
        touch(elsewhere);
        QCOMPARE(resolveCheckpoint(run, elsewhere), elsewhere);
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, resolveCheckpoint(run, run + "/nothing.pt"));
    }

    void newestSampleGrid() {
        QTemporaryDir dir;
        const std::string run = dir.path().toStdString();
        QVERIFY(!latestSampleGrid(run).has_value());
        touch(runSampleGridPath(run, 900));
        touch(runSampleGridPath(run, 99999999));
        touch(runSampleGridPath(run, 100000000));  // 9 digits: the largest step, not the last name
        touch(runSampleGridPath(run, 2000));
        touch(runSamplesDir(run) + "/step-00099999.npy");  // arrays are not grids
        touch(runSamplesDir(run) + "/grid.png");
        QCOMPARE(latestSampleGrid(run).value_or(""), runSampleGridPath(run, 100000000));
    }
};

QTEST_APPLESS_MAIN(TestRunDirectory)
#include "test_run_directory.moc"
