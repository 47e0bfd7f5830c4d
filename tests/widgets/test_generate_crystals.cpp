// Generate crystals… in the window: the Runs panel offers it for a CrysTens run and not for an
// ECD run; the dialog needs a reference set and builds the request from its fields; the worker
// (run here on a tiny real run trained on Perov-5 crystals) emits a report that the Crystals
// panel shows, and a row opens its crystal for the 3D view.
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>

#include "core/atomic_file.h"
#include "dataset/encoding_builder.h"
#include "dialogs/generate_dialog.h"
#include "jobs/generation_worker.h"
#include "ml/diffusion/trainer.h"
#include "ml/run_directory.h"
#include "models/crystal_report_model.h"
#include "panels/crystals_panel.h"
#include "panels/runs_panel.h"
#include "tiny_training.h"

namespace {
const std::string kPerov = std::string(CW_TEST_DATA_DIR) + "/collections/perov_5_head.csv";
}

class TestGenerateCrystals : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_run, m_ecdRun;

private Q_SLOTS:
    void initTestCase() {
#ifndef CW_WITH_TORCH
        QSKIP("this build has no LibTorch: nothing to generate with");
#else
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QVERIFY(m_tmp.isValid());
        cw::EncodingDatasetOptions o;
        o.inputs = {kPerov};
        o.setEncodingName("crystens-compact");
        o.maxSites = 5;
        o.split = {1.0, 0.0, 0.0};
        cw::EncodingBuildSettings s;
        s.outDir = m_tmp.filePath("data").toStdString();
        s.threads = 1;
        cw::NullProgressSink null;
        QCOMPARE(cw::buildEncodingDataset(o, s, null).rows, std::size_t(3));  // one row is broken on purpose

        cw::ml::DiffusionTrainingConfig c = cw::test::tinyTrainingConfig(s.outDir);
        c.diffusion.timesteps = 50;
        c.steps = 4;
        c.sampleEvery = 0;
        c.checkpointEvery = 4;
        m_run = m_tmp.filePath("workspace/perov");
        cw::ml::TrainingControl control;
        cw::ml::trainDiffusion(c, m_run.toStdString(), false, control, null);
        QVERIFY(std::filesystem::is_regular_file(cw::ml::runLatestCheckpointPath(m_run.toStdString())));

        // An ECD run: a checkpoint, but slices are not crystals.
        m_ecdRun = m_tmp.filePath("workspace/ecd");
        cw::writeFileAtomically(cw::ml::runConfigPath(m_ecdRun.toStdString()),
                                cw::ml::diffusionTrainingConfigToJson(c));
        cw::writeFileAtomically(m_ecdRun.toStdString() + "/data.json", R"({"kind": "ecd"})");
        cw::writeFileAtomically(cw::ml::runLatestCheckpointPath(m_ecdRun.toStdString()), "x");
#endif
    }

    void runsPanelOffersItForEncodingRuns() {
        cw::RunsPanel panel;
        panel.setWorkspace(m_tmp.filePath("workspace"));
        panel.selectRun(m_run);
        QCOMPARE(panel.currentRun(), m_run);
        QVERIFY(panel.generateButton()->isEnabled());
        QSignalSpy requested(&panel, &cw::RunsPanel::generateRequested);
        panel.generateButton()->click();
        QCOMPARE(requested.count(), 1);
        QCOMPARE(requested.first().first().toString(), m_run);
        panel.selectRun(m_ecdRun);
        QVERIFY(!panel.generateButton()->isEnabled());
        QVERIFY(panel.generateButton()->toolTip().contains("not ECD slices"));
    }

    void dialogBuildsTheRequest() {
        cw::GenerateDialog dialog(m_run);
        QVERIFY(!dialog.isComplete());  // no reference yet
        dialog.setSets(QString::fromStdString(kPerov), QString::fromStdString(kPerov), "perov5");
        QVERIFY(dialog.isComplete());
        const cw::ml::GenerationRequest r = dialog.request();
        QCOMPARE(r.runDir, m_run.toStdString());
        QCOMPARE(r.reference, kPerov);
        QCOMPARE(r.dataset, std::string("perov5"));
        QCOMPARE(r.sample.count, 100);
        QVERIFY(dialog.outputDirectory().startsWith(m_run + "/crystals/"));
    }

    void dialogTakesTheShippedModelsDefaults() {
        // The shipped model names its reference set and benchmark: nothing to choose.
        const QString shipped = QString(CW_SOURCE_DIR) + "/resources/models/perov5-crystens";
        cw::GenerateDialog dialog(shipped);
        QVERIFY(dialog.isComplete());
        const cw::ml::GenerationRequest r = dialog.request();
        QVERIFY(QString::fromStdString(r.reference).endsWith("reference/perov_5_test.csv.gz"));
        QCOMPARE(r.dataset, std::string("perov5"));
        QCOMPARE(r.sample.sampler.samplingSteps, 50);
        QVERIFY(!dialog.outputDirectory().startsWith(shipped));  // never into the source tree
    }

    void workerResultOpensInTheCrystalsPanel() {
        cw::ml::GenerationRequest r;
        r.runDir = m_run.toStdString();
        r.sample.count = 4;
        r.sample.batchSize = 4;
        r.sample.sampler.samplingSteps = 3;
        r.sample.threads = 1;
        r.reference = kPerov;
        r.training = kPerov;
        r.dataset = "perov5";
        r.report.properties.sampleSize = 0;
        cw::GenerationWorker worker(r, m_tmp.filePath("generated"));
        QSignalSpy finished(&worker, &cw::GenerationWorker::finished);
        QSignalSpy failed(&worker, &cw::GenerationWorker::failed);
        QSignalSpy progress(&worker, &cw::GenerationWorker::progress);
        worker.run();
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        QCOMPARE(finished.count(), 1);
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.first().first().toString(), QString("generate"));
        const auto data = finished.first().first().value<std::shared_ptr<const cw::CrystalReportData>>();
        QCOMPARE(data->report.generated, std::size_t(4));
        QCOMPARE(data->reference.size(), std::size_t(3));

        cw::CrystalsPanel panel;
        QSignalSpy opened(&panel, &cw::CrystalsPanel::structureActivated);
        panel.showReport(data);
        QCOMPARE(panel.model()->rowCount(), 4);
        QVERIFY(panel.summaryText().contains("CDVAE"));
        // A crystal that decoded opens in the 3D view with its sites.
        int row = -1;
        for (std::size_t i = 0; i < data->report.structures.size() && row < 0; ++i)
            if (data->report.structures[i]) row = static_cast<int>(i);
        QVERIFY(row >= 0);
        panel.proxyModel()->sort(-1);
        panel.activateRow(row);
        QCOMPARE(opened.count(), 1);
        QVERIFY(opened.first().first().value<cw::Structure>().size() > 0);
    }
};

QTEST_MAIN(TestGenerateCrystals)
#include "test_generate_crystals.moc"
