// The memorisation check's nearest-neighbour search (engine/eval/nearest_neighbours.h) against a
// brute-force search in double precision: random rows over several query chunks, rows far from
// the origin (where |q|² + |r|² − 2q·r cancels badly in float), exact duplicates, real slices.
#include <QtTest>
#include <cmath>
#include <limits>
#include <random>

#include "core/error.h"
#include "core/npy.h"
#include "eval/nearest_neighbours.h"
#include "test_paths.h"

namespace {

Eigen::MatrixXf randomRows(Eigen::Index rows, Eigen::Index cols, std::mt19937& rng, float offset = 0) {
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    Eigen::MatrixXf m(rows, cols);
    for (Eigen::Index i = 0; i < rows; ++i)
        for (Eigen::Index k = 0; k < cols; ++k) m(i, k) = u(rng) + offset;
    return m;
}

/// Brute force in double: nearest index (lowest on ties) and distance.
std::vector<cw::NearestNeighbour> bruteForce(const Eigen::MatrixXf& q, const Eigen::MatrixXf& r) {
    std::vector<cw::NearestNeighbour> out(static_cast<std::size_t>(q.rows()));
    for (Eigen::Index i = 0; i < q.rows(); ++i) {
        double best = std::numeric_limits<double>::infinity();
        for (Eigen::Index j = 0; j < r.rows(); ++j) {
            const double d = (q.row(i).cast<double>() - r.row(j).cast<double>()).norm();
            if (d < best) {
                best = d;
                out[static_cast<std::size_t>(i)] = {static_cast<std::size_t>(j), d};
            }
        }
    }
    return out;
}

/// Same index and distance (to 1e-12 relative) as brute force for every query.
void compare(const std::vector<cw::NearestNeighbour>& got, const std::vector<cw::NearestNeighbour>& want) {
    QCOMPARE(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        QVERIFY2(std::abs(got[i].distance - want[i].distance) <= 1e-12 * (1 + want[i].distance),
                 qPrintable(QString("query %1: %2 vs %3").arg(i).arg(got[i].distance, 0, 'g', 17)
                                .arg(want[i].distance, 0, 'g', 17)));
        QCOMPARE(got[i].index, want[i].index);
    }
}

}  // namespace

class TestNearestNeighbours : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void matchesBruteForce() {
        // 600 queries: three chunks of 256 rows; 2 threads and 1 thread agree.
        std::mt19937 rng(11);
        const Eigen::MatrixXf refs = randomRows(500, 257, rng);
        const Eigen::MatrixXf queries = randomRows(600, 257, rng);
        const auto want = bruteForce(queries, refs);
        compare(cw::nearestRows(queries, refs, 2), want);
        compare(cw::nearestRows(queries, refs, 1), want);
    }

    void farFromOriginStaysExact() {
        // Offset 30: |q|² ≈ 2.3e5 while the distances² are ≈ 40, so the float expansion alone
        // is off by about 0.1 in d²; the re-measured candidates are exact.
        std::mt19937 rng(3);
        const Eigen::MatrixXf refs = randomRows(300, 257, rng, 30.0f);
        const Eigen::MatrixXf queries = randomRows(120, 257, rng, 30.0f);
        compare(cw::nearestRows(queries, refs), bruteForce(queries, refs));
    }

    void duplicatesGiveZeroAndTheFirstIndex() {
        std::mt19937 rng(5);
        Eigen::MatrixXf refs = randomRows(50, 64, rng, 3.0f);
        refs.row(40) = refs.row(7);  // a duplicate: the lower index wins
        Eigen::MatrixXf queries(3, 64);
        queries.row(0) = refs.row(40);
        queries.row(1) = refs.row(12);
        queries.row(2) = refs.row(12);
        queries(2, 5) += 0.5f;
        const auto nn = cw::nearestRows(queries, refs);
        QCOMPARE(nn[0].index, std::size_t(7));
        QCOMPARE(nn[0].distance, 0.0);
        QCOMPARE(nn[1].index, std::size_t(12));
        QCOMPARE(nn[1].distance, 0.0);
        QCOMPARE(nn[2].index, std::size_t(12));
        QVERIFY(std::abs(nn[2].distance - 0.5) < 1e-12);
    }

    void pixelDistanceIsRms() {
        // Real slices: each its own nearest at 0; a brightened copy at exactly the RMS change.
        cw::EvalImages training, generated;
        for (const char* name : {"ecd/mp-18849_z_64.npy", "ecd/nacl_z_translations_64.npy"}) {
            const cw::Image im = cw::readNpyImage(cw::test::testDataPath(name));
            training.append(name, 1, im.rows, im.cols, im.data.data());
        }
        cw::Image shifted(64, 64);
        for (std::size_t i = 0; i < shifted.size(); ++i) shifted.data[i] = training.item(1)[i] + 0.25f;
        generated.append("shifted", 1, 64, 64, shifted.data.data());
        generated.append("same", 1, 64, 64, training.item(0));
        const auto nn = cw::nearestByPixels(generated, training);
        QCOMPARE(nn.size(), std::size_t(2));
        QCOMPARE(nn[0].index, std::size_t(1));
        QVERIFY2(std::abs(nn[0].distance - 0.25) < 1e-6, qPrintable(QString::number(nn[0].distance)));
        QCOMPARE(nn[1].index, std::size_t(0));
        QCOMPARE(nn[1].distance, 0.0);

        const Eigen::MatrixXf rows = cw::imageRows(training);
        QCOMPARE(rows.rows(), Eigen::Index(2));
        QCOMPARE(rows(1, 64 * 3 + 5), training.item(1)[64 * 3 + 5]);
    }

    void errors() {
        const Eigen::MatrixXf a = Eigen::MatrixXf::Zero(3, 4), b = Eigen::MatrixXf::Zero(2, 5);
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::nearestRows(a, b));
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::nearestRows(a, Eigen::MatrixXf(0, 4)));
        QCOMPARE(cw::nearestRows(Eigen::MatrixXf(0, 4), a).size(), std::size_t(0));
        cw::EvalImages one, other;
        const std::vector<float> px(16, 0.5f);
        one.append("a", 1, 4, 4, px.data());
        other.append("b", 1, 2, 8, px.data());
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::nearestByPixels(one, other));
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::imageRows(cw::EvalImages{}));
    }
};

QTEST_APPLESS_MAIN(TestNearestNeighbours)
#include "test_nearest_neighbours.moc"
