// The training-free "spectral" FID features (engine/eval/spectral_features.h): the FFT against
// the DFT's definition, the spectrum's peak for pure cosines and its units on white noise,
// invariance under the eight symmetries of the square on real slices, histogram sums.
#include <QtTest>
#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <stop_token>

#include "core/error.h"
#include "core/npy.h"
#include "eval/feature_extractor.h"
#include "eval/radial_spectrum.h"
#include "eval/spectral_features.h"
#include "metrics/blob_count.h"
#include "test_paths.h"

namespace {

const char* const kSlices[] = {"ecd/mp-18849_z_64.npy", "ecd/nacl_z_translations_64.npy",
                               "ecd/mp-1005831_default_128.npy", "ecd/nacl_default_128.npy"};

cw::Image slice(const char* name) { return cw::readNpyImage(cw::test::testDataPath(name)); }

/// D4 element k (0…7) of a square image: rotations by 0, 90, 180, 270° and the four mirrors.
cw::Image d4(const cw::Image& in, int k) {
    const int n = in.rows;
    cw::Image out(n, n);
    for (int r = 0; r < n; ++r) {
        for (int c = 0; c < n; ++c) {
            const int m = n - 1;
            const std::pair<int, int> from[8] = {{r, c},         {c, m - r},     {m - r, m - c},
                                                 {m - c, r},     {r, m - c},     {m - r, c},
                                                 {c, r},         {m - c, m - r}};
            out(r, c) = in(from[k].first, from[k].second);
        }
    }
    return out;
}

cw::Image cosineImage(int n, int kRow, int kCol) {
    cw::Image im(n, n);
    for (int r = 0; r < n; ++r)
        for (int c = 0; c < n; ++c)
            im(r, c) = static_cast<float>(
                0.5 + 0.4 * std::cos(2 * std::numbers::pi * (kRow * r + kCol * c) / n));
    return im;
}

int argmax(const std::vector<double>& v, int count) {
    return static_cast<int>(std::max_element(v.begin(), v.begin() + count) - v.begin());
}

double sum(const std::vector<double>& v, int from, int count) {
    double s = 0;
    for (int i = from; i < from + count; ++i) s += v[i];
    return s;
}

constexpr int kIntensityAt = cw::kSpectrumBins;
constexpr int kCountAt = cw::kSpectrumBins + cw::kIntensityBins;
constexpr int kDistanceAt = kCountAt + 1;

}  // namespace

class TestSpectralFeatures : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fftMatchesTheDefinition() {
        std::mt19937 rng(1);
        std::normal_distribution<double> g;
        for (std::size_t n : {1, 2, 12, 16, 64, 100}) {
            std::vector<std::complex<double>> x(n);
            for (auto& v : x) v = {g(rng), g(rng)};
            std::vector<std::complex<double>> fast = x;
            cw::fourierTransform(fast);
            for (std::size_t k = 0; k < n; ++k) {
                std::complex<double> direct = 0;
                for (std::size_t m = 0; m < n; ++m)
                    direct += x[m] * std::polar(1.0, -2 * std::numbers::pi * double(k * m) / double(n));
                QVERIFY2(std::abs(fast[k] - direct) < 1e-10 * std::sqrt(double(n)),
                         qPrintable(QString("n %1 k %2").arg(n).arg(k)));
            }
        }
        // Parseval in 2-D, for a power-of-two and a mixed size: Σ|X|² = rows·cols·Σ|x|².
        for (auto [rows, cols] : {std::pair{16, 32}, std::pair{12, 20}}) {
            cw::Image im(rows, cols);
            std::uniform_real_distribution<float> u(0, 1);
            for (float& v : im.data) v = u(rng);
            const auto spectrum = cw::fourierTransform2d(im);
            double energy = 0, power = 0;
            for (float v : im.data) energy += double(v) * v;
            for (const auto& X : spectrum) power += std::norm(X);
            QVERIFY(std::abs(power - rows * cols * energy) < 1e-9 * power);
        }
    }

    void cosinePeaksAtItsFrequency() {
        // 8 cycles over 64 px = 0.125 cycles/px: bin ⌊0.125 / 0.5 · 48⌋ = 12, along either axis
        // and at a size that takes the plain DFT (48 px, 6 cycles). (6, 8) cycles over 64 px:
        // f = 10/64, bin 15.
        QCOMPARE(argmax(cw::radialLogPowerSpectrum(cosineImage(64, 0, 8), 48), 48), 12);
        QCOMPARE(argmax(cw::radialLogPowerSpectrum(cosineImage(64, 8, 0), 48), 48), 12);
        QCOMPARE(argmax(cw::radialLogPowerSpectrum(cosineImage(48, 6, 0), 48), 48), 12);
        QCOMPARE(argmax(cw::radialLogPowerSpectrum(cosineImage(64, 6, 8), 48), 48), 15);
        // In the features too (the first 48 numbers).
        QCOMPARE(argmax(cw::spectralImageFeatures(cosineImage(64, 0, 8)), 48), 12);
    }

    void whiteNoiseHasItsVarianceAsPower() {
        // Uniform noise on [0, 1]: variance 1/12 at every frequency.
        std::mt19937 rng(7);
        std::uniform_real_distribution<float> u(0, 1);
        cw::Image im(128, 128);
        for (float& v : im.data) v = u(rng);
        const std::vector<double> s = cw::radialLogPowerSpectrum(im, 48);
        double mean = 0;
        for (double v : s) mean += std::pow(10.0, v) / 48;
        QVERIFY2(std::abs(mean - 1.0 / 12) < 0.1 / 12, qPrintable(QString::number(mean)));
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::radialLogPowerSpectrum(cw::Image(), 48));
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::radialLogPowerSpectrum(im, 0));
    }

    void invariantUnderD4() {
        for (const char* name : kSlices) {
            const cw::Image image = slice(name);
            const std::vector<double> f0 = cw::spectralImageFeatures(image);
            QCOMPARE(int(f0.size()), cw::kSpectralFeaturesPerChannel);
            for (int k = 1; k < 8; ++k) {
                const std::vector<double> fk = cw::spectralImageFeatures(d4(image, k));
                for (std::size_t i = 0; i < f0.size(); ++i) {
                    QVERIFY2(std::abs(fk[i] - f0[i]) < 1e-9,
                             qPrintable(QString("%1, symmetry %2, feature %3: %4 vs %5")
                                            .arg(name).arg(k).arg(i).arg(fk[i], 0, 'g', 17)
                                            .arg(f0[i], 0, 'g', 17)));
                }
            }
        }
        // The features do see structure: two different slices differ.
        const auto a = cw::spectralImageFeatures(slice(kSlices[0]));
        const auto b = cw::spectralImageFeatures(slice(kSlices[1]));
        double diff = 0;
        for (std::size_t i = 0; i < a.size(); ++i) diff += std::abs(a[i] - b[i]);
        QVERIFY(diff > 0.1);
    }

    void histogramsAndCount() {
        for (const char* name : kSlices) {
            const cw::Image image = slice(name);
            const std::vector<double> f = cw::spectralImageFeatures(image);
            QVERIFY(std::abs(sum(f, kIntensityAt, cw::kIntensityBins) - 1) < 1e-12);
            QVERIFY(std::abs(sum(f, kDistanceAt, cw::kDistanceBins) - 1) < 1e-12);
            cw::BlobCountOptions o;
            o.method = cw::BlobMethod::Peaks;
            o.blobSigma = 0.25 * image.rows / 40.0;
            const auto n = cw::findBlobs(image, o).size();
            QVERIFY(n > 10);
            QCOMPARE(f[kCountAt], std::log1p(double(n)));
            for (double v : f) QVERIFY(std::isfinite(v));
        }
        // A blank image: every pixel in the first intensity bin, no blobs, no distances.
        const std::vector<double> blank = cw::spectralImageFeatures(cw::Image(32, 32, 0.0f));
        QCOMPARE(blank[kIntensityAt], 1.0);
        QCOMPARE(blank[kCountAt], 0.0);
        QCOMPARE(sum(blank, kDistanceAt, cw::kDistanceBins), 0.0);
        // Out-of-range pixels land in the end bins.
        const std::vector<double> bright = cw::spectralImageFeatures(cw::Image(16, 16, 1.5f));
        QCOMPARE(bright[kIntensityAt + cw::kIntensityBins - 1], 1.0);
    }

    void extractor() {
        auto spectral = cw::makeSpectralExtractor();
        QCOMPARE(spectral->dimension(), 97);
        QCOMPARE(spectral->name(), std::string("spectral-v1 (97-d)"));
        cw::EvalImages images;
        for (const char* name : {kSlices[0], kSlices[1]}) {
            const cw::Image im = slice(name);
            images.append(name, 1, im.rows, im.cols, im.data.data());
        }
        const Eigen::MatrixXd f = spectral->extract(images);
        QCOMPARE(f.rows(), Eigen::Index(2));
        const std::vector<double> row = cw::spectralImageFeatures(slice(kSlices[1]));
        for (std::size_t i = 0; i < row.size(); ++i) QCOMPARE(f(1, Eigen::Index(i)), row[i]);

        std::stop_source cancel;
        cancel.request_stop();
        QVERIFY(spectral->extract(images, nullptr, cancel.get_token()).isZero());

        // Fixed to 2 channels: refuses 1-channel images.
        auto two = cw::makeSpectralExtractor(2);
        QCOMPARE(two->dimension(), 194);
        QCOMPARE(two->name(), std::string("spectral-v1 (194-d)"));
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, two->extract(images));
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::makeSpectralExtractor(-1));
        cw::EvalImages pair;  // the two slices as the channels of one image
        pair.append("both", 2, 64, 64, images.pixels.data());
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::makeSpectralExtractor(1)->extract(pair));

        // The default takes any channel count: the channels' features side by side.
        const Eigen::MatrixXd g = spectral->extract(pair);
        QCOMPARE(spectral->dimension(), 194);
        QCOMPARE(spectral->name(), std::string("spectral-v1 (194-d)"));
        QCOMPARE(g.cols(), Eigen::Index(194));
        for (Eigen::Index i = 0; i < 97; ++i) {
            QCOMPARE(g(0, i), f(0, i));
            QCOMPARE(g(0, 97 + i), f(1, i));
        }
    }

    void parsesExtractorSpecs() {
        QVERIFY(cw::parseExtractorSpec("spectral").kind == cw::ExtractorSpec::Kind::Spectral);
        const cw::ExtractorSpec ts = cw::parseExtractorSpec("/models/pt_inception.PT");
        QVERIFY(ts.kind == cw::ExtractorSpec::Kind::TorchScript);
        QCOMPARE(ts.path, std::string("/models/pt_inception.PT"));
        QVERIFY(cw::parseExtractorSpec("x.pth").kind == cw::ExtractorSpec::Kind::TorchScript);
        const cw::ExtractorSpec d = cw::parseExtractorSpec("domain:runs/enc");
        QVERIFY(d.kind == cw::ExtractorSpec::Kind::Domain);
        QCOMPARE(d.path, std::string("runs/enc"));
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, cw::parseExtractorSpec("domain:"));
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, cw::parseExtractorSpec("inception"));
    }
};

QTEST_APPLESS_MAIN(TestSpectralFeatures)
#include "test_spectral_features.moc"
