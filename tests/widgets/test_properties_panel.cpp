// The Properties panel (widgets/panels/properties_panel.h) on a tiny real CrysTens data set
// built here from tests/data/collections/mp_small.json: the targets it offers (numeric columns
// of properties.csv only), the training form's checks and config, and a run folder shown as
// written — metrics table cells equal to results.json, parity points equal to the test rows of
// predictions.csv, curves with one point per row of metrics.csv, histogram counts — with
// exports of the requested sizes. The run folder is written by the engine's torch-free run
// writers (props_run.h) with metrics from regressionMetrics, so this runs in every build; with
// LibTorch a real tiny model also trains through PropsWorker in a thread, predicts the open
// crystal (the values cwb props predict gives) and is cancelled mid-run. Without LibTorch, Train
// and Predict are disabled with a tooltip saying why.
#include <QAreaSeries>
#include <QCheckBox>
#include <QComboBox>
#include <QImage>
#include <QLineSeries>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QScatterSeries>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <map>
#include <stop_token>

#include "charts/error_histogram_chart.h"
#include "charts/parity_chart.h"
#include "charts/props_loss_chart.h"
#include "core/atomic_file.h"
#include "core/progress.h"
#include "io/structure_stream.h"
#include "jobs/props_worker.h"
#include "ml/diffusion/training_config.h"
#include "ml/props/props_config.h"
#include "ml/props/props_ensemble.h"
#include "ml/props/props_run.h"
#include "ml/props/regression_metrics.h"
#include "ml/run_directory.h"
#include "models/property_columns.h"
#include "panels/properties_panel.h"
#include "panels/props_metrics_table.h"
#include "panels/props_prediction_view.h"
#include "panels/props_target_summary.h"
#include "panels/props_train_form.h"
#include "tiny_datasets.h"

using namespace cw;
using namespace cw::ml;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kTargets{"density", "band_gap"};

// A finished run folder as trainProps leaves it, written with the engine's own run writers:
// predictions are a fixed distortion of the table's values, the metrics of results.json are
// regressionMetrics of those pairs, and metrics.csv has its best validation loss at epoch 3.
void writeEngineRun(const std::string& dataDir, const std::string& runDir) {
    PropsConfig config;
    config.dataDir = dataDir;
    config.targets = kTargets;
    config.model = PropsModelKind::Baseline;
    config.epochs = 5;
    writeFileAtomically(runConfigPath(runDir), propsConfigToJson(config));

    const test::SimpleTable table = test::readSimpleTable(dataDir + "/properties.csv");
    std::vector<double> trainValues;
    std::vector<PropsPredictionRow> rows;
    std::map<std::string,
             std::map<std::string, std::pair<std::vector<double>, std::vector<double>>>>
        pairs;  // split → target → (truth, predicted)
    std::map<std::string, std::vector<double>> trainTruth;
    std::size_t counts[3] = {0, 0, 0};
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        const auto& row = table.rows[r];
        const std::string split = row[table.column("split")];
        counts[split == "train" ? 0 : split == "val" ? 1 : 2] += 1;
        for (const std::string& target : kTargets) {
            const double truth = std::stod(row[table.column(target)]);
            const double predicted = 0.9 * truth + 0.05 * static_cast<double>(r % 4) - 0.02;
            rows.push_back({row[table.column("material_id")], split, target, truth, predicted});
            pairs[split][target].first.push_back(truth);
            pairs[split][target].second.push_back(predicted);
            if (split == "train") {
                trainValues.push_back(truth);
                trainTruth[target].push_back(truth);
            }
        }
    }
    writePropsPredictions(propsPredictionsPath(runDir), rows);

    PropsDataInfo info;
    info.kind = "crystens";
    info.channels = 4;
    info.imageSize = 64;
    info.scaler = TargetScaler::fit(TargetTransform::Standardize, kTargets, trainValues);
    info.trainCount = counts[0];
    info.valCount = counts[1];
    info.testCount = counts[2];
    writeFileAtomically(propsDataInfoPath(runDir), propsDataInfoToJson(info));

    std::string metrics = propsMetricsHeader();
    const double val[5] = {1.2, 0.8, 0.55, 0.6, 0.7};
    for (int epoch = 1; epoch <= 5; ++epoch)
        metrics += propsMetricsRow({epoch, 1.5 / epoch, val[epoch - 1], 1e-3, 0.5 * epoch});
    writeFileAtomically(runDir + "/metrics.csv", metrics);

    PropsResults results;
    results.model = "baseline";
    results.transform = "standardize";
    results.dataDir = dataDir;
    results.epochsDone = 5;
    results.bestEpoch = 3;
    results.bestValLoss = 0.55;
    results.trainCount = counts[0];
    results.valCount = counts[1];
    results.testCount = counts[2];
    for (const char* split : {"val", "test"})
        for (const std::string& target : kTargets) {
            const auto& [truth, predicted] = pairs[split][target];
            PropsTargetMetrics m;
            m.target = target;
            m.metrics = regressionMetrics(truth, predicted);
            double mean = 0;
            for (double v : trainTruth[target]) mean += v / trainTruth[target].size();
            for (double v : truth) m.trainMeanMae += std::abs(v - mean) / truth.size();
            results.splits[split].push_back(m);
        }
    writeFileAtomically(propsResultsPath(runDir), propsResultsToJson(results));
}

// Everything the panel shows of a finished run equals the run's files.
void checkShownRun(PropertiesPanel& panel, const QString& runDir) {
    const std::string dir = runDir.toStdString();
    QCOMPARE(panel.run(), runDir);

    // Curves: one point per row of metrics.csv.
    const std::vector<PropsEpochRow> epochs = readPropsMetrics(dir);
    QVERIFY(!epochs.empty());
    const QLineSeries* train = panel.lossChart()->trainSeries();
    const QLineSeries* val = panel.lossChart()->validationSeries();
    QVERIFY(train && val);
    QCOMPARE(train->count(), static_cast<int>(epochs.size()));
    QCOMPARE(val->count(), static_cast<int>(epochs.size()));
    for (std::size_t i = 0; i < epochs.size(); ++i) {
        QCOMPARE(train->at(static_cast<int>(i)), QPointF(epochs[i].epoch, epochs[i].trainLoss));
        QCOMPARE(val->at(static_cast<int>(i)), QPointF(epochs[i].epoch, epochs[i].valLoss));
    }

    // Metrics table: test rows then validation rows, every number as results.json has it.
    const PropsResults results = readPropsResults(dir);
    const PropsMetricsTable* table = panel.metricsTable();
    int row = 0;
    for (const char* split : {"test", "val"})
        for (const PropsTargetMetrics& t : results.splits.at(split)) {
            QCOMPARE(table->item(row, PropsMetricsTable::Split)->text(), QString(split));
            QCOMPARE(table->item(row, PropsMetricsTable::Target)->data(Qt::UserRole + 1).toString(),
                     QString::fromStdString(t.target));
            QCOMPARE(table->value(row, PropsMetricsTable::Count), double(t.metrics.count));
            QCOMPARE(table->value(row, PropsMetricsTable::Mae), t.metrics.mae);
            QCOMPARE(table->value(row, PropsMetricsTable::Mse), t.metrics.mse);
            QCOMPARE(table->value(row, PropsMetricsTable::Rmse), t.metrics.rmse);
            QCOMPARE(table->value(row, PropsMetricsTable::MapeExcluded),
                     double(t.metrics.mapeExcluded));
            if (t.metrics.mape)
                QCOMPARE(table->value(row, PropsMetricsTable::Mape), *t.metrics.mape);
            if (t.metrics.r2) QCOMPARE(table->value(row, PropsMetricsTable::R2), *t.metrics.r2);
            QCOMPARE(table->value(row, PropsMetricsTable::TrainMeanMae), t.trainMeanMae);
            QCOMPARE(table->item(row, PropsMetricsTable::Mae)->text(),
                     QString::number(t.metrics.mae, 'g', 4));
            ++row;
        }
    QCOMPARE(table->rowCount(), row);

    // Parity plot and error histogram of each target: the test rows of predictions.csv.
    const std::vector<PropsPredictionRow> predictions =
        readPropsPredictions(propsPredictionsPath(dir));
    const PropsDataInfo info = readPropsDataInfo(dir);
    for (const std::string& target : info.scaler.names()) {
        panel.setTarget(QString::fromStdString(target));
        QList<QPointF> expected;
        std::vector<double> errors;
        for (const PropsPredictionRow& p : predictions)
            if (p.split == "test" && p.target == target && p.truth) {
                expected.append(QPointF(*p.truth, p.predicted));
                errors.push_back(p.predicted - *p.truth);
            }
        QVERIFY(!expected.isEmpty());
        const QScatterSeries* points = panel.parityChart()->pointSeries();
        QCOMPARE(points->points(), expected);
        // y = x spans every point.
        const QLineSeries* diagonal = panel.parityChart()->diagonalSeries();
        QCOMPARE(diagonal->count(), 2);
        QCOMPARE(diagonal->at(0).x(), diagonal->at(0).y());
        QCOMPARE(diagonal->at(1).x(), diagonal->at(1).y());
        for (const QPointF& p : expected) {
            QVERIFY(p.x() >= diagonal->at(0).x() && p.x() <= diagonal->at(1).x());
            QVERIFY(p.y() >= diagonal->at(0).y() && p.y() <= diagonal->at(1).y());
        }
        QVERIFY2(panel.parityChart()->titleText().contains(
                     QString("MAE = %1")
                         .arg(QString::number(
                             [&] {
                                 for (const PropsTargetMetrics& t : results.splits.at("test"))
                                     if (t.target == target) return t.metrics.mae;
                                 return -1.0;
                             }(),
                             'g', 4))),
                 qPrintable(panel.parityChart()->titleText()));
        // The side table of the target: its test and validation metrics.
        const PropsTargetSummary* summary = panel.targetSummary();
        for (int column = 0; column < 2; ++column)
            for (const PropsTargetMetrics& t :
                 results.splits.at(summary->splits()[column].toStdString()))
                if (t.target == target) {
                    QCOMPARE(summary->value(PropsTargetSummary::Mae, column), t.metrics.mae);
                    QCOMPARE(summary->value(PropsTargetSummary::Rmse, column), t.metrics.rmse);
                    QCOMPARE(summary->value(PropsTargetSummary::Count, column),
                             double(t.metrics.count));
                    QCOMPARE(summary->value(PropsTargetSummary::TrainMeanMae, column),
                             t.trainMeanMae);
                }
        const ErrorHistogram& h = panel.errorChart()->histogram();
        const ErrorHistogram want = errorHistogram(errors);
        QCOMPARE(h.counts, want.counts);
        QCOMPARE(h.edges, want.edges);
        std::size_t total = 0;
        for (std::size_t c : h.counts) total += c;
        QCOMPARE(total, errors.size());
        QVERIFY(panel.errorChart()->areaSeries());
    }
}

QStringList csvLines(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    return QString::fromUtf8(file.readAll()).split('\n', Qt::SkipEmptyParts);
}

}  // namespace

class TestPropertiesPanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        if (qEnvironmentVariableIsSet("CW_KEEP_TEST_OUTPUT")) {
            m_dir.setAutoRemove(false);
            qInfo() << "output kept in" << m_dir.path();
        }
        m_data = m_dir.filePath("crystens");
        test::buildTinyEncoding(m_data.toStdString());
        m_run = m_dir.filePath("engine-run");
        writeEngineRun(m_data.toStdString(), m_run.toStdString());
    }

    void offersNumericColumnsAsTargets() {
        const QStringList columns = numericPropertyColumns(m_data);
        for (const char* name : {"band_gap", "density", "efermi", "formation_energy_per_atom",
                                 "total_magnetization", "volume"})
            QVERIFY2(columns.contains(name), qPrintable(columns.join(',')));
        for (const char* name : {"index", "material_id", "formula", "nsites", "space_group",
                                 "split", "symmetry_number"})
            QVERIFY2(!columns.contains(name), qPrintable(columns.join(',')));

        // A text column is no target, even where some of its cells look like numbers.
        const QString edited = m_dir.filePath("edited");
        fs::copy(m_data.toStdString(), edited.toStdString(), fs::copy_options::recursive);
        test::SimpleTable t = test::readSimpleTable(m_data.toStdString() + "/properties.csv");
        std::string text;
        for (std::size_t i = 0; i < t.header.size(); ++i) text += (i ? "," : "") + t.header[i];
        text += ",note\n";
        for (std::size_t r = 0; r < t.rows.size(); ++r) {
            for (std::size_t i = 0; i < t.rows[r].size(); ++i)
                text += (i ? "," : "") + t.rows[r][i];
            text += r == 3 ? ",metallic\n" : ",1\n";
        }
        writeFileAtomically(edited.toStdString() + "/properties.csv", text);
        QVERIFY(!numericPropertyColumns(edited).contains("note"));
        QCOMPARE(numericPropertyColumns(edited), columns);

        QCOMPARE(propertyLabel("band_gap"), QString("band_gap (eV)"));
        QCOMPARE(propertyLabel("formation_energy_per_atom"),
                 QString("formation_energy_per_atom (eV/atom)"));
        QCOMPARE(propertyLabel("mystery"), QString("mystery"));
    }

    void formChecksAndBuildsTheConfig() {
        PropsTrainForm form;
        QVERIFY(form.check().contains("data set"));
        form.setDataDir(m_data);
        QCOMPARE(form.availableTargets(), numericPropertyColumns(m_data));
        QCOMPARE(form.checkedTargets().size(), 1);  // the first, so Train works at once
        // A fresh run folder beside the data set.
        QCOMPARE(QFileInfo(form.runDirectory()).dir().absolutePath(), m_dir.path());
        QVERIFY2(form.check().isEmpty(), qPrintable(form.check()));

        form.setCheckedTargets({});
        QVERIFY(form.check().contains("target"));
        form.setCheckedTargets({"band_gap", "density"});
        form.setRunDirectory(m_run);  // exists and holds a run
        QVERIFY2(form.check().contains("not empty"), qPrintable(form.check()));
        form.setRunDirectory(m_dir.filePath("new-run"));
        form.modelBox()->setCurrentText("baseline");
        form.transformBox()->setCurrentText("sqrt");
        form.findChild<QComboBox*>("propsLoss")->setCurrentText("l1");
        form.epochsBox()->setValue(7);
        form.patienceBox()->setValue(2);
        auto* averageWeights = form.findChild<QCheckBox*>("propsEma");
        QVERIFY(averageWeights && !averageWeights->isChecked());
        QCOMPARE(form.config().emaDecay, 0.0);
        averageWeights->setChecked(true);
        PropsConfig base;
        base.width = 8;
        base.threads = 1;
        form.setBaseConfig(base);
        const PropsConfig c = form.config();
        QCOMPARE(c.dataDir, m_data.toStdString());
        // Table order, not click order.
        const QStringList offered = form.availableTargets();
        QVERIFY(offered.indexOf("band_gap") < offered.indexOf("density"));
        QCOMPARE(c.targets, (std::vector<std::string>{"band_gap", "density"}));
        QCOMPARE(c.model, PropsModelKind::Baseline);
        QCOMPARE(c.transform, TargetTransform::Sqrt);
        QCOMPARE(c.loss, PropsLoss::L1);
        QCOMPARE(c.epochs, 7);
        QCOMPARE(c.patience, 2);
        QCOMPARE(c.emaDecay, 0.999);
        QCOMPARE(c.width, 8);
        QCOMPARE(c.threads, 1);

        // A backbone needs its TorchScript file.
        form.modelBox()->setCurrentText("backbone");
        QVERIFY(!form.check().isEmpty());
    }

    void showsARunFolderAsWritten() {
        PropertiesPanel panel;
        QSignalSpy errors(&panel, &PropertiesPanel::errorReported);
        QVERIFY(panel.openRun(m_run));
        QCOMPARE(errors.count(), 0);
        QCOMPARE(panel.lossChart()->bestEpoch(), 3);
        checkShownRun(panel, m_run);
        QVERIFY2(panel.statusText().contains("best epoch 3"), qPrintable(panel.statusText()));
    }

    void refusesAFolderThatIsNoPropertyRun() {
        const QString diffusion = m_dir.filePath("diffusion-run");
        DiffusionTrainingConfig config;
        config.dataDir = "/data/ecd";
        writeFileAtomically(runConfigPath(diffusion.toStdString()),
                            diffusionTrainingConfigToJson(config));
        PropertiesPanel panel;
        QVERIFY(panel.openRun(m_run));
        QSignalSpy errors(&panel, &PropertiesPanel::errorReported);
        QVERIFY(!panel.openRun(diffusion));
        QCOMPARE(errors.count(), 1);
        QVERIFY2(errors.first().at(0).toString().contains("not a property-prediction run"),
                 qPrintable(errors.first().at(0).toString()));
        QCOMPARE(panel.run(), m_run);  // the shown run stays
        QVERIFY(!panel.openRun(m_dir.filePath("nothing-here")));
    }

    // A `cwb props ensemble` folder has results and predictions but no config or loss curves.
    void showsAnEnsembleFolder() {
        const std::string second = m_dir.filePath("engine-run-shifted").toStdString();
        std::filesystem::copy(m_run.toStdString(), second, std::filesystem::copy_options::recursive);
        auto rows = readPropsPredictions(propsPredictionsPath(second));
        for (PropsPredictionRow& row : rows) row.predicted += 0.1;
        writePropsPredictions(propsPredictionsPath(second), rows);
        const QString ensemble = m_dir.filePath("ensemble");
        ensemblePropsRuns({m_run.toStdString(), second}, ensemble.toStdString());

        PropertiesPanel panel;
        QSignalSpy errors(&panel, &PropertiesPanel::errorReported);
        QVERIFY(panel.openRun(ensemble));
        QCOMPARE(errors.count(), 0);
        QVERIFY2(panel.statusText().contains("the mean of 2 runs"), qPrintable(panel.statusText()));
        QCOMPARE(panel.lossChart()->trainSeries()->count(), 0);
        const PropsResults results = readPropsResults(ensemble.toStdString());
        const PropsTargetMetrics& first = results.splits.at("test").front();
        QCOMPARE(panel.metricsTable()->value(0, PropsMetricsTable::Mae), first.metrics.mae);
        QCOMPARE(panel.target(), QString::fromStdString(first.target));
        const std::vector<Structure> structures = readStructures(test::kMpSmall);
        panel.setStructure(structures.front(), "mp_small.json");
        QVERIFY(!panel.predictionView()->predictButton()->isEnabled());
        if (PropsWorker::available())
            QVERIFY2(panel.predictionView()->predictButton()->toolTip().contains("ensemble"),
                     qPrintable(panel.predictionView()->predictButton()->toolTip()));
    }

    void exportsWriteTheRequestedFiles() {
        PropertiesPanel panel;
        QVERIFY(panel.openRun(m_run));
        panel.setTarget("band_gap");
        const QString out = m_dir.filePath("exports/");
        QDir().mkpath(out);

        panel.lossChart()->exportFigure(out + "loss.png", 640);
        QCOMPARE(QImage(out + "loss.png").size(), QSize(640, 400));  // 800 × 500 points
        panel.parityChart()->exportFigure(out + "parity.png", 500);
        QCOMPARE(QImage(out + "parity.png").size(), QSize(500, 500));  // square
        panel.errorChart()->exportFigure(out + "errors.png", 960);
        QCOMPARE(QImage(out + "errors.png").size(), QSize(960, 600));
        for (const QString& name : {"loss", "parity", "errors"}) {
            if (name == "loss") panel.lossChart()->exportFigure(out + name + ".svg");
            if (name == "parity") panel.parityChart()->exportFigure(out + name + ".svg");
            if (name == "errors") panel.errorChart()->exportFigure(out + name + ".pdf");
        }
        QFile svg(out + "parity.svg");
        QVERIFY(svg.open(QIODevice::ReadOnly));
        QVERIFY(svg.readAll().contains("<svg"));
        QFile pdf(out + "errors.pdf");
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        QVERIFY(pdf.read(5) == "%PDF-");

        // CSVs hold the shown numbers exactly.
        panel.lossChart()->exportCsv(out + "loss.csv");
        QCOMPARE(csvLines(out + "loss.csv").size(), 1 + 5);
        panel.parityChart()->exportCsv(out + "parity.csv");
        const QStringList parity = csvLines(out + "parity.csv");
        const PropsPairs& pairs = panel.parityChart()->pairs();
        QCOMPARE(parity.size(), 1 + static_cast<int>(pairs.truth.size()));
        QCOMPARE(parity[1].split(',')[0], QString::fromStdString(pairs.ids[0]));
        QCOMPARE(parity[1].split(',')[2].toDouble(), pairs.predicted[0]);
        panel.errorChart()->exportCsv(out + "errors.csv");
        QCOMPARE(csvLines(out + "errors.csv").size(),
                 1 + static_cast<int>(panel.errorChart()->histogram().counts.size()));
        panel.metricsTable()->exportCsv(out + "metrics.csv");
        const QStringList metrics = csvLines(out + "metrics.csv");
        QCOMPARE(metrics.size(), 1 + panel.metricsTable()->rowCount());
        const QStringList first = metrics[1].split(',');
        QCOMPARE(first[0], QString("test"));
        QCOMPARE(first[4].toDouble(), panel.metricsTable()->value(0, PropsMetricsTable::Mae));
        QCOMPARE(first[2], propertyUnit(first[1]));
    }

    void withoutLibTorchTrainAndPredictAreDisabled() {
        if (PropsWorker::available()) QSKIP("this build has LibTorch (see trainPredictCancel)");
        PropertiesPanel panel;
        QVERIFY(panel.openRun(m_run));
        panel.form()->setDataDir(m_data);
        QVERIFY(!panel.trainButton()->isEnabled());
        QVERIFY(panel.trainButton()->toolTip().contains("LibTorch"));
        QVERIFY(!panel.predictionView()->predictButton()->isEnabled());
        QVERIFY(panel.predictionView()->predictButton()->toolTip().contains("LibTorch"));
        QSignalSpy errors(&panel, &PropertiesPanel::errorReported);
        QVERIFY(!panel.startTraining());
        QCOMPARE(errors.count(), 1);
        QVERIFY(!panel.busy());
        checkShownRun(panel, m_run);  // the results still show

        PropsWorker worker(PropsConfig{}, "/nonexistent/run", false);
        QSignalSpy failed(&worker, &PropsWorker::failed);
        worker.run();
        QCOMPARE(failed.count(), 1);
        QVERIFY(failed.first().at(0).toString().contains("LibTorch"));
    }

    void trainPredictCancel() {
#ifndef CW_WITH_TORCH
        QSKIP("this build has no LibTorch");
#else
        PropertiesPanel panel;
        PropsConfig base;
        base.width = 8;
        base.blocksPerStage = 1;
        base.batchSize = 4;
        base.learningRate = 2e-3;
        base.device = "cpu";
        base.threads = 1;
        base.seed = 3;
        panel.form()->setBaseConfig(base);
        panel.form()->setDataDir(m_data);
        panel.form()->setCheckedTargets({"density", "band_gap"});
        panel.form()->modelBox()->setCurrentText("resnet");
        panel.form()->epochsBox()->setValue(3);
        panel.form()->patienceBox()->setValue(0);
        const QString runDir = m_dir.filePath("trained");
        panel.form()->setRunDirectory(runDir);

        QList<int> epochs;
        QList<PropsTrainingResult> ended;
        QSignalSpy failures(&panel, &PropertiesPanel::errorReported);
        connect(&panel, &PropertiesPanel::trainingProgress, this,
                [&](int epoch, int) { epochs.append(epoch); });
        connect(&panel, &PropertiesPanel::trainingEnded, this,
                [&](const PropsTrainingResult& r) { ended.append(r); });
        QVERIFY2(panel.startTraining(), qPrintable(panel.statusText()));
        QVERIFY(panel.busy());
        QVERIFY(!panel.trainButton()->isEnabled());
        QVERIFY(panel.cancelButton()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(!ended.isEmpty() || !failures.isEmpty(), 300000);
        QVERIFY2(failures.isEmpty(),
                 qPrintable(failures.isEmpty() ? QString() : failures.first().at(0).toString()));
        QVERIFY(!panel.busy());
        QVERIFY(ended.first().finished);
        QCOMPARE(epochs, (QList<int>{1, 2, 3}));  // every epoch, in order
        QCOMPARE(panel.progressBar()->value(), 1000);
        checkShownRun(panel, QDir::cleanPath(runDir));

        // Prediction for the open crystal equals the engine's for the same structure.
        const std::vector<Structure> structures = readStructures(test::kMpSmall);
        const Structure& crystal = structures.front();
        panel.setStructure(crystal, "mp_small.json — " + QString::fromStdString(crystal.id()));
        QVERIFY(panel.predictionView()->predictButton()->isEnabled());
        QSignalSpy jobs(&panel, &PropertiesPanel::jobEnded);
        QVERIFY(panel.predictOpenCrystal());
        QTRY_VERIFY_WITH_TIMEOUT(jobs.count() == 1, 120000);
        QVERIFY2(failures.isEmpty(),
                 qPrintable(failures.isEmpty() ? QString() : failures.first().at(0).toString()));
        const std::string file = m_dir.filePath("crystal.json").toStdString();
        writeStructures(file, {crystal});
        PropsPredictOptions options;
        options.threads = 1;
        const std::vector<PropsPrediction> direct =
            predictProps(runDir.toStdString(), {file}, options);
        QCOMPARE(panel.lastPredictions().size(), std::size_t{1});
        const QTableWidget* table = panel.predictionView()->table();
        QCOMPARE(table->rowCount(), 2);
        for (int k = 0; k < 2; ++k) {
            const double shown =
                table->item(k, PropsPredictionView::Predicted)->data(Qt::UserRole).toDouble();
            QVERIFY(std::abs(shown - direct[0].values[k]) <= 1e-9 * (1 + std::abs(shown)));
            QVERIFY(std::isfinite(shown));
        }
        // The run's targets in table order: band_gap, then density.
        QCOMPARE(table->item(0, PropsPredictionView::Property)->text(), QString("band_gap"));
        QCOMPARE(table->item(1, PropsPredictionView::Property)->text(), QString("density"));
        QVERIFY(table->item(0, PropsPredictionView::Predicted)->text().endsWith(" eV"));
        QVERIFY(table->item(1, PropsPredictionView::Predicted)->text().endsWith("g/cm³"));
        // The crystal's own values: its band gap from the file, its density from the structure.
        QCOMPARE(table->item(0, PropsPredictionView::Known)->data(Qt::UserRole).toDouble(),
                 crystal.properties().at("band_gap"));
        QCOMPARE(table->item(1, PropsPredictionView::Known)->data(Qt::UserRole).toDouble(),
                 crystal.properties().count("density") ? crystal.properties().at("density")
                                                       : crystal.densityGPerCm3());

        // An ensemble of this run and another seed predicts their mean ± spread with both
        // members' weights.
        const std::string seed7 = m_dir.filePath("seed7").toStdString();
        PropsConfig second = propsConfigFromJson(readFileToString(runConfigPath(runDir.toStdString())), {}, "");
        second.seed = 7;
        std::stop_source noCancel;
        NullProgressSink quiet;
        QVERIFY(trainProps(second, seed7, false, noCancel.get_token(), quiet).finished);
        const std::vector<PropsPrediction> other = predictProps(seed7, {file}, options);
        const QString ensemble = m_dir.filePath("trained-ensemble");
        ensemblePropsRuns({runDir.toStdString(), seed7}, ensemble.toStdString());
        QVERIFY(panel.openRun(ensemble));
        QVERIFY2(panel.predictionView()->predictButton()->isEnabled(),
                 qPrintable(panel.predictionView()->predictButton()->toolTip()));
        jobs.clear();
        QVERIFY(panel.predictOpenCrystal());
        QTRY_VERIFY_WITH_TIMEOUT(jobs.count() == 1, 120000);
        QVERIFY(failures.isEmpty());
        QCOMPARE(panel.lastSpreads().size(), std::size_t{1});
        for (int k = 0; k < 2; ++k) {
            const double a = direct[0].values[k], b = other[0].values[k];
            const QTableWidgetItem* cell = table->item(k, PropsPredictionView::Predicted);
            QVERIFY(std::abs(cell->data(Qt::UserRole).toDouble() - (a + b) / 2) <= 1e-9 * (1 + std::abs(a)));
            QVERIFY(std::abs(cell->data(PropsPredictionView::SpreadRole).toDouble() - std::abs(a - b) / 2) <=
                    1e-9 * (1 + std::abs(a)));
            QVERIFY2(cell->text().contains(" ± "), qPrintable(cell->text()));
        }
        QVERIFY(std::abs(direct[0].values[0] - other[0].values[0]) > 1e-9);  // the seeds differ
        QVERIFY2(panel.predictionView()->message().contains("the mean of its 2 runs"),
                 qPrintable(panel.predictionView()->message()));
        QVERIFY(panel.openRun(runDir));

        // Cancel after the first epoch of a long run: a resumable run with its epochs kept.
        const QString longRun = m_dir.filePath("cancelled");
        panel.form()->setRunDirectory(longRun);
        panel.form()->epochsBox()->setValue(500);
        epochs.clear();
        ended.clear();
        connect(&panel, &PropertiesPanel::trainingProgress, this, [&](int epoch, int) {
            if (epoch == 1) panel.cancel();
        });
        QVERIFY(panel.startTraining());
        QTRY_VERIFY_WITH_TIMEOUT(!ended.isEmpty() || !failures.isEmpty(), 300000);
        QVERIFY(failures.isEmpty());
        QVERIFY(ended.first().cancelled);
        QVERIFY(ended.first().epochsDone >= 1 && ended.first().epochsDone < 500);
        QCOMPARE(readRunStatus(longRun.toStdString()).state, RunState::Cancelled);
        QCOMPARE(static_cast<int>(readPropsMetrics(longRun.toStdString()).size()),
                 ended.first().epochsDone);
        QCOMPARE(panel.lossChart()->trainSeries()->count(), ended.first().epochsDone);
        QVERIFY(panel.metricsTable()->rowCount() == 0);  // no results for a cancelled run
        QVERIFY(panel.statusText().contains("Cancelled"));
#endif
    }

private:
    QTemporaryDir m_dir;
    QString m_data, m_run;
};

QTEST_MAIN(TestPropertiesPanel)
#include "test_properties_panel.moc"
