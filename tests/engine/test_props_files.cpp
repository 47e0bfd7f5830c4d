// Property prediction's data and run files, torch-free: ImageSet's raw property values (missing
// cells included), the run's filters (stable only unless stability is the target, max sites,
// no label), and exact round trips of predictions.csv, results.json, metrics.csv and data.json.
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <string>

#include "core/atomic_file.h"
#include "core/error.h"
#include "dataset/image_set.h"
#include "error_text.h"
#include "ml/props/props_data.h"
#include "ml/props/props_run.h"
#include "ml/run_directory.h"
#include "tiny_datasets.h"

using namespace cw;
using namespace cw::ml;
namespace fs = std::filesystem;

using cw::test::contains;

namespace {

std::string joinRow(const std::vector<std::string>& fields) {
    std::string line;
    for (std::size_t i = 0; i < fields.size(); ++i) line += (i ? "," : "") + fields[i];
    return line + "\n";
}

}  // namespace

class TestPropsFiles : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_data = m_tmp.filePath("crystens").toStdString();
        test::buildTinyEncoding(m_data);
        // A copy whose table has an e_above_hull column (two unstable materials) and a missing
        // band gap, built from the real table.
        m_edited = m_tmp.filePath("edited").toStdString();
        fs::copy(m_data, m_edited, fs::copy_options::recursive);
        test::SimpleTable t = test::readSimpleTable(m_data + "/properties.csv");
        const std::size_t gap = t.column("band_gap");
        QVERIFY(gap < t.header.size());
        std::string text = joinRow([&] {
            auto h = t.header;
            h.push_back("e_above_hull");
            return h;
        }());
        for (std::size_t r = 0; r < t.rows.size(); ++r) {
            auto row = t.rows[r];
            const std::string id = row[t.column("material_id")];
            if (id == m_missingGapId) row[gap] = "";
            row.push_back(id == "mp-19306" || id == "mp-10003" ? "0.5" : (r % 2 ? "0" : ""));
            text += joinRow(row);
        }
        writeFileAtomically(m_edited + "/properties.csv", text);
        m_table = test::readSimpleTable(m_edited + "/properties.csv");
    }

    void propertiesAreTheTableValues() {
        ImageSetOptions o;
        o.split = "all";
        o.properties = {"density", "band_gap", "nsites"};
        const ImageSet set(m_edited, o);
        QCOMPARE(set.size(), m_table.rows.size());
        for (std::size_t i = 0; i < set.size(); ++i) {
            const auto& row = m_table.rows[i];
            QCOMPARE(set.materialId(i), row[m_table.column("material_id")]);
            QCOMPARE(*set.property(i, "density"), std::stod(row[m_table.column("density")]));
            QCOMPARE(*set.property(i, "nsites"), std::stod(row[m_table.column("nsites")]));
            if (set.materialId(i) == m_missingGapId)
                QVERIFY(!set.property(i, "band_gap").has_value());
            else
                QCOMPARE(*set.property(i, "band_gap"), std::stod(row[m_table.column("band_gap")]));
        }
        std::string asked;
        try {
            set.property(0, "efermi");
        } catch (const ConfigError& e) {
            asked = e.what();
        }
        QVERIFY(contains(asked, "efermi"));
        o.properties = {"bandgap"};
        std::string unknown;
        try {
            ImageSet bad(m_edited, o);
        } catch (const ConfigError& e) {
            unknown = e.what();
        }
        QVERIFY2(contains(unknown, "bandgap") && contains(unknown, "band_gap"), unknown.c_str());
    }

    void stableOnlyDropsUnstableMaterialsUnlessTheyAreTheTarget() {
        QCOMPARE(energyAboveHullColumn(m_edited), std::string("e_above_hull"));
        QCOMPARE(energyAboveHullColumn(m_data), std::string());
        PropsConfig c;
        c.dataDir = m_edited;
        c.targets = {"density"};
        std::size_t kept = 0, unstable = 0;
        for (const char* split : {"train", "val", "test"}) {
            const PropsSplit s = loadPropsSplit(c, split);
            kept += s.items.size();
            unstable += s.dropped.count("unstable") ? s.dropped.at("unstable") : 0;
            for (std::size_t i = 0; i < s.items.size(); ++i) {
                const std::string id = s.images->materialId(s.items[i]);
                QVERIFY(id != "mp-19306" && id != "mp-10003");
                QCOMPARE(s.targets[i], *s.images->property(s.items[i], "density"));
            }
        }
        QCOMPARE(unstable, std::size_t{2});
        QCOMPARE(kept, m_table.rows.size() - 2);

        c.targets = {"e_above_hull", "density"};
        std::size_t all = 0;
        for (const char* split : {"train", "val", "test"}) all += loadPropsSplit(c, split).items.size();
        QCOMPARE(all, m_table.rows.size());
        c.targets = {"density"};
        c.stableOnly = false;
        all = 0;
        for (const char* split : {"train", "val", "test"}) all += loadPropsSplit(c, split).items.size();
        QCOMPARE(all, m_table.rows.size());
    }

    void maxSitesAndMissingLabelsFilter() {
        PropsConfig c;
        c.dataDir = m_edited;
        c.stableOnly = false;
        c.targets = {"band_gap"};
        c.maxSites = 4;
        std::size_t tooMany = 0, noTarget = 0, kept = 0, expectedTooMany = 0, expectedKept = 0;
        for (const auto& row : m_table.rows) {
            const bool big = std::stod(row[m_table.column("nsites")]) > 4;
            expectedTooMany += big;
            expectedKept += !big && row[m_table.column("material_id")] != m_missingGapId;
        }
        for (const char* split : {"train", "val", "test"}) {
            const PropsSplit s = loadPropsSplit(c, split);
            kept += s.items.size();
            tooMany += s.dropped.count("too_many_sites") ? s.dropped.at("too_many_sites") : 0;
            noTarget += s.dropped.count("no_target") ? s.dropped.at("no_target") : 0;
            for (std::size_t i : s.items) QVERIFY(*s.images->property(i, "nsites") <= 4);
        }
        QVERIFY(expectedTooMany > 0);
        QCOMPARE(tooMany, expectedTooMany);
        QCOMPARE(kept, expectedKept);
        QCOMPARE(noTarget, std::size_t{1});  // the missing band gap has 2 sites (BaTe)

        // With a second target the material stays, its band gap NaN.
        c.targets = {"band_gap", "density"};
        bool seen = false;
        for (const char* split : {"train", "val", "test"}) {
            const PropsSplit s = loadPropsSplit(c, split);
            for (std::size_t i = 0; i < s.items.size(); ++i)
                if (s.images->materialId(s.items[i]) == m_missingGapId) {
                    seen = true;
                    QVERIFY(std::isnan(s.targets[i * 2]));
                    QVERIFY(!std::isnan(s.targets[i * 2 + 1]));
                }
        }
        QVERIFY(seen);
    }

    void predictionsRoundTripExactly() {
        const std::string path = m_tmp.filePath("predictions.csv").toStdString();
        std::vector<PropsPredictionRow> rows = {{"mp-1", "test", "band_gap", 1.2345678901234567, 0.1 + 0.2},
                                                {"entry, \"odd\"", "val", "density", std::nullopt, -3e-300}};
        writePropsPredictions(path, rows);
        const auto back = readPropsPredictions(path);
        QCOMPARE(back.size(), rows.size());
        for (std::size_t i = 0; i < rows.size(); ++i) {
            QCOMPARE(back[i].materialId, rows[i].materialId);
            QCOMPARE(back[i].split, rows[i].split);
            QCOMPARE(back[i].target, rows[i].target);
            QCOMPARE(back[i].truth.has_value(), rows[i].truth.has_value());
            if (rows[i].truth) QCOMPARE(*back[i].truth, *rows[i].truth);
            QCOMPARE(back[i].predicted, rows[i].predicted);
        }
    }

    void runFilesRoundTrip() {
        const std::string run = m_tmp.filePath("run").toStdString();
        PropsResults r;
        r.model = "resnet";
        r.transform = "standardize";
        r.dataDir = "d";
        r.epochsDone = 7;
        r.bestEpoch = 5;
        r.bestValLoss = 0.125;
        r.stoppedEarly = true;
        r.trainCount = 6;
        r.valCount = 3;
        r.testCount = 3;
        PropsTargetMetrics t;
        t.target = "density";
        t.metrics = regressionMetrics({1, 2, 3}, {1.5, 2, 2});
        t.trainMeanMae = 0.75;
        r.splits["test"] = {t};
        writeFileAtomically(propsResultsPath(run), propsResultsToJson(r));
        const PropsResults back = readPropsResults(run);
        QCOMPARE(propsResultsToJson(back), propsResultsToJson(r));
        QCOMPARE(back.splits.at("test")[0].metrics.mae, t.metrics.mae);
        QVERIFY(back.splits.at("test")[0].metrics.r2.has_value());

        writeFileAtomically(runMetricsPath(run), propsMetricsHeader() + propsMetricsRow({1, 0.5, 0.25, 1e-3, 2.5}) +
                                                     propsMetricsRow({2, 0.4, 0.3, 9e-4, 5}) + "3,0.3");
        const auto rows = readPropsMetrics(run);
        QCOMPARE(rows.size(), std::size_t{2});  // the cut-off last line is ignored
        QCOMPARE(rows[1].epoch, 2);
        QCOMPARE(rows[1].valLoss, 0.3);
        truncatePropsMetrics(run, 1);
        QCOMPARE(readPropsMetrics(run).size(), std::size_t{1});

        PropsDataInfo info;
        info.kind = "crystens";
        info.channels = 4;
        info.imageSize = 64;
        info.normalized = false;
        info.cell = "niggli";
        info.scaler = TargetScaler::fit(TargetTransform::Standardize, {"density"}, {1, 2, 4});
        info.trainCount = 3;
        writeFileAtomically(propsDataInfoPath(run), propsDataInfoToJson(info));
        const PropsDataInfo infoBack = readPropsDataInfo(run);
        QCOMPARE(propsDataInfoToJson(infoBack), propsDataInfoToJson(info));
        QCOMPARE(infoBack.timesteps, 0);
        // A guidance model records the forward process it learnt.
        info.diffusionRun = "runs/ddpm";
        info.timesteps = 250;
        info.schedule = "cosine";
        writeFileAtomically(propsDataInfoPath(run), propsDataInfoToJson(info));
        const PropsDataInfo guideBack = readPropsDataInfo(run);
        QCOMPARE(guideBack.timesteps, 250);
        QCOMPARE(guideBack.schedule, std::string("cosine"));
        QCOMPARE(guideBack.diffusionRun, std::string("runs/ddpm"));

        std::string missing;
        try {
            readPropsResults(m_tmp.filePath("nothing").toStdString());
        } catch (const IoError& e) {
            missing = e.what();
        }
        QVERIFY(contains(missing, "not finished"));
    }

private:
    QTemporaryDir m_tmp;
    std::string m_data, m_edited;
    test::SimpleTable m_table;
    const std::string m_missingGapId = "mp-1000";
};

QTEST_APPLESS_MAIN(TestPropsFiles)
#include "test_props_files.moc"
