// CrysTens: header and pairwise values per docs/spec/encodings.md, min–max normalisation with the upstream
// constants, channel-first transpose, exact decoding, the 52-site case, noisy tensors and
// element clustering that never invents elements.
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <random>
#include <set>

#include "core/error.h"
#include "encoding/crystens.h"
#include "encoding/throughput.h"
#include "known_structures.h"

namespace {

double wrappedDiff(double a, double b) {
    const double d = std::abs(a - b);
    const double f = d - std::floor(d);
    return std::min(f, 1 - f);
}

/// A 52-site crystal with four elements (a 13-atom motif repeated in a 2 × 2 × 1 supercell).
cw::Structure fiftyTwoSites() {
    cw::Structure s{cw::Lattice::fromParameters({10.0, 10.5, 7.0, 90, 95, 90}), {}};
    const int zs[4] = {11, 19, 17, 8};
    for (int i = 0; i < 52; ++i) {
        const double t = i / 52.0;
        s.addSite({zs[i % 4], Eigen::Vector3d(t, std::fmod(0.37 * i, 1.0), std::fmod(0.61 * i + 0.05, 1.0)), "", 1.0});
    }
    return s;
}

void verifySame(const cw::Structure& got, const cw::Structure& want, double tol) {
    QCOMPARE(got.size(), want.size());
    const cw::LatticeParameters p = want.lattice().parameters(), q = got.lattice().parameters();
    const double pv[6] = {p.a, p.b, p.c, p.alpha, p.beta, p.gamma}, qv[6] = {q.a, q.b, q.c, q.alpha, q.beta, q.gamma};
    for (int k = 0; k < 6; ++k) QVERIFY2(std::abs(pv[k] - qv[k]) <= tol * std::abs(pv[k]), qPrintable(QString::number(k)));
    for (std::size_t i = 0; i < want.size(); ++i) {
        QCOMPARE(got.site(i).z, want.site(i).z);
        for (int c = 0; c < 3; ++c) QVERIFY(wrappedDiff(got.site(i).frac[c], want.site(i).frac[c]) <= tol);
    }
}

}  // namespace

class TestCrysTens : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void rawHeaderAndPairs();
    void normalisation();
    void channelsFirstTranspose();
    void decodesExactly();
    void fiftyTwoSites();
    void noisyTensor();
    void clusteringNeverInventsElements();
    void npyRoundTrip();
    void throughput();
};

void TestCrysTens::rawHeaderAndPairs() {
    cw::CrysTensOptions o;
    o.normalize = false;
    const cw::CrysTensTensor t = cw::encodeCrysTens(cw::test::rutileTiO2(), o);
    QVERIFY(!t.normalized);
    for (int ch = 0; ch < 4; ++ch) {
        QCOMPARE(t(12, 0, ch), 22.0f);  // Ti
        QCOMPARE(t(0, 14, ch), 8.0f);   // O, mirrored
        QCOMPARE(t(14, 1, ch), 0.3053f);
        QCOMPARE(t(12, 4, ch), 4.594f);
        QCOMPARE(t(12, 6, ch), 2.959f);
        QCOMPARE(t(13, 8, ch), 90.0f);
        QCOMPARE(t(12, 10, ch), 136.0f);
        QCOMPARE(t(12, 11, ch), 0.0f);
    }
    // Sites 0 (0,0,0) and 1 (½,½,½): |Δf| = √0.75 (fractional, no periodic image); Δx antisymmetric.
    QVERIFY(std::abs(t(12, 13, 0) - std::sqrt(0.75)) < 1e-7);
    QCOMPARE(t(12, 13, 1), -0.5f);
    QCOMPARE(t(13, 12, 1), 0.5f);
    // Sites 2 (u,u,0) and 3 (1−u,1−u,0): no minimum image, |Δf| = √2·(1 − 2u).
    QVERIFY(std::abs(t(14, 15, 0) - std::sqrt(2.0) * (1 - 2 * 0.3053)) < 1e-6);
    for (int i = 0; i < 64; ++i) QCOMPARE(t(i, i, 0), 0.0f);
    for (int r = 0; r < 64; ++r) {
        for (int k = 0; k < 64; ++k) {
            if ((r < 12 && k < 12) || r >= 18 || k >= 18) {
                for (int ch = 0; ch < 4; ++ch) QCOMPARE(t(r, k, ch), 0.0f);
            }
        }
    }
    QCOMPARE(cw::crysTensSiteCount(t), 6);
}

void TestCrysTens::normalisation() {
    const cw::CrysTensTensor t = cw::encodeCrysTens(cw::test::rutileTiO2());
    QVERIFY(t.normalized);
    for (float v : t.data) QVERIFY(v >= 0.0f && v <= 1.0f);
    // Z = 22: (22 − 1)/98; a = 4.594: (4.594 − 1.7624)/(42.664 − 1.7624); 136: 135/229.
    QVERIFY(std::abs(t(12, 0, 2) - 21.0 / 98.0) < 1e-7);
    QVERIFY(std::abs(t(12, 4, 0) - (4.594 - 1.7624000000000004) / (42.664 - 1.7624000000000004)) < 1e-7);
    QVERIFY(std::abs(t(10, 12, 3) - 135.0 / 229.0) < 1e-7);
    // Δx = −0.5 → (−0.5 + 0.99999333)/(2·0.99999333); the diagonal and padding stay 0.
    QVERIFY(std::abs(t(12, 13, 1) - (-0.5 + 0.9999933333333332) / (2 * 0.9999933333333332)) < 1e-7);
    QCOMPARE(t(12, 12, 1), 0.0f);
    QCOMPARE(t(20, 20, 1), 0.0f);
    QCOMPARE(t(12, 11, 0), 0.0f);
    QCOMPARE(t(30, 4, 0), 0.0f);
    // normalise(raw) equals the direct normalised encoding; denormalise inverts it.
    cw::CrysTensOptions raw;
    raw.normalize = false;
    const cw::CrysTensTensor r = cw::encodeCrysTens(cw::test::rutileTiO2(), raw);
    const cw::CrysTensTensor n = cw::normalizeCrysTens(r);
    const cw::CrysTensTensor back = cw::denormalizeCrysTens(t);
    for (int i = 12; i < 18; ++i) {
        for (int k = 0; k < 18; ++k) {
            for (int ch = 0; ch < 4; ++ch) {
                QVERIFY(std::abs(n(i, k, ch) - t(i, k, ch)) < 1e-6);
                if (k < 11 || (k >= 12 && k != i)) QVERIFY(std::abs(back(i, k, ch) - r(i, k, ch)) < 2e-5 * (1 + std::abs(r(i, k, ch))));
            }
        }
    }
}

void TestCrysTens::channelsFirstTranspose() {
    const cw::CrysTensTensor t = cw::encodeCrysTens(cw::test::wurtziteZnO());
    const std::vector<float> cf = cw::crysTensToChannelsFirst(t);
    QCOMPARE(cf.size(), std::size_t(16384));
    QCOMPARE(cf[(2 * 64 + 12) * 64 + 13], t(12, 13, 2));  // (ch, r, k)
    QCOMPARE(cf[(3 * 64 + 0) * 64 + 14], t(0, 14, 3));
    const cw::CrysTensTensor back = cw::crysTensFromChannelsFirst(cf, true);
    QVERIFY(back.data == t.data);
    QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::crysTensFromChannelsFirst(std::vector<float>(100), true));
}

void TestCrysTens::decodesExactly() {
    for (const cw::Structure& s : {cw::test::rockSaltNaCl(), cw::test::rutileTiO2(), cw::test::wurtziteZnO(),
                                   cw::test::diamondSilicon()}) {
        cw::CrysTensOptions raw;
        raw.normalize = false;
        const cw::DecodedCrystal d = cw::decodeCrysTens(cw::encodeCrysTens(s, raw));
        verifySame(d.structure, s, 1e-6);
        QVERIFY(d.pairwiseErrorAfter < 1e-6);
        QCOMPARE(d.headerSpaceGroup, cw::analyzeSpaceGroup(s, {0.01, cw::kPymatgenAngleToleranceDeg}).number);
        QCOMPARE(d.spaceGroup.number, d.headerSpaceGroup);
        verifySame(cw::decodeCrysTens(cw::encodeCrysTens(s)).structure, s, 1e-5);  // normalised
    }
}

void TestCrysTens::fiftyTwoSites() {
    const cw::Structure s = ::fiftyTwoSites();
    QCOMPARE(int(s.size()), 52);
    for (bool normalize : {false, true}) {
        cw::CrysTensOptions o;
        o.normalize = normalize;
        o.knownSpaceGroup = 1;
        const cw::CrysTensTensor t = cw::encodeCrysTens(s, o);
        cw::CrysTensDecodeOptions d;
        d.analyzeSymprec = 0;
        const cw::DecodedCrystal out = cw::decodeCrysTens(t, d);
        QCOMPARE(int(out.structure.size()), 52);  // upstream's rule loses the last site
        verifySame(out.structure, s, normalize ? 1e-5 : 1e-6);
    }
}

void TestCrysTens::noisyTensor() {
    std::mt19937 rng(42);
    // σ 0.002 of the [0, 1] range: Z gets σ ≈ 0.2, 0.07 after the mean of 8 copies.
    std::normal_distribution<float> noise(0.0f, 0.002f);
    for (const cw::Structure& s : {cw::test::rutileTiO2(), cw::test::wurtziteZnO(), ::fiftyTwoSites()}) {
        cw::CrysTensOptions o;
        o.knownSpaceGroup = s.size() == 52 ? 1 : 0;
        cw::CrysTensTensor t = cw::encodeCrysTens(s, o);
        for (float& v : t.data) v += noise(rng);  // padding too: a generated tensor is never exactly 0
        const cw::DecodedCrystal d = cw::decodeCrysTens(t);
        QCOMPARE(d.structure.size(), s.size());
        for (std::size_t i = 0; i < s.size(); ++i) QCOMPARE(d.structure.site(i).z, s.site(i).z);
        qInfo("noisy %s: pairwise error %.4f → %.4f (fractional)", s.reducedFormula().c_str(), d.pairwiseErrorBefore,
              d.pairwiseErrorAfter);
        QVERIFY(d.pairwiseErrorAfter <= d.pairwiseErrorBefore);
    }
}

void TestCrysTens::clusteringNeverInventsElements() {
    // Na (11) and K (19): upstream's k-means centres would merge them into P (15) with 3 groups
    // over 4 elements. Clustering here keeps only elements the tensor itself holds.
    cw::Structure s{cw::Lattice(Eigen::Matrix3d::Identity() * 8.0), {}};
    const int zs[8] = {11, 19, 11, 19, 17, 35, 17, 35};
    for (int i = 0; i < 8; ++i) s.addSite({zs[i], Eigen::Vector3d(i / 8.0, (i % 2) * 0.5, 0.25), "", 1.0});
    cw::CrysTensOptions o;
    o.normalize = false;
    const cw::CrysTensTensor t = cw::encodeCrysTens(s, o);
    cw::CrysTensDecodeOptions d;
    d.clusterCount = 3;
    const cw::DecodedCrystal out = cw::decodeCrysTens(t, d);
    const std::set<int> allowed{11, 17, 19, 35};
    std::set<int> got;
    for (const cw::Site& site : out.structure.sites()) {
        QVERIFY(allowed.count(site.z));
        got.insert(site.z);
    }
    QVERIFY(got.size() <= 3);
    // Without clustering every element is kept exactly.
    const cw::DecodedCrystal plain = cw::decodeCrysTens(t);
    for (std::size_t i = 0; i < s.size(); ++i) QCOMPARE(plain.structure.site(i).z, s.site(i).z);
}

void TestCrysTens::npyRoundTrip() {
    QTemporaryDir dir;
    const cw::CrysTensTensor t = cw::encodeCrysTens(cw::test::rockSaltNaCl());
    const std::string last = dir.filePath("t.npy").toStdString(), first = dir.filePath("f.npy").toStdString();
    cw::writeCrysTensNpy(last, t);
    cw::writeCrysTensNpy(first, t, true);
    QVERIFY(cw::readCrysTensNpy(last, true).data == t.data);
    QVERIFY(cw::readCrysTensNpy(first, true).data == t.data);
}

void TestCrysTens::throughput() {
    const cw::EncodingThroughput t =
        cw::measureEncodingThroughput({cw::test::rockSaltNaCl(), cw::test::rutileTiO2(), cw::test::wurtziteZnO()});
    QCOMPARE(t.structures, std::size_t(3));
    QVERIFY(t.xtal2pngEncode > 0 && t.crysTensEncodeKnownSg > 0 && t.xtal2pngDecodeRefine > 0 && t.crysTensDecode > 0);
    QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::measureEncodingThroughput({}));
}

QTEST_APPLESS_MAIN(TestCrysTens)
#include "test_crystens.moc"
