// The structure matcher (engine/crystal_eval/structure_matcher.h, docs/spec/crystal-generation.md
// §3) against pymatgen 2022.11.7's StructureMatcher(): every reference pair of
// matcher_pairs.csv both ways (fit, fit_reversed) and its get_rms_dist, the structures read from
// their P1 CIF text; its parts on their own (the assignment solver against brute force, the
// Niggli reduction against pymatgen's numbers, the primitive-cell search); and uniqueness and
// novelty on a hand-made set, with the parallel schedule checked against the sequential walk.
#include <QtTest>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "core/csv_reader.h"
#include "crystal/lattice.h"
#include "crystal_eval/linear_assignment.h"
#include "crystal_eval/lll_reduction.h"
#include "crystal_eval/primitive_cell.h"
#include "crystal_eval/pymatgen_niggli.h"
#include "crystal_eval/structure_matcher.h"
#include "crystal_eval/structure_set_matching.h"
#include "io/cif.h"
#include "test_paths.h"

using namespace cw;

namespace {

struct ReferencePair {
    std::string pairId, id1, id2, kind;
    bool fit = false, fitReversed = false;
    std::optional<double> rms, rmsMax;
};

std::optional<double> optionalNumber(const std::string& field) {
    if (field.empty()) return std::nullopt;
    return std::stod(field);
}

std::map<std::string, std::size_t> columnsOf(const std::vector<std::string>& header) {
    std::map<std::string, std::size_t> columns;
    for (std::size_t i = 0; i < header.size(); ++i) columns[header[i]] = i;
    return columns;
}

std::map<std::string, Structure> readReferenceStructures() {
    CsvReader reader(test::testDataPath("crystal_eval/matcher_structures.csv"));
    std::vector<std::string> fields;
    reader.next(fields);
    const auto col = columnsOf(fields);
    std::map<std::string, Structure> structures;
    while (reader.next(fields)) {
        const std::string& id = fields.at(col.at("id"));
        structures[id] = parseCifBlocks(fields.at(col.at("cif")), id).at(0).structure;
    }
    return structures;
}

std::vector<ReferencePair> readReferencePairs() {
    CsvReader reader(test::testDataPath("crystal_eval/matcher_pairs.csv"));
    std::vector<std::string> fields;
    reader.next(fields);
    const auto col = columnsOf(fields);
    std::vector<ReferencePair> pairs;
    while (reader.next(fields)) {
        fields.resize(col.size());
        ReferencePair p;
        p.pairId = fields[col.at("pair_id")];
        p.id1 = fields[col.at("id1")];
        p.id2 = fields[col.at("id2")];
        p.kind = fields[col.at("kind")];
        p.fit = fields[col.at("fit")] == "1";
        p.fitReversed = fields[col.at("fit_reversed")] == "1";
        p.rms = optionalNumber(fields[col.at("rms_dist")]);
        p.rmsMax = optionalNumber(fields[col.at("rms_max_dist")]);
        pairs.push_back(p);
    }
    return pairs;
}

Structure makeStructure(const LatticeParameters& p, const std::vector<int>& z,
                        const std::vector<Eigen::Vector3d>& frac) {
    std::vector<Site> sites;
    for (std::size_t i = 0; i < z.size(); ++i) sites.push_back({z[i], frac[i], "", 1.0});
    return Structure(Lattice::fromParameters(p), sites);
}

constexpr int kNa = 11, kCl = 17, kK = 19;

// Rock salt in its conventional cubic cell (8 sites).
Structure rockSaltConventional(int cation, double a) {
    return makeStructure({a, a, a, 90, 90, 90},
                         {cation, cation, cation, cation, kCl, kCl, kCl, kCl},
                         {{0, 0, 0},
                          {0, .5, .5},
                          {.5, 0, .5},
                          {.5, .5, 0},
                          {.5, .5, .5},
                          {.5, 0, 0},
                          {0, .5, 0},
                          {0, 0, .5}});
}

double bruteForceAssignment(const std::vector<double>& cost, int n) {
    std::vector<int> perm(static_cast<std::size_t>(n));
    std::iota(perm.begin(), perm.end(), 0);
    double best = std::numeric_limits<double>::infinity();
    do {
        double total = 0;
        for (int i = 0; i < n; ++i) total += cost[static_cast<std::size_t>(i * n + perm[i])];
        best = std::min(best, total);
    } while (std::next_permutation(perm.begin(), perm.end()));
    return best;
}

}  // namespace

class TestStructureMatcher : public QObject {
    Q_OBJECT

    std::map<std::string, Structure> m_structures;
    std::map<std::string, ReducedStructure> m_reduced;
    std::vector<ReferencePair> m_pairs;

private Q_SLOTS:
    void initTestCase() {
        m_structures = readReferenceStructures();
        m_pairs = readReferencePairs();
        for (const auto& [id, structure] : m_structures)
            m_reduced[id] = reduceForMatching(structure);
    }

    void referenceFilesAreComplete() {
        QCOMPARE(m_structures.size(), std::size_t{295});
        QCOMPARE(m_pairs.size(), std::size_t{187});
        QCOMPARE(static_cast<int>(std::count_if(m_pairs.begin(), m_pairs.end(),
                                                [](const auto& p) { return p.fit; })),
                 107);
        for (const ReferencePair& p : m_pairs) {
            QVERIFY2(m_reduced.count(p.id1) && m_reduced.count(p.id2), p.pairId.c_str());
        }
    }

    // fit(id1, id2) and fit(id2, id1) as pymatgen decides them, on every pair.
    void fitAgreesOnEveryPairBothWays() {
        int agree = 0, agreeReversed = 0;
        QStringList failures;
        for (const ReferencePair& p : m_pairs) {
            const bool forward = fit(m_reduced.at(p.id1), m_reduced.at(p.id2));
            const bool reversed = fit(m_reduced.at(p.id2), m_reduced.at(p.id1));
            agree += forward == p.fit;
            agreeReversed += reversed == p.fitReversed;
            if (forward != p.fit || reversed != p.fitReversed)
                failures << QString("%1 (%2): fit %3/%4, reversed %5/%6")
                                .arg(p.pairId.c_str(), p.kind.c_str())
                                .arg(forward)
                                .arg(p.fit)
                                .arg(reversed)
                                .arg(p.fitReversed);
        }
        QVERIFY2(failures.isEmpty(), qPrintable(failures.join("\n")));
        QCOMPARE(agree, 187);
        QCOMPARE(agreeReversed, 187);
    }

    // The two pairs whose answer depends on the argument order (d-p0104, d-p0149).
    void fitIsAsymmetricWherePymatgenIs() {
        int asymmetric = 0;
        for (const ReferencePair& p : m_pairs) {
            if (p.fit == p.fitReversed) continue;
            ++asymmetric;
            QCOMPARE(fit(m_reduced.at(p.id1), m_reduced.at(p.id2)), p.fit);
            QCOMPARE(fit(m_reduced.at(p.id2), m_reduced.at(p.id1)), p.fitReversed);
        }
        QCOMPARE(asymmetric, 2);
    }

    // get_rms_dist: within 1e-4 where pymatgen gives one (RMS and the max of that candidate),
    // none where it gives none.
    void rmsDistanceAgreesOnEveryPair() {
        QStringList failures;
        int withValue = 0;
        for (const ReferencePair& p : m_pairs) {
            const auto rms = rmsDistance(m_reduced.at(p.id1), m_reduced.at(p.id2));
            if (!p.rms) {
                if (rms)
                    failures
                        << QString("%1: expected none, got %2").arg(p.pairId.c_str()).arg(rms->rms);
                continue;
            }
            ++withValue;
            if (!rms) {
                failures << QString("%1: expected %2, got none").arg(p.pairId.c_str()).arg(*p.rms);
            } else if (std::abs(rms->rms - *p.rms) > 1e-4 ||
                       std::abs(rms->maxDistance - *p.rmsMax) > 1e-4) {
                failures << QString("%1: rms %2 (pymatgen %3), max %4 (pymatgen %5)")
                                .arg(p.pairId.c_str())
                                .arg(rms->rms)
                                .arg(*p.rms)
                                .arg(rms->maxDistance)
                                .arg(*p.rmsMax);
            }
        }
        QVERIFY2(failures.isEmpty(), qPrintable(failures.join("\n")));
        QVERIFY(withValue > 107);  // the looser rule: some non-matching pairs have an RMS
    }

    void supercellsReduceToThePrimitiveCell() {
        const ReducedStructure conventional = reduceForMatching(rockSaltConventional(kNa, 5.64));
        QCOMPARE(conventional.siteCount, std::size_t{2});
        QCOMPARE(conventional.compositionKey, std::string("11:1 17:1"));
        QVERIFY(std::abs(conventional.volumeA3 - std::pow(5.64, 3) / 4) < 1e-9);
        // pymatgen's site order after the primitive search: species sorted by symbol.
        QCOMPARE(conventional.cell.z, (std::vector<int>{kCl, kNa}));
        for (const ReferencePair& p : m_pairs) {
            if (p.kind != "supercell") continue;
            QCOMPARE(m_reduced.at(p.id1).siteCount, m_reduced.at(p.id2).siteCount);
        }
    }

    void linearAssignmentMatchesBruteForce() {
        std::mt19937 rng(20240601);
        std::uniform_real_distribution<double> value(0.0, 10.0);
        std::bernoulli_distribution forbidden(0.25);
        LinearAssignmentSolver solver;
        std::vector<int> assignment;
        int infeasibleSeen = 0;
        for (int trial = 0; trial < 600; ++trial) {
            const int n = 1 + trial % 7;
            std::vector<double> cost(static_cast<std::size_t>(n * n));
            for (double& c : cost) {
                c = trial % 3 == 2 ? std::floor(value(rng) / 3) : value(rng);  // ties too
                if (trial % 2 == 1 && forbidden(rng)) c = std::numeric_limits<double>::infinity();
            }
            const double expected = bruteForceAssignment(cost, n);
            const double got = solver.solve(cost.data(), static_cast<std::size_t>(n), assignment);
            if (std::isinf(expected)) {
                ++infeasibleSeen;
                QVERIFY(std::isinf(got));
                continue;
            }
            QVERIFY2(std::abs(got - expected) < 1e-9, qPrintable(QString("trial %1").arg(trial)));
            std::vector<int> sorted = assignment;
            std::sort(sorted.begin(), sorted.end());
            for (int i = 0; i < n; ++i) QCOMPARE(sorted[static_cast<std::size_t>(i)], i);
            double total = 0;
            for (int i = 0; i < n; ++i)
                total +=
                    cost[static_cast<std::size_t>(i * n + assignment[static_cast<std::size_t>(i)])];
            QVERIFY(std::abs(total - expected) < 1e-9);
        }
        QVERIFY(infeasibleSeen > 0);
        QCOMPARE(solver.solve(nullptr, 0, assignment), 0.0);
    }

    // Reduced cells of pymatgen 2022.11.7, Lattice(rows).get_niggli_reduced_lattice():
    //   triclinic  rows [[3.1,0.2,-0.4],[1.7,4.1,0.3],[-0.8,2.9,5.3]]
    //     → [[3.1,0.2,-0.4],[-1.4,3.9,0.7],[0.6,-1.0,4.6]]
    //   skewed     rows [[2.5,0,0],[7.6,2.9,0],[4.1,9.3,3.7]]
    //     → [[-2.5,0,0],[0.1,2.9,0],[1.2,-0.6,-3.7]]
    //   long_c     rows [[4.2,0.1,0],[-2.0,3.9,0.2],[9.5,-13.1,11.4]]
    //     → [[4.2,0.1,0],[-2.0,3.9,0.2],[-0.7,-1.5,12.0]]
    //   monoclinic rows [[5,0,0],[0,6.1,0],[-3.4,0,4.4]]
    //     → [[-1.6,0,-4.4],[5,0,0],[0,-6.1,0]]   (a, b, c = 4.68188, 5, 6.1; γ = 109.98311°)
    void niggliMatchesPymatgen_data() {
        QTest::addColumn<QVector<double>>("input");
        QTest::addColumn<QVector<double>>("expected");
        QTest::addRow("triclinic")
            << QVector<double>{3.1, 0.2, -0.4, 1.7, 4.1, 0.3, -0.8, 2.9, 5.3}
            << QVector<double>{3.1, 0.2, -0.4, -1.4, 3.9, 0.7, 0.6, -1.0, 4.6};
        QTest::addRow("skewed") << QVector<double>{2.5, 0, 0, 7.6, 2.9, 0, 4.1, 9.3, 3.7}
                                << QVector<double>{-2.5, 0, 0, 0.1, 2.9, 0, 1.2, -0.6, -3.7};
        QTest::addRow("long_c") << QVector<double>{4.2, 0.1, 0, -2.0, 3.9, 0.2, 9.5, -13.1, 11.4}
                                << QVector<double>{4.2, 0.1, 0, -2.0, 3.9, 0.2, -0.7, -1.5, 12.0};
        QTest::addRow("monoclinic") << QVector<double>{5, 0, 0, 0, 6.1, 0, -3.4, 0, 4.4}
                                    << QVector<double>{-1.6, 0, -4.4, 5, 0, 0, 0, -6.1, 0};
    }

    void niggliMatchesPymatgen() {
        QFETCH(QVector<double>, input);
        QFETCH(QVector<double>, expected);
        Eigen::Matrix3d rows, want;
        for (int i = 0; i < 9; ++i) {
            rows(i / 3, i % 3) = input[i];
            want(i / 3, i % 3) = expected[i];
        }
        const Eigen::Matrix3d reduced = pymatgenNiggliRows(rows);
        QVERIFY2(
            (reduced - want).cwiseAbs().maxCoeff() < 1e-9,
            qPrintable(QString("max deviation %1 Å").arg((reduced - want).cwiseAbs().maxCoeff())));
        const Eigen::Matrix3d metric = reduced * reduced.transpose();
        QVERIFY((metric - want * want.transpose()).cwiseAbs().maxCoeff() < 1e-9);
        // The LLL step keeps the lattice: an integer mapping of determinant ±1.
        const LllReduction lll = lllReduce(rows);
        QVERIFY(std::abs(std::abs(lll.mapping.determinant()) - 1) < 1e-12);
        QVERIFY((lll.mapping * rows - lll.rows).cwiseAbs().maxCoeff() < 1e-9);
    }

    // Expected answers from pymatgen 2022.11.7 StructureMatcher().fit on the same structures:
    // rock salt (conventional) and rock salt (primitive) match each other and a perturbed rock
    // salt; CsCl-type NaCl matches neither; rock-salt KCl does not match CsCl-type KCl.
    void uniquenessAndNoveltyOnHandMadeSet() {
        const double a = 5.64;
        const std::vector<Structure> generated{
            rockSaltConventional(kNa, a),
            makeStructure({a / std::sqrt(2.0), a / std::sqrt(2.0), a / std::sqrt(2.0), 60, 60, 60},
                          {kNa, kCl}, {{0, 0, 0}, {.5, .5, .5}}),
            makeStructure({3, 3, 3, 90, 90, 90}, {kNa, kCl}, {{0, 0, 0}, {.5, .5, .5}}),
            makeStructure({4.45, 4.45, 4.45, 60, 60, 60}, {kK, kCl}, {{0, 0, 0}, {.5, .5, .5}}),
            Structure(),  // not constructible: neither unique nor novel
        };
        Structure perturbed = rockSaltConventional(kNa, 5.70);
        perturbed.sites()[0].frac = {0.01, 0, 0};
        perturbed.sites()[1].frac = {0, .5, .52};
        perturbed.sites()[3].frac = {.5, .49, 0};
        perturbed.sites()[5].frac = {.5, 0, .02};
        const std::vector<Structure> training{
            perturbed,
            makeStructure({3.6, 3.6, 3.6, 90, 90, 90}, {kK, kCl}, {{0, 0, 0}, {.5, .5, .5}})};

        const auto reducedGenerated = reduceAllForMatching(generated, 2);
        const auto reducedTraining = reduceAllForMatching(training, 2);
        QVERIFY(!reducedGenerated[4].has_value());
        QCOMPARE(uniqueFlags(reducedGenerated, {}, 2),
                 (std::vector<bool>{true, false, true, true, false}));
        QCOMPARE(novelFlags(reducedGenerated, reducedTraining, {}, 2),
                 (std::vector<bool>{false, false, true, true, false}));
        QCOMPARE(matchesAnyOf(reducedGenerated, reducedTraining, {}, 2),
                 (std::vector<bool>{true, true, false, false, false}));
        QVERIFY(rmsDistance(*reducedTraining[0], *reducedGenerated[0]).has_value());
        // pymatgen: get_rms_dist(perturbed, conventional) = (0.0035355339, 0.0035355339).
        const auto rms = rmsDistance(*reducedTraining[0], *reducedGenerated[0]);
        QVERIFY(std::abs(rms->rms - 0.003535533905932565) < 1e-9);
        QVERIFY(std::abs(rms->maxDistance - 0.0035355339059325655) < 1e-9);
    }

    // A bucket large enough for the block-parallel walk: perturbed copies of one perovskite, some
    // matching each other and some not (matching is not transitive), must give exactly the flags
    // of the sequential walk.
    void parallelUniquenessEqualsSequentialWalk() {
        const Structure& base = m_structures.at("d0000");
        const double length = std::cbrt(base.lattice().volume() / static_cast<double>(base.size()));
        std::mt19937 rng(7);
        std::uniform_real_distribution<double> unit(-1.0, 1.0), amplitude(0.0, 0.5);
        std::vector<Structure> copies;
        for (int c = 0; c < 150; ++c) {
            Structure copy = base;
            const double amp = amplitude(rng) * length;
            for (Site& site : copy.sites()) {
                Eigen::Vector3d cart(unit(rng), unit(rng), unit(rng));
                site.frac += copy.lattice().toFractional(cart * amp / std::sqrt(3.0));
            }
            copies.push_back(copy);
        }
        const auto reduced = reduceAllForMatching(copies, 2);
        std::vector<bool> sequential(copies.size(), false);
        std::vector<std::size_t> representatives;
        for (std::size_t i = 0; i < copies.size(); ++i) {
            if (!reduced[i]) continue;
            const bool matched =
                std::any_of(representatives.begin(), representatives.end(),
                            [&](std::size_t r) { return fit(*reduced[i], *reduced[r]); });
            if (!matched) {
                sequential[i] = true;
                representatives.push_back(i);
            }
        }
        const auto uniqueCount = std::count(sequential.begin(), sequential.end(), true);
        QVERIFY2(uniqueCount > 5 && uniqueCount < 145, qPrintable(QString::number(uniqueCount)));
        QCOMPARE(uniqueFlags(reduced, {}, 2), sequential);
        QCOMPARE(uniqueFlags(reduced, {}, 1), sequential);
    }

    // Pair decisions per second on the reference pairs (one thread, structures reduced once),
    // printed for the record; the decisions are asserted again.
    void throughputOnReferencePairs() {
        const int repeats = 20;
        int agree = 0;
        const auto start = std::chrono::steady_clock::now();
        for (int r = 0; r < repeats; ++r)
            for (const ReferencePair& p : m_pairs)
                agree += fit(m_reduced.at(p.id1), m_reduced.at(p.id2)) == p.fit;
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        QCOMPARE(agree, repeats * 187);
        qInfo("fit on pre-reduced pairs: %.0f pair decisions/s (one thread)",
              repeats * 187 / seconds);
    }
};

QTEST_APPLESS_MAIN(TestStructureMatcher)
#include "test_structure_matcher.moc"
