// RUN/eval.csv (engine/ml/diffusion/eval_log.h): rows appended under one header and read back with
// empty cells as "not computed", an extractor name with a comma quoted, truncation for resume, a
// cut-off last line dropped, malformed lines skipped and named, and a missing file.
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"
#include "ml/diffusion/eval_log.h"

using namespace cw::ml;

namespace {

EvalLogRow fullRow(std::int64_t step) {
    EvalLogRow row;
    row.step = step;
    row.realCount = 256;
    row.generatedCount = 16;
    row.meanAtomsReal = 11.25;
    row.meanAtomsGenerated = 9.5 + static_cast<double>(step) / 1000.0;
    row.ksStatistic = 0.3125;
    row.ksPValue = 0.0123456789;
    row.wasserstein = 1.75;
    row.fid = 123.456789;
    row.kid = -0.00125;  // the unbiased KID estimate can be negative
    row.extractor = "spectral-v1 (96-d)";
    return row;
}

}  // namespace

class TestEvalLog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void pathIsInTheRun() {
        QCOMPARE(QString::fromStdString(runEvalLogPath("/runs/a")), QString("/runs/a/eval.csv"));
    }

    void missingFileHasNoRows() {
        QTemporaryDir dir;
        std::vector<std::string> problems;
        QVERIFY(readEvalLog(dir.path().toStdString(), &problems).empty());
        QVERIFY(problems.empty());
        truncateEvalLog(dir.path().toStdString(), 10);  // a missing file is fine
        QVERIFY(!std::filesystem::exists(runEvalLogPath(dir.path().toStdString())));
    }

    void appendWritesOneHeaderAndRoundTrips() {
        QTemporaryDir dir;
        const std::string run = dir.path().toStdString();
        appendEvalLogRow(run, fullRow(100));
        EvalLogRow sparse;  // no counting (encoding data sets), no FID
        sparse.step = 200;
        sparse.realCount = 40;
        sparse.generatedCount = 4;
        appendEvalLogRow(run, sparse);

        const std::string text = cw::readFileToString(runEvalLogPath(run));
        QCOMPARE(QString::fromStdString(text.substr(0, text.find('\n'))),
                 QString("step,real_count,generated_count,mean_atoms_real,mean_atoms_generated,"
                         "ks_statistic,ks_pvalue,wasserstein,fid,kid,extractor"));
        QCOMPARE(std::count(text.begin(), text.end(), '\n'), 3);
        QVERIFY(text.find("\n200,40,4,,,,,,,,\n") != std::string::npos);

        std::vector<std::string> problems;
        const auto rows = readEvalLog(run, &problems);
        QVERIFY(problems.empty());
        QCOMPARE(rows.size(), std::size_t{2});
        const EvalLogRow expected = fullRow(100);
        QCOMPARE(rows[0].step, std::int64_t{100});
        QCOMPARE(rows[0].realCount, std::size_t{256});
        QCOMPARE(rows[0].generatedCount, std::size_t{16});
        QCOMPARE(*rows[0].meanAtomsReal, *expected.meanAtomsReal);
        QCOMPARE(*rows[0].meanAtomsGenerated, *expected.meanAtomsGenerated);
        QCOMPARE(*rows[0].ksStatistic, *expected.ksStatistic);
        QCOMPARE(*rows[0].ksPValue, *expected.ksPValue);
        QCOMPARE(*rows[0].wasserstein, *expected.wasserstein);
        QCOMPARE(*rows[0].fid, *expected.fid);
        QCOMPARE(*rows[0].kid, *expected.kid);
        QCOMPARE(rows[0].extractor, expected.extractor);
        QCOMPARE(rows[1].step, std::int64_t{200});
        QVERIFY(!rows[1].meanAtomsReal && !rows[1].ksStatistic && !rows[1].fid && !rows[1].kid);
        QVERIFY(rows[1].extractor.empty());
    }

    void extractorWithCommaAndQuotesIsQuoted() {
        QTemporaryDir dir;
        const std::string run = dir.path().toStdString();
        EvalLogRow row = fullRow(5);
        row.extractor = "torchscript:my \"best\",net.pt (2048-d)";
        appendEvalLogRow(run, row);
        const auto rows = readEvalLog(run);
        QCOMPARE(rows.size(), std::size_t{1});
        QCOMPARE(rows[0].extractor, row.extractor);
    }

    void nonFiniteValuesReadBack() {
        QTemporaryDir dir;
        const std::string run = dir.path().toStdString();
        EvalLogRow row = fullRow(7);
        row.fid = std::nan("");
        row.kid = INFINITY;
        appendEvalLogRow(run, row);
        const auto rows = readEvalLog(run);
        QCOMPARE(rows.size(), std::size_t{1});
        QVERIFY(rows[0].fid && std::isnan(*rows[0].fid));
        QVERIFY(rows[0].kid && std::isinf(*rows[0].kid));
    }

    void truncateKeepsRowsUpToTheStep() {
        QTemporaryDir dir;
        const std::string run = dir.path().toStdString();
        for (std::int64_t step : {100, 200, 300, 400}) appendEvalLogRow(run, fullRow(step));
        truncateEvalLog(run, 250);
        auto rows = readEvalLog(run);
        QCOMPARE(rows.size(), std::size_t{2});
        QCOMPARE(rows[1].step, std::int64_t{200});
        QCOMPARE(*rows[1].meanAtomsGenerated, *fullRow(200).meanAtomsGenerated);
        // Appending after a truncation continues under the same single header.
        appendEvalLogRow(run, fullRow(300));
        rows = readEvalLog(run);
        QCOMPARE(rows.size(), std::size_t{3});
        const std::string text = cw::readFileToString(runEvalLogPath(run));
        QCOMPARE(text.find("step,", 1), std::string::npos);
    }

    void malformedLinesAreSkippedAndNamed() {
        QTemporaryDir dir;
        const std::string run = dir.path().toStdString();
        appendEvalLogRow(run, fullRow(10));
        std::string text = cw::readFileToString(runEvalLogPath(run));
        text += "20,256,16,1,2,3\n";                     // line 3: too few columns
        text += "x,256,16,,,,,,,,\n";                    // line 4: not a step
        text += "30,256,16,abc,,,,,,,\n";                // line 5: not a number
        text += "40,256,16,1,2,0.5,0.1,1,2,0.01,ok\n";   // line 6: fine
        text += "50,256,16,1,2,0.5,0.1,1,2,0.01,cut";    // cut off mid-write: dropped silently
        cw::writeFileAtomically(runEvalLogPath(run), text);
        std::vector<std::string> problems;
        const auto rows = readEvalLog(run, &problems);
        QCOMPARE(rows.size(), std::size_t{2});
        QCOMPARE(rows[0].step, std::int64_t{10});
        QCOMPARE(rows[1].step, std::int64_t{40});
        QCOMPARE(rows[1].extractor, std::string("ok"));
        QCOMPARE(problems.size(), std::size_t{3});
        QVERIFY2(problems[0].rfind("eval.csv line 3: ", 0) == 0, problems[0].c_str());
        QVERIFY2(problems[1].rfind("eval.csv line 4: ", 0) == 0, problems[1].c_str());
        QVERIFY2(problems[2].rfind("eval.csv line 5: ", 0) == 0, problems[2].c_str());
        QCOMPARE(readEvalLog(run).size(), std::size_t{2});  // problems are optional
    }

    void unwritableRunIsAnIoError() {
        QTemporaryDir dir;
        const std::string file = dir.path().toStdString() + "/plain-file";
        cw::writeFileAtomically(file, "x");
        QVERIFY_THROWS_EXCEPTION(cw::IoError, appendEvalLogRow(file, fullRow(1)));
    }
};

QTEST_APPLESS_MAIN(TestEvalLog)
#include "test_eval_log.moc"
