// `cwb props ensemble`'s engine, torch-free: member runs are written as a trainer writes them
// (predictions.csv, results.json) with the true band gaps and densities of a real tiny CrysTens
// data set and predictions off by known amounts, so the mean, the spread, the metrics and the
// refusals of members that do not match are all known in advance.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "core/atomic_file.h"
#include "core/error.h"
#include "error_text.h"
#include "ml/props/props_ensemble.h"
#include "ml/props/props_report.h"
#include "ml/props/props_run.h"
#include "ml/props/regression_metrics.h"
#include "tiny_datasets.h"

using namespace cw;
using namespace cw::ml;
namespace fs = std::filesystem;

using cw::test::contains;
using cw::test::errorOf;

namespace {

// Member m predicts truth + offsets[m] · difficulty(row): the mean is off by exactly the
// difficulty and the spread grows with it.
constexpr double kOffsets[3] = {-1.0, 1.0, 3.0};
double difficulty(std::size_t row) {
    return 0.05 * static_cast<double>(row % 7);
}

struct Truths {
    std::vector<PropsPredictionRow> rows;  // one per material and target, predicted = truth
};

Truths readTruths(const std::string& data) {
    const test::SimpleTable t = test::readSimpleTable(data + "/properties.csv");
    Truths truths;
    for (const auto& row : t.rows)
        for (const char* target : {"band_gap", "density"}) {
            PropsPredictionRow p;
            p.materialId = row[t.column("material_id")];
            p.split = row[t.column("split")];
            p.target = target;
            p.truth = std::stod(row[t.column(target)]);
            p.predicted = *p.truth;
            truths.rows.push_back(p);
        }
    return truths;
}

std::vector<PropsPredictionRow> memberRows(const Truths& truths, int member) {
    std::vector<PropsPredictionRow> rows = truths.rows;
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i].predicted = *rows[i].truth + kOffsets[member] * difficulty(i);
    return rows;
}

// The results.json a trainer would write for these predictions.
PropsResults resultsOf(const std::vector<PropsPredictionRow>& rows) {
    PropsResults r;
    r.model = "resnet";
    r.transform = "standardize";
    r.dataDir = "tiny";
    r.epochsDone = r.bestEpoch = 2;
    for (const char* split : {"test", "val"})
        for (const char* target : {"band_gap", "density"}) {
            std::vector<double> truth, predicted;
            for (const PropsPredictionRow& row : rows)
                if (row.split == split && row.target == target) {
                    truth.push_back(*row.truth);
                    predicted.push_back(row.predicted);
                }
            if (!truth.empty()) r.splits[split].push_back({target, regressionMetrics(truth, predicted), 1.5});
        }
    return r;
}

void writeMember(const std::string& run, std::vector<PropsPredictionRow> rows, bool reversed = false) {
    fs::create_directories(run);
    writeFileAtomically(propsResultsPath(run), propsResultsToJson(resultsOf(rows)));
    if (reversed) std::reverse(rows.begin(), rows.end());  // the ensemble lines rows up by key, not position
    writePropsPredictions(propsPredictionsPath(run), rows);
}

}  // namespace

class TestPropsEnsemble : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        const std::string data = path("crystens");
        test::buildTinyEncoding(data);
        m_truths = readTruths(data);
        QVERIFY(m_truths.rows.size() >= 20);
        for (int m = 0; m < 3; ++m) writeMember(member(m), memberRows(m_truths, m), m == 2);
    }

    void rankCorrelationMatchesHandComputedValues() {
        // No ties: 1 − 6·Σd²/(n(n² − 1)) with d = (−1, 1, −1, 1, 0) gives 1 − 24/120.
        QCOMPARE(spearmanRankCorrelation({1, 2, 3, 4, 5}, {2, 1, 4, 3, 5}), 0.8);
        // Ties share their mean rank: ranks (1, 2.5, 2.5, 4) against (1, 2, 3, 4) give 4.5/√22.5.
        QVERIFY(std::abs(spearmanRankCorrelation({1, 2, 2, 3}, {10, 20, 30, 40}) - 4.5 / std::sqrt(22.5)) < 1e-12);
        QCOMPARE(spearmanRankCorrelation({3, 2, 1}, {1, 5, 9}), -1.0);
        QVERIFY(std::isnan(spearmanRankCorrelation({1, 1, 1}, {1, 2, 3})));
        QVERIFY(std::isnan(spearmanRankCorrelation({1, 2}, {1, 2})));
        QVERIFY(contains(errorOf<ValueError>([] { spearmanRankCorrelation({1, 2, 3}, {1, 2}); }), "3 and 2"));
    }

    void meanSpreadAndMetricsOfThreeMembers() {
        const std::string out = path("ensemble");
        const PropsEnsemble e = ensemblePropsRuns({member(0), member(1), member(2)}, out);

        // predictions.csv: the mean, which is off by the row's difficulty; members.csv adds the
        // spread, √(Σ(o − 1)²/3) · difficulty = √(8/3) · difficulty, and each member's number.
        const auto mean = readPropsPredictions(propsPredictionsPath(out));
        QCOMPARE(mean.size(), m_truths.rows.size());
        for (std::size_t i = 0; i < mean.size(); ++i) {
            QCOMPARE(mean[i].materialId, m_truths.rows[i].materialId);
            QVERIFY(std::abs(mean[i].predicted - (*m_truths.rows[i].truth + difficulty(i))) < 1e-12);
        }
        const test::SimpleTable members = test::readSimpleTable(out + "/members.csv");
        QCOMPARE(members.header, (std::vector<std::string>{"material_id", "split", "target", "true", "mean", "std",
                                                           "member_1", "member_2", "member_3"}));
        for (std::size_t i = 0; i < members.rows.size(); ++i) {
            QVERIFY(std::abs(std::stod(members.rows[i][5]) - std::sqrt(8.0 / 3.0) * difficulty(i)) < 1e-12);
            QVERIFY(std::abs(std::stod(members.rows[i][8]) - (*m_truths.rows[i].truth + 3 * difficulty(i))) < 1e-12);
        }

        // results.json: the mean's metrics; the summaries: each member's MAE as its own
        // results.json has it (member 3's rows were stored in reverse order).
        const PropsResults r = readPropsResults(out);
        QCOMPARE(r.model, std::string("ensemble"));
        QCOMPARE(r.members.size(), std::size_t{3});
        QVERIFY(fs::path(r.members[2]).is_absolute());
        QVERIFY(fs::equivalent(r.members[2], member(2)));
        QCOMPARE(r.splits.at("test").size(), std::size_t{2});
        QCOMPARE(e.summaries.size(), r.splits.at("test").size() + r.splits.at("val").size());
        for (const EnsembleTargetSummary& s : e.summaries) {
            double expectedMae = 0;
            std::size_t n = 0;
            for (std::size_t i = 0; i < m_truths.rows.size(); ++i)
                if (m_truths.rows[i].split == s.split && m_truths.rows[i].target == s.target) {
                    expectedMae += difficulty(i);
                    ++n;
                }
            expectedMae /= static_cast<double>(n);
            QCOMPARE(s.count, n);
            QVERIFY(std::abs(s.ensembleMae - expectedMae) < 1e-12);
            const auto& inResults = r.splits.at(s.split);
            const auto it = std::find_if(inResults.begin(), inResults.end(), [&](const PropsTargetMetrics& t) {
                return t.target == s.target;
            });
            QVERIFY(it != inResults.end());
            QVERIFY(std::abs(it->metrics.mae - expectedMae) < 1e-12);
            QCOMPARE(it->trainMeanMae, 1.5);
            for (int m = 0; m < 3; ++m) {
                const PropsResults own = readPropsResults(member(m));
                for (const PropsTargetMetrics& t : own.splits.at(s.split))
                    if (t.target == s.target) QVERIFY(std::abs(s.memberMae[m] - t.metrics.mae) < 1e-12);
            }
            // The spread orders the errors exactly here.
            QVERIFY(std::abs(s.spreadErrorRankCorrelation - 1.0) < 1e-12);
            QVERIFY(s.maeLowSpreadHalf < s.maeHighSpreadHalf);
        }

        // The folder reads as a run: the report's table names the members, and the spread plot is there.
        QVERIFY(contains(propsResultsMarkdown(out), "Ensemble: the mean prediction of 3 runs"));
        const auto written = writePropsReport(out, path("ensemble-report"));
        QVERIFY(std::find(written.begin(), written.end(), path("ensemble-report") + "/parity-band_gap.png") != written.end());
        QVERIFY(fs::file_size(out + "/spread-density.png") > 1000);
        QVERIFY(fs::file_size(out + "/ensemble.json") > 100);
    }

    void membersThatDoNotMatchAreRefused() {
        const std::string out = path("refused");
        // A member that lacks a material the first one has.
        std::vector<PropsPredictionRow> fewer = memberRows(m_truths, 1);
        const PropsPredictionRow dropped = fewer[3];
        fewer.erase(fewer.begin() + 3);
        writeMember(path("fewer"), fewer);
        std::string message = errorOf<FormatError>([&] { ensemblePropsRuns({member(0), path("fewer")}, out); });
        QVERIFY2(contains(message, propsPredictionsPath(path("fewer"))) && contains(message, dropped.materialId) &&
                     contains(message, "has no prediction"),
                 message.c_str());
        // … and one with a material the first lacks.
        message = errorOf<FormatError>([&] { ensemblePropsRuns({path("fewer"), member(0)}, out); });
        QVERIFY2(contains(message, propsPredictionsPath(member(0))) && contains(message, dropped.materialId), message.c_str());
        // A member trained on other true values (another data set).
        std::vector<PropsPredictionRow> other = memberRows(m_truths, 1);
        *other[5].truth += 1;
        writeMember(path("other"), other);
        message = errorOf<FormatError>([&] { ensemblePropsRuns({member(0), path("other")}, out); });
        QVERIFY2(contains(message, other[5].materialId) && contains(message, "true value"), message.c_str());
        // A run that has not finished, one run alone, and --out on a training run.
        fs::create_directories(path("unfinished"));
        message = errorOf<IoError>([&] { ensemblePropsRuns({member(0), path("unfinished")}, out); });
        QVERIFY2(contains(message, "not finished"), message.c_str());
        message = errorOf<IoError>([&] { ensemblePropsRuns({member(0), path("missing")}, out); });
        QVERIFY2(contains(message, path("missing")) && contains(message, "no such run directory"), message.c_str());
        message = errorOf<ConfigError>([&] { ensemblePropsRuns({member(0)}, out); });
        QVERIFY2(contains(message, "at least two runs"), message.c_str());
        writeFileAtomically(path("training") + "/config.json", "{}");
        message = errorOf<ConfigError>([&] { ensemblePropsRuns({member(0), member(1)}, path("training")); });
        QVERIFY2(contains(message, "training run"), message.c_str());
        message = errorOf<ConfigError>([&] { ensemblePropsRuns({member(0), member(1)}, member(1)); });
        QVERIFY2(contains(message, "one of the member runs"), message.c_str());
        // Nothing was written by the refused calls.
        QVERIFY(!fs::exists(out));
        QVERIFY(!fs::exists(path("training") + "/predictions.csv"));
    }

    // `cwb props predict --run A B …`: each item's mean and spread over the runs, per target.
    void averagedPredictionsOfNewInputs() {
        const auto item = [](const std::string& id, double gap, double density) {
            PropsPrediction p;
            p.source = "mp_small.json";
            p.id = id;
            p.values = {gap, density};
            p.truth = {std::nullopt, 2.5};
            return p;
        };
        const std::vector<std::vector<PropsPrediction>> byMember{{item("mp-1", 1.0, 3.0), item("mp-2", 0.0, 5.0)},
                                                                 {item("mp-1", 2.0, 3.0), item("mp-2", 0.4, 7.0)},
                                                                 {item("mp-1", 3.0, 3.0), item("mp-2", 0.2, 3.0)}};
        const auto averaged = averagePropsPredictions(byMember, {"a", "b", "c"});
        QCOMPARE(averaged.size(), std::size_t{2});
        QCOMPARE(averaged[0].mean.id, std::string("mp-1"));
        QCOMPARE(averaged[0].mean.values[0], 2.0);
        QVERIFY(std::abs(averaged[0].spread[0] - std::sqrt(2.0 / 3.0)) < 1e-12);
        QCOMPARE(averaged[0].spread[1], 0.0);
        QVERIFY(std::abs(averaged[1].mean.values[0] - 0.2) < 1e-12);
        QCOMPARE(averaged[1].mean.values[1], 5.0);
        QVERIFY(std::abs(averaged[1].spread[1] - std::sqrt(8.0 / 3.0)) < 1e-12);
        QCOMPARE(*averaged[1].mean.truth[1], 2.5);

        // Runs whose filters kept other items.
        std::string message = errorOf<ConfigError>([&] {
            averagePropsPredictions({byMember[0], {item("mp-1", 1, 1), item("mp-3", 1, 1)}}, {"a", "b"});
        });
        QVERIFY2(contains(message, "mp-3") && contains(message, "mp-2") && contains(message, "for b"), message.c_str());
        message = errorOf<ConfigError>([&] { averagePropsPredictions({byMember[0], {item("mp-1", 1, 1)}}, {"a", "b"}); });
        QVERIFY2(contains(message, "b predicts 1 items") && contains(message, "filters"), message.c_str());
    }

private:
    std::string path(const std::string& name) const { return m_tmp.filePath(QString::fromStdString(name)).toStdString(); }
    std::string member(int m) const { return path("member" + std::to_string(m)); }

    QTemporaryDir m_tmp;
    Truths m_truths;
};

QTEST_GUILESS_MAIN(TestPropsEnsemble)
#include "test_props_ensemble.moc"
