// The crystal report: coverage exactly as CDVAE's compute_cov on hand-made fingerprints, the
// seeded property statistics, and the whole report on real Perov-5 crystals with a duplicate,
// a broken crystal and a training set, written as files.
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "crystal_eval/coverage.h"
#include "crystal_eval/crystal_report.h"
#include "crystal_eval/crystal_report_files.h"
#include "crystal_eval/property_statistics.h"
#include "io/structure_stream.h"
#include "metrics/wasserstein.h"
#include "test_paths.h"

namespace {

cw::CoverageFingerprints prints(double s, double c) {
    return {std::vector<double>{s, 0.0}, std::vector<double>{c, 0.0}};
}

std::vector<cw::Structure> perovHead() {
    return cw::readStructures(cw::test::testDataPath("collections/perov_5_head.csv"));
}

}  // namespace

class TestCrystalReport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void coverageTakesTheTwoMinimaIndependently() {
        // Reference t0 at (0, 0): g0 is near in structure only, g1 in composition only, so
        // each minimum is within its cutoff though no single crystal is: t0 counts as covered.
        // t1 at (5, 9) is far from everything. g2 has no fingerprint but counts in N_gen.
        const std::vector<cw::CoverageFingerprints> reference = {prints(0, 0), prints(5, 9)};
        std::vector<cw::CoverageFingerprints> generated = {prints(0.1, 3), prints(3, 1), {}};
        const cw::CoverageResult r = cw::computeCoverage(generated, reference, {0.2, 2.0}, 2);
        QCOMPARE(r.recall, 0.5);
        // Precision per generated crystal: g0 is 0.1 / 3 from t0 (composition too far), g1 is
        // 3 / 1 (structure too far): neither covers; with wider cutoffs both do, out of 3.
        QCOMPARE(r.precision, 0.0);
        QCOMPARE(cw::computeCoverage(generated, reference, {3.0, 3.0}).precision, 2.0 / 3.0);
        QCOMPARE(r.generatedWithFingerprints, std::size_t(2));
        QVERIFY(std::isnan(r.nearestStructureDistance[2]));
        QCOMPARE(r.nearestStructureDistance[1], 2.0);  // to t1
        QCOMPARE(r.nearestCompositionDistance[0], 3.0);
        QCOMPARE(cw::coverageCutoffsFor("mp20").structure, 0.4);
        QCOMPARE(cw::coverageCutoffsFor("perov5").composition, 4.0);
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, cw::coverageCutoffsFor("mp-20"));
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::computeCoverage(generated, {}, {}));
    }

    void propertyStatisticsDrawIsSeededAndComplete() {
        const std::vector<cw::Structure> crystals = perovHead();
        std::vector<const cw::Structure*> all;
        for (const cw::Structure& s : crystals) all.push_back(&s);
        // All drawn: W1 is scipy's distance between the full lists.
        cw::PropertyDistanceOptions everything;
        everything.sampleSize = 0;
        const cw::PropertyDistances same = cw::propertyDistances(all, all, everything);
        QCOMPARE(same.densityW1, 0.0);
        QCOMPARE(same.drawn, crystals.size());
        const std::vector<const cw::Structure*> first = {all[0]};
        const cw::PropertyDistances one = cw::propertyDistances(first, all, everything);
        std::vector<double> densities;
        for (const cw::Structure& s : crystals) densities.push_back(s.densityGPerCm3());
        QCOMPARE(one.densityW1, cw::wasserstein1({crystals[0].densityGPerCm3()}, densities));
        std::vector<double> elementCounts;
        for (const cw::Structure& s : crystals) elementCounts.push_back(double(s.elements().size()));
        QCOMPARE(one.elementCountW1,
                 cw::wasserstein1({double(crystals[0].elements().size())}, elementCounts));
        QVERIFY(one.elementCountW1 > 0);  // TiOsNOF has 5 elements, the others 4
        // Two of three drawn: the same seed draws the same two; fewer than asked is flagged.
        cw::PropertyDistanceOptions two;
        two.sampleSize = 2;
        two.seed = 7;
        const double a = cw::propertyDistances(all, all, two).densityW1;
        QCOMPARE(cw::propertyDistances(all, all, two).densityW1, a);
        QVERIFY(!cw::propertyDistances(all, all, two).fewerThanRequested);
        QVERIFY(cw::propertyDistances(all, all, {}).fewerThanRequested);  // 1,000 asked
    }

    void reportOnRealCrystals() {
        const std::vector<cw::Structure> training = perovHead();
        // Generated: the three crystals, a copy of the first shifted by a translation (the
        // same crystal: not unique), and a crystal whose lattice is NaN.
        std::vector<cw::GeneratedCrystal> generated;
        for (const cw::Structure& s : training) generated.push_back(cw::toGeneratedCrystal(s));
        cw::GeneratedCrystal moved = generated[0];
        moved.id = "moved";
        for (Eigen::Vector3d& f : moved.frac) f += Eigen::Vector3d(0.25, 0.1, 0.6);
        generated.push_back(moved);
        cw::GeneratedCrystal broken = generated[1];
        broken.id = "broken";
        broken.lengthsA[1] = std::nan("");
        generated.push_back(broken);

        cw::CrystalReportOptions options;
        options.coverage = cw::coverageCutoffsFor("perov5");
        options.threads = 2;
        const cw::CrystalReport r = cw::evaluateGeneratedCrystals(generated, training, training, options);
        QCOMPARE(r.generated, std::size_t(5));
        QCOMPARE(r.structurallyValid, std::size_t(4));
        QCOMPARE(r.crystals[4].validity.reason(), std::string("nan_value"));
        QVERIFY(!r.crystals[4].unique && !r.crystals[4].novel.value());
        QCOMPARE(r.unique, std::size_t(3));
        QVERIFY(!r.crystals[3].unique);  // the translated copy
        QCOMPARE(r.novel.value(), std::size_t(0));
        for (int i = 0; i < 4; ++i) {
            const std::string source = training[std::size_t(i % 3)].id();
            QCOMPARE(r.crystals[std::size_t(i)].nearestTrainingId, source);
            QVERIFY(r.crystals[std::size_t(i)].matchesNearestTraining);
            QVERIFY(r.crystals[std::size_t(i)].nearestTrainingRms->rms < 1e-6);
        }
        // Every reference crystal is generated exactly: full coverage; the broken crystal
        // has no fingerprint and lowers COV-P to 4 of 5.
        QCOMPARE(r.coverage->recall, 1.0);
        QCOMPARE(r.coverage->precision, 0.8);
        QCOMPARE(r.crystals[0].formula, std::string("TiOsNOF"));
        QVERIFY(r.structures[0] && !r.structures[4]);  // the NaN crystal has no cell
        QVERIFY(r.crystals[0].spaceGroup > 0);
        std::size_t counted = 0;
        for (const auto& [group, count] : r.generatedSpaceGroups) counted += count;
        QCOMPARE(counted, std::size_t(4));

        // As files: report.json's rates, one CSV row per crystal, the CIF folders, figures.
        QTemporaryDir dir;
        cw::writeCrystalReport(dir.path().toStdString(), r, training, "perov5");
        std::ifstream in(dir.filePath("report.json").toStdString());
        const nlohmann::json j = nlohmann::json::parse(in);
        QCOMPARE(j["unique"]["count"].get<int>(), 3);
        QCOMPARE(j["structural_validity"]["rate"].get<double>(), 0.8);
        QCOMPARE(j["coverage"]["precision"].get<double>(), 0.8);
        QCOMPARE(j["published_percent"].size(), std::size_t(5));
        std::ifstream csv(dir.filePath("crystals.csv").toStdString());
        std::string line;
        int rows = -1;
        while (std::getline(csv, line)) ++rows;
        QCOMPARE(rows, 5);
        namespace fs = std::filesystem;
        QVERIFY(fs::exists(dir.filePath("unique/moved.cif").toStdString()) == false);
        QVERIFY(fs::exists(dir.filePath("unique/3961.cif").toStdString()));
        QVERIFY(fs::is_empty(dir.filePath("novel").toStdString()));
        QVERIFY(fs::file_size(dir.filePath("space_groups.svg").toStdString()) > 0);
        QVERIFY(fs::file_size(dir.filePath("properties.png").toStdString()) > 0);
    }

    void cancelStopsBetweenStages() {
        const std::vector<cw::Structure> training = perovHead();
        std::vector<cw::GeneratedCrystal> generated;
        for (const cw::Structure& s : training) generated.push_back(cw::toGeneratedCrystal(s));
        std::stop_source stop;
        stop.request_stop();
        const cw::CrystalReport r =
            cw::evaluateGeneratedCrystals(generated, training, {}, {}, nullptr, stop.get_token());
        QVERIFY(r.cancelled);
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::evaluateGeneratedCrystals(generated, {}, {}));
    }
};

QTEST_APPLESS_MAIN(TestCrystalReport)
#include "test_crystal_report.moc"
