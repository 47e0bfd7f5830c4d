// `cwb props train|predict|report|ensemble` run as a user runs them (the real binary) on a tiny
// real CrysTens data set: a two-target run trains, predicts the data set and a structure file
// with the numbers of its predictions.csv, reports a table and plots, averages with a second
// seed, resumes to more epochs, a guide trained with --noisy-for steers `cwb diffusion sample
// --guide`, and bad requests exit with a message that names the problem.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "cli_runner.h"
#include "ml/props/props_run.h"
#include "ml/run_directory.h"
#include "tiny_datasets.h"

namespace fs = std::filesystem;
using cw::test::runCwb;

namespace {

QStringList tinyFlags() {
    return {"--width", "8", "--blocks", "1", "--batch", "4", "--lr", "2e-3", "--threads", "1", "--device", "cpu",
            "--seed", "2"};
}

QString describe(const cw::test::CliResult& r) {
    return QString("exit %1\nstdout: %2\nstderr: %3").arg(r.exitCode).arg(r.out, r.err);
}

}  // namespace

class TestMlPropsCli : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_data, m_run;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_data = m_tmp.filePath("crystens");
        cw::test::buildTinyEncoding(m_data.toStdString());
        m_run = m_tmp.filePath("run");
        const auto r = runCwb(QStringList{"props", "train", "--data", m_data, "--target", "density,band_gap",
                                          "--epochs", "2", "--out", m_run} +
                              tinyFlags());
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QVERIFY2(r.out.contains("trained 2 epochs"), qPrintable(describe(r)));
        QVERIFY2(r.err.contains("epoch 2/2"), qPrintable(describe(r)));
    }

    void trainWritesTheRunFiles() {
        const std::string run = m_run.toStdString();
        for (const std::string& file : {cw::ml::runConfigPath(run), cw::ml::propsDataInfoPath(run),
                                        cw::ml::runMetricsPath(run), cw::ml::propsBestCheckpointPath(run),
                                        cw::ml::runLatestCheckpointPath(run), cw::ml::propsResultsPath(run),
                                        cw::ml::propsPredictionsPath(run)})
            QVERIFY2(fs::exists(file), file.c_str());
        const cw::ml::PropsResults results = cw::ml::readPropsResults(run);
        QCOMPARE(results.model, std::string("resnet"));
        QCOMPARE(results.epochsDone, 2);
        QCOMPARE(results.splits.at("test").size(), std::size_t{2});
        QCOMPARE(results.splits.at("test")[0].target, std::string("density"));
        QCOMPARE(results.splits.at("test")[0].metrics.count, results.testCount);
    }

    void predictJsonMatchesPredictionsCsv() {
        std::map<std::pair<QString, QString>, double> expected;
        for (const auto& row : cw::ml::readPropsPredictions(cw::ml::propsPredictionsPath(m_run.toStdString())))
            expected[{QString::fromStdString(row.materialId), QString::fromStdString(row.target)}] = row.predicted;
        for (const QString& input : {m_data, QString::fromStdString(cw::test::kMpSmall)}) {
            const auto r = runCwb({"props", "predict", "--run", m_run, input, "--json", "--threads", "1",
                                   "--device", "cpu"});
            QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
            const QJsonObject out = QJsonDocument::fromJson(r.out.toUtf8()).object();
            QCOMPARE(out["targets"].toArray().size(), 2);
            const QJsonArray predictions = out["predictions"].toArray();
            QCOMPARE(predictions.size(), 12);
            for (const auto& item : predictions) {
                const QJsonObject p = item.toObject();
                const QString id = p["id"].toString();
                for (const QString target : {"density", "band_gap"}) {
                    const double value = p["predicted"].toObject()[target].toDouble();
                    const double want = expected.at({id, target});
                    QVERIFY2(std::abs(value - want) <= 1e-5 * (1 + std::abs(want)), qPrintable(id + " " + target));
                }
                QCOMPARE(p.contains("true"), input == m_data);
            }
        }
        const auto table = runCwb({"props", "predict", "--run", m_run, QString::fromStdString(cw::test::kMpSmall),
                                   "--threads", "1", "--device", "cpu"});
        QVERIFY2(table.exitCode == 0, qPrintable(describe(table)));
        QVERIFY(table.out.startsWith("id\tdensity\tband_gap\n"));
        QVERIFY(table.out.contains("mp-1000\t"));
    }

    void reportWritesTableAndPlots() {
        const QString out = m_tmp.filePath("report");
        const auto r = runCwb({"props", "report", "--run", m_run, "--out", out});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QVERIFY(r.out.contains("| test | density |"));
        for (const char* name : {"results.md", "results.json", "loss.png", "loss.svg", "parity-density.png",
                                 "parity-density.svg", "errors-density.png", "errors-band_gap.svg"})
            QVERIFY2(fs::file_size((out + "/" + name).toStdString()) > 100, name);
        QFile json(out + "/results.json");
        QVERIFY(json.open(QIODevice::ReadOnly));
        const QJsonObject results = QJsonDocument::fromJson(json.readAll()).object();
        const QJsonObject density = results["splits"].toObject()["test"].toArray()[0].toObject();
        QCOMPARE(density["target"].toString(), QString("density"));
        for (const char* key : {"count", "mae", "mse", "rmse", "mape_percent", "mape_excluded", "r2", "train_mean_mae"})
            QVERIFY2(density.contains(key), key);
        QVERIFY(density["mae"].toDouble() > 0);
        QVERIFY(std::abs(density["rmse"].toDouble() - std::sqrt(density["mse"].toDouble())) < 1e-9);
    }

    // Two seeds of the same run: `props ensemble` writes their mean, which `props report` reads.
    void ensembleAveragesTwoSeeds() {
        const QString seed5 = m_tmp.filePath("seed5");
        QStringList flags = tinyFlags();
        flags[flags.indexOf("--seed") + 1] = "5";
        auto r = runCwb(QStringList{"props", "train", "--data", m_data, "--target", "density,band_gap", "--epochs", "2",
                                    "--out", seed5} +
                        flags);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const QString out = m_tmp.filePath("ensemble");
        r = runCwb({"props", "ensemble", "--run", m_run, seed5, "--out", out});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QVERIFY2(r.out.contains("ensemble of 2 runs") && r.out.contains("test  density"), qPrintable(describe(r)));

        std::map<std::string, double> sum;
        for (const QString& run : {m_run, seed5})
            for (const auto& row : cw::ml::readPropsPredictions(cw::ml::propsPredictionsPath(run.toStdString())))
                sum[row.materialId + "/" + row.target] += row.predicted;
        const auto mean = cw::ml::readPropsPredictions(cw::ml::propsPredictionsPath(out.toStdString()));
        QCOMPARE(mean.size(), sum.size());
        bool differs = false;  // the seeds disagree somewhere, or the test would prove nothing
        for (const auto& row : mean) {
            const double expected = sum.at(row.materialId + "/" + row.target) / 2;
            QVERIFY2(std::abs(row.predicted - expected) <= 1e-12 * std::max(1.0, std::abs(expected)), row.materialId.c_str());
        }
        for (const auto& row : cw::ml::readPropsPredictions(cw::ml::propsPredictionsPath(seed5.toStdString())))
            differs = differs || std::abs(row.predicted - sum.at(row.materialId + "/" + row.target) / 2) > 1e-6;
        QVERIFY(differs);
        r = runCwb({"props", "report", "--run", out, "--out", out + "/report"});
        QVERIFY2(r.exitCode == 0 && r.out.contains("Ensemble: the mean prediction of 2 runs"), qPrintable(describe(r)));

        // Predicting new structures with both runs: their mean, and half their difference as the spread.
        const QString structures = QString::fromStdString(cw::test::kMpSmall);
        QJsonObject single[2];
        for (int m = 0; m < 2; ++m) {
            r = runCwb({"props", "predict", "--run", m ? seed5 : m_run, structures, "--json", "--threads", "1",
                        "--device", "cpu"});
            QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
            single[m] = QJsonDocument::fromJson(r.out.toUtf8()).object();
        }
        r = runCwb({"props", "predict", "--run", m_run, "--run", seed5, structures, "--json", "--threads", "1", "--device", "cpu"});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const QJsonObject both = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(both["runs"].toArray().size(), 2);
        const QJsonArray items = both["predictions"].toArray();
        QCOMPARE(items.size(), single[0]["predictions"].toArray().size());
        for (int i = 0; i < items.size(); ++i)
            for (const char* target : {"density", "band_gap"}) {
                const double a = single[0]["predictions"][i]["predicted"][target].toDouble();
                const double b = single[1]["predictions"][i]["predicted"][target].toDouble();
                QVERIFY(std::abs(items[i]["predicted"][target].toDouble() - (a + b) / 2) <= 1e-9 * (1 + std::abs(a)));
                QVERIFY(std::abs(items[i]["spread"][target].toDouble() - std::abs(a - b) / 2) <= 1e-9 * (1 + std::abs(a)));
            }
        r = runCwb({"props", "predict", "--run", m_run, "--run", seed5, structures, "--threads", "1", "--device", "cpu"});
        QVERIFY2(r.exitCode == 0 && r.out.contains("the mean of 2 runs") && r.out.contains(" ± "), qPrintable(describe(r)));

        r = runCwb({"props", "ensemble", "--run", m_run, "--out", m_tmp.filePath("alone")});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("at least two runs"), qPrintable(describe(r)));
    }

    void resumeExtendsTheRun() {
        const QString run = m_tmp.filePath("resumed");
        fs::copy(m_run.toStdString(), run.toStdString(), fs::copy_options::recursive);
        const auto r = runCwb({"props", "train", "--out", run, "--resume", "--epochs", "3", "--threads", "1"});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(cw::ml::readPropsMetrics(run.toStdString()).size(), std::size_t{3});
        QCOMPARE(cw::ml::readPropsResults(run.toStdString()).epochsDone, 3);
    }

    // A guide trained with --noisy-for (its data set: the diffusion run's) steers sampling.
    void guideSteersDiffusionSampling() {
        const QString diffusion = m_tmp.filePath("ddpm");
        auto r = runCwb({"diffusion", "train", "--data", m_data, "--out", diffusion, "--split", "all", "--base", "8",
                         "--mults", "1,2", "--attention", "", "--res-blocks", "1", "--heads", "2", "--timesteps", "20",
                         "--steps", "2", "--batch", "2", "--sample-every", "0", "--threads", "1", "--device", "cpu"});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const QString guide = m_tmp.filePath("guide");
        r = runCwb(QStringList{"props", "train", "--noisy-for", diffusion, "--target", "density", "--epochs", "1",
                               "--out", guide} +
                   tinyFlags());
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(cw::ml::readPropsDataInfo(guide.toStdString()).timesteps, 20);
        const QString out = m_tmp.filePath("guided");
        r = runCwb({"diffusion", "sample", "--run", diffusion, "--guide", guide, "--guide-target", "density=8",
                    "--guide-scale", "5", "--n", "2", "--sampling-steps", "3", "--out", out, "--threads", "1",
                    "--device", "cpu"});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QFile json(out + "/samples.json");
        QVERIFY(json.open(QIODevice::ReadOnly));
        const QJsonObject info = QJsonDocument::fromJson(json.readAll()).object()["guide"].toObject();
        QCOMPARE(info["scale"].toDouble(), 5.0);
        QCOMPARE(info["targets"].toObject()["density"].toDouble(), 8.0);

        r = runCwb({"diffusion", "sample", "--run", diffusion, "--guide", guide, "--guide-target", "density",
                    "--out", m_tmp.filePath("never")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("NAME=VALUE"), qPrintable(describe(r)));
        r = runCwb({"diffusion", "sample", "--run", diffusion, "--guide", m_run, "--guide-target", "density=8",
                    "--guide-scale", "1", "--out", m_tmp.filePath("never")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--noisy-for"), qPrintable(describe(r)));
    }

    void badRequestsExplainThemselves() {
        auto r = runCwb(QStringList{"props", "train", "--data", m_data, "--target", "formation_energy_per_atom",
                                    "--transform", "sqrt", "--epochs", "1", "--out", m_tmp.filePath("neg")} +
                        tinyFlags());
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("formation_energy_per_atom") && r.err.contains("≥ 0"), qPrintable(describe(r)));
        r = runCwb(QStringList{"props", "train", "--data", m_data, "--target", "bandgap", "--out",
                               m_tmp.filePath("typo")} +
                   tinyFlags());
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("bandgap"), qPrintable(describe(r)));
        r = runCwb({"props", "train", "--data", m_data, "--target", "density", "--transform", "log", "--out",
                    m_tmp.filePath("log")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("sqrt+standardize"), qPrintable(describe(r)));
        r = runCwb({"props", "train", "--data", m_data, "--target", "density", "--out", m_run});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("not empty"), qPrintable(describe(r)));
        r = runCwb({"props", "train", "--data", m_data, "--target", "density", "--model", "backbone:",
                    "--out", m_tmp.filePath("nofile")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("backbone_file"), qPrintable(describe(r)));
        r = runCwb(QStringList{"props", "train", "--data", m_data, "--target", "density", "--model",
                               "backbone:" + m_tmp.filePath("absent.pt"), "--out", m_tmp.filePath("absent")} +
                   tinyFlags());
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("absent.pt"), qPrintable(describe(r)));
        r = runCwb({"props", "report", "--run", m_tmp.filePath("neg"), "--out", m_tmp.filePath("x")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("not finished"), qPrintable(describe(r)));
    }
};

QTEST_APPLESS_MAIN(TestMlPropsCli)
#include "test_ml_props_cli.moc"
