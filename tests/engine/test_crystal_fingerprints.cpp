// The coverage fingerprints (docs/spec/crystal-generation.md §4) against matminer 0.7.3 on
// pymatgen 2022.11.7: for the 36 crystals of tests/data/crystal_eval/fingerprints.json (Carbon-24,
// Perov-5 and MP crystals, XeF2, KrF2, a Pm and a He compound) the raw and scaled Magpie
// fingerprints within 1e-9 relative with NaN in the same places, the CrystalNN "ops" fingerprint
// of every site, and its mean within the reference's bounds over 1e-10 coordinate noise.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "crystal_eval/crystal_fingerprints.h"
#include "crystal_eval/crystal_nn.h"
#include "crystal_eval/local_order_parameters.h"
#include "io/cif.h"
#include "test_paths.h"

using namespace cw;

namespace {

constexpr double kMagpieRelative = 1e-9;
constexpr double kCrystalNNSlack = 1e-6;

QJsonObject reference() {
    QFile file(QString::fromStdString(test::testDataPath("crystal_eval/fingerprints.json")));
    if (!file.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

/// A JSON array of numbers, null as NaN.
std::vector<double> numbers(const QJsonValue& value) {
    std::vector<double> out;
    for (const QJsonValue& v : value.toArray())
        out.push_back(v.isNull() ? std::nan("") : v.toDouble());
    return out;
}

std::vector<std::string> strings(const QJsonValue& value) {
    std::vector<std::string> out;
    for (const QJsonValue& v : value.toArray()) out.push_back(v.toString().toStdString());
    return out;
}

/// The record's CIF as pymatgen 2022.11.7's CifParser read it for the reference: it also sets a
/// fractional coordinate within 1e-4 (relative) of 1/3 or 2/3 to that fraction (0.333333 →
/// 1/3), which cw's reader does only within the written precision.
Structure structureOf(const QJsonObject& record) {
    Structure structure = parseCifBlocks(record["cif"].toString().toStdString(),
                                         record["id"].toString().toStdString())
                              .at(0)
                              .structure;
    for (Site& site : structure.sites())
        for (int axis = 0; axis < 3; ++axis)
            for (double third : {1.0 / 3.0, 2.0 / 3.0})
                if (std::abs(1 - site.frac[axis] / third) < 1e-4) site.frac[axis] = third;
    return structure;
}

/// Equal within `relative` of the larger magnitude, or both NaN.
bool closeRelative(double a, double b, double relative) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    return std::abs(a - b) <= relative * std::max(std::abs(a), std::abs(b));
}

/// The first Magpie feature that differs, or -1.
template <typename Array>
int firstMagpieMismatch(const Array& computed, const std::vector<double>& expected) {
    for (std::size_t i = 0; i < expected.size(); ++i)
        if (!closeRelative(computed[i], expected[i], kMagpieRelative)) return static_cast<int>(i);
    return -1;
}

}  // namespace

class TestCrystalFingerprints : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        m_reference = reference();
        QVERIFY2(!m_reference.isEmpty(),
                 "tests/data/crystal_eval/fingerprints.json is missing or unreadable");
        m_records = m_reference["structures"].toArray();
        QCOMPARE(m_records.size(), 36);
    }

    void labelsFollowMatminer() {
        QVERIFY(crystalNNFingerprintLabels() == strings(m_reference["struct_labels"]));
        QVERIFY(magpieFeatureLabels() == strings(m_reference["comp_labels"]));
    }

    void magpieMatchesMatminer() {
        int rawAgree = 0, scaledAgree = 0, nanFeatures = 0;
        for (const QJsonValue& value : m_records) {
            const QJsonObject record = value.toObject();
            const QByteArray id = record["id"].toString().toUtf8();
            const Structure structure = structureOf(record);
            const MagpieFingerprint raw = magpieFingerprint(structure);
            const std::vector<double> expectedRaw = numbers(record["comp_fp"]);
            const std::vector<double> expectedScaled = numbers(record["comp_fp_scaled"]);
            QCOMPARE(expectedRaw.size(), raw.size());
            const int rawMismatch = firstMagpieMismatch(raw, expectedRaw);
            QVERIFY2(rawMismatch < 0,
                     qPrintable(QString("%1: raw feature %2 is %3, matminer %4")
                                    .arg(id.constData())
                                    .arg(rawMismatch)
                                    .arg(raw[std::max(rawMismatch, 0)], 0, 'g', 17)
                                    .arg(expectedRaw[std::max(rawMismatch, 0)], 0, 'g', 17)));
            ++rawAgree;
            for (double x : raw) nanFeatures += std::isnan(x);
            const MagpieFingerprint scaled = scaleMagpieFingerprint(raw);
            const int scaledMismatch = firstMagpieMismatch(scaled, expectedScaled);
            QVERIFY2(scaledMismatch < 0,
                     qPrintable(QString("%1: scaled feature %2 is %3, CDVAE %4")
                                    .arg(id.constData())
                                    .arg(scaledMismatch)
                                    .arg(scaled[std::max(scaledMismatch, 0)], 0, 'g', 17)
                                    .arg(expectedScaled[std::max(scaledMismatch, 0)], 0, 'g', 17)));
            ++scaledAgree;
        }
        QCOMPARE(rawAgree, 36);
        QCOMPARE(scaledAgree, 36);
        QCOMPARE(nanFeatures, 10);  // the He compound's
        qInfo("Magpie: raw %d/36, scaled %d/36 within %g relative", rawAgree, scaledAgree,
              kMagpieRelative);
    }

    void magpieTiesAndErrors() {
        // NaCl: equal amounts tie for the mode, which takes the smaller value (Na's Number 11).
        const MagpieFingerprint nacl = magpieFingerprint({{11, 1.0}, {17, 1.0}});
        QCOMPARE(nacl[5], 11.0);
        QCOMPARE(nacl[3], 14.0);  // mean Number
        // Amounts within numpy's isclose of the largest tie too; others do not.
        QCOMPARE(magpieFingerprint({{17, 1.0}, {11, 1.0 - 1e-9}})[5], 11.0);
        QCOMPARE(magpieFingerprint({{17, 1.0}, {11, 0.99}})[5], 17.0);
        QVERIFY_THROWS_EXCEPTION(ValueError,
                                 magpieFingerprint(std::vector<std::pair<int, double>>{}));
        QVERIFY_THROWS_EXCEPTION(ValueError, magpieFingerprint({{119, 1.0}}));
        QVERIFY_THROWS_EXCEPTION(ValueError, magpieFingerprint({{8, 1.0}, {8, 2.0}}));
        QVERIFY_THROWS_EXCEPTION(ValueError, magpieFingerprint({{8, 0.0}}));
    }

    void crystalNNMatchesMatminer() {
        int withinBounds = 0, exact = 0, sitesChecked = 0, sitesExact = 0, siteValuesChecked = 0;
        double worstExact = 0;
        QString worstExactAt;
        for (const QJsonValue& value : m_records) {
            const QJsonObject record = value.toObject();
            const QString id = record["id"].toString();
            const Structure structure = structureOf(record);
            const std::vector<CrystalNNFingerprint> sites = crystalNNSiteFingerprints(structure);
            const QJsonArray expectedSites = record["site_fps"].toArray();
            QCOMPARE(sites.size(), static_cast<std::size_t>(expectedSites.size()));

            // Per site: the reference value where 1e-10 noise moves nothing, else its range.
            std::map<std::pair<int, int>, std::pair<double, double>> ranges;
            for (const QJsonValue& r : record["site_ranges"].toArray()) {
                const QJsonObject o = r.toObject();
                ranges[{o["site"].toInt(), o["feature"].toInt()}] = {o["lo"].toDouble(),
                                                                     o["hi"].toDouble()};
            }
            for (std::size_t s = 0; s < sites.size(); ++s) {
                const std::vector<double> expected = numbers(expectedSites[static_cast<int>(s)]);
                bool siteExact = true;
                for (int f = 0; f < kCrystalNNFingerprintLength; ++f) {
                    siteExact = siteExact && std::abs(sites[s][f] - expected[f]) <= kCrystalNNSlack;
                    const auto range = ranges.find({static_cast<int>(s), f});
                    const double lo = range == ranges.end() ? expected[f] : range->second.first;
                    const double hi = range == ranges.end() ? expected[f] : range->second.second;
                    QVERIFY2(
                        sites[s][f] >= lo - kCrystalNNSlack && sites[s][f] <= hi + kCrystalNNSlack,
                        qPrintable(QString("%1 site %2, %3: %4, matminer %5 (range %6 … %7)")
                                       .arg(id)
                                       .arg(s)
                                       .arg(QString::fromStdString(crystalNNFingerprintLabels()[f]))
                                       .arg(sites[s][f], 0, 'g', 12)
                                       .arg(expected[f], 0, 'g', 12)
                                       .arg(lo, 0, 'g', 12)
                                       .arg(hi, 0, 'g', 12)));
                    ++siteValuesChecked;
                }
                ++sitesChecked;
                sitesExact += siteExact;
            }

            const CrystalNNFingerprint mean = crystalNNStructureFingerprint(structure);
            const std::vector<double> lo = numbers(record["struct_fp_lo"]);
            const std::vector<double> hi = numbers(record["struct_fp_hi"]);
            const std::vector<double> exactInput = numbers(record["struct_fp"]);
            bool matchesExact = true;
            for (int f = 0; f < kCrystalNNFingerprintLength; ++f) {
                QVERIFY2(
                    mean[f] >= lo[f] - kCrystalNNSlack && mean[f] <= hi[f] + kCrystalNNSlack,
                    qPrintable(QString("%1 mean %2: %3 outside %4 … %5")
                                   .arg(id)
                                   .arg(QString::fromStdString(crystalNNFingerprintLabels()[f]))
                                   .arg(mean[f], 0, 'g', 12)
                                   .arg(lo[f], 0, 'g', 12)
                                   .arg(hi[f], 0, 'g', 12)));
                const double difference = std::abs(mean[f] - exactInput[f]);
                if (difference > kCrystalNNSlack) matchesExact = false;
                if (difference > worstExact) {
                    worstExact = difference;
                    worstExactAt =
                        id + " " + QString::fromStdString(crystalNNFingerprintLabels()[f]);
                }
            }
            ++withinBounds;
            exact += matchesExact;
        }
        QCOMPARE(withinBounds, 36);
        qInfo(
            "CrystalNN: %d/36 means within the bounds, %d/36 equal to the exact-input struct_fp "
            "within %g (largest difference %.3g at %s); %d/%d sites equal to site_fps, %d site "
            "values within their ranges",
            withinBounds, exact, kCrystalNNSlack, worstExact, qPrintable(worstExactAt), sitesExact,
            sitesChecked, siteValuesChecked);
    }

    void crystalNNWeightsAreProbabilities() {
        const Structure structure = structureOf(m_records[5].toObject());  // mp-5938
        const PeriodicVoronoi voronoi(structure);
        for (std::size_t s = 0; s < structure.size(); ++s) {
            const CrystalNNResult nn = crystalNN(voronoi, s);
            double total = 0;
            for (const auto& [cn, p] : nn.cnWeights) {
                QVERIFY(p > 0);
                QVERIFY(cn <= static_cast<int>(nn.neighbours.size()));
                total += p;
            }
            QVERIFY(std::abs(total - 1) < 1e-12);
            for (std::size_t k = 1; k < nn.neighbours.size(); ++k)
                QVERIFY(nn.neighbours[k].weight <= nn.neighbours[k - 1].weight);
        }
    }

    void collinearThresholdAsPymatgen() {
        // The spec's example: an exact octahedron scores 0.5 as a pentagonal pyramid, since
        // opposite neighbours count as collinear (Gram–Schmidt remainder < 1e-12); 1e-10 noise
        // makes them not collinear and the score 0.4.
        const OrderParameterSpec pentagonalPyramid{.type = OrderParameterType::PentagonalPyramidal,
                                                   .inverseWidthEquatorialPlane = 13.8,
                                                   .azimuthFactor = 2.5,
                                                   .azimuthCosineExponent = 2};
        std::vector<Eigen::Vector3d> octahedron;
        for (int axis = 0; axis < 3; ++axis)
            for (double sign : {1.0, -1.0})
                octahedron.push_back(2.0 * sign * Eigen::Vector3d::Unit(axis));
        const std::optional<double> exact =
            localOrderParameter(pentagonalPyramid, NeighbourAngles(octahedron));
        QVERIFY(exact.has_value());
        QCOMPARE(*exact, 0.5);
        std::vector<Eigen::Vector3d> noisy = octahedron;
        for (std::size_t k = 0; k < noisy.size(); ++k)
            noisy[k] +=
                1e-10 * Eigen::Vector3d(k % 3 + 1.0, -0.5 - static_cast<double>(k % 2), 0.25 * k);
        QVERIFY(std::abs(*localOrderParameter(pentagonalPyramid, NeighbourAngles(noisy)) - 0.4) <
                1e-6);
    }

    void bccAveragesNeighboursOfOneClass() {
        // bcc sums its pair terms with the earlier neighbour as pole, so the order matters;
        // neighbours of one order class contribute the mean of both orders.
        const OrderParameterSpec bcc{.type = OrderParameterType::BodyCentredCubic,
                                     .minSouthPoleAngleRad = 2.5261129449194057,
                                     .inverseWidthSouthPole = 15,
                                     .southPoleWeight = 6};
        // A distorted cube around the centre (Å).
        const std::vector<Eigen::Vector3d> cube = {
            {-0.694, -1.283, -0.737}, {0.915, -0.968, -0.832}, {-1.303, 1.065, -0.93},
            {1.498, 1.134, -0.853},   {-1.042, -1.0, 1.042},   {0.941, -0.828, 1.164},
            {-0.856, 1.07, 1.204},    {1.232, 1.182, 1.124}};
        std::vector<Eigen::Vector3d> swapped = cube;
        std::swap(swapped[0], swapped[1]);
        const double forward = *localOrderParameter(bcc, NeighbourAngles(cube));
        const double backward = *localOrderParameter(bcc, NeighbourAngles(swapped));
        QVERIFY(std::abs(forward - backward) > 1e-6);
        std::vector<int> classes = {0, 0, 1, 2, 3, 4, 5, 6};
        const double averaged = *localOrderParameter(bcc, NeighbourAngles(cube, classes));
        QVERIFY(std::abs(averaged - 0.5 * (forward + backward)) < 1e-12);
        QVERIFY_THROWS_EXCEPTION(ValueError, NeighbourAngles(cube, {0, 1}));
    }

    void roundsLikePython() {
        QCOMPARE(roundToThreeDecimals(0.0625), 0.062);  // exact tie: to even
        QCOMPARE(roundToThreeDecimals(0.1875), 0.188);
        QCOMPARE(roundToThreeDecimals(0.0005), 0.001);  // 0.0005 is just above the tie in binary
        QCOMPARE(roundToThreeDecimals(0.99951), 1.0);
        QCOMPARE(roundToThreeDecimals(1.0005), 1.0);  // just below the tie in binary
    }

    void batchMatchesSingleAndReportsFailures() {
        std::vector<Structure> structures;
        for (int i : {0, 5, 33}) structures.push_back(structureOf(m_records[i].toObject()));
        // Berkelium: pymatgen has no covalent or atomic radius for it, so CrystalNN raises.
        Structure berkelium = structures[0];
        for (Site& site : berkelium.sites()) site.z = 97;
        structures.push_back(berkelium);
        const std::vector<FingerprintOutcome> outcomes = crystalFingerprints(structures, 2);
        QCOMPARE(outcomes.size(), structures.size());
        for (std::size_t i = 0; i < 3; ++i) {
            QVERIFY2(outcomes[i].fingerprints.has_value(), outcomes[i].error.c_str());
            const CrystalFingerprints single = crystalFingerprints(structures[i]);
            QVERIFY(outcomes[i].fingerprints->structure == single.structure);
            QVERIFY(outcomes[i].fingerprints->compositionScaled == single.compositionScaled);
        }
        QVERIFY(!outcomes[3].fingerprints.has_value());
        QVERIFY2(outcomes[3].error.find("Bk") != std::string::npos, outcomes[3].error.c_str());
    }

private:
    QJsonObject m_reference;
    QJsonArray m_records;
};

QTEST_APPLESS_MAIN(TestCrystalFingerprints)
#include "test_crystal_fingerprints.moc"
