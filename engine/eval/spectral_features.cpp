#include "eval/spectral_features.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <mutex>

#include "core/error.h"
#include "core/parallel.h"
#include "eval/feature_extractor.h"
#include "eval/radial_spectrum.h"
#include "metrics/blob_count.h"

namespace cw {
namespace {

void intensityHistogram(const Image& image, std::vector<double>& out) {
    std::vector<double> bins(kIntensityBins, 0.0);
    std::size_t counted = 0;
    for (float v : image.data) {
        if (std::isnan(v)) continue;
        const int b = std::clamp(static_cast<int>(std::floor(v * kIntensityBins)), 0, kIntensityBins - 1);
        bins[b] += 1;
        ++counted;
    }
    for (double& b : bins) b = counted ? b / static_cast<double>(counted) : 0.0;
    out.insert(out.end(), bins.begin(), bins.end());
}

/// Distance from each blob to its nearest other blob (pixels): blobs sorted by row, each one
/// scanning up and down the order until the row gap alone exceeds its best distance so far.
std::vector<double> nearestBlobDistances(std::vector<Blob> blobs) {
    std::sort(blobs.begin(), blobs.end(), [](const Blob& a, const Blob& b) {
        return a.row < b.row || (a.row == b.row && a.col < b.col);
    });
    const auto n = static_cast<std::ptrdiff_t>(blobs.size());
    std::vector<double> best(blobs.size(), std::numeric_limits<double>::infinity());
    for (std::ptrdiff_t i = 0; i < n; ++i) {
        double& nearest = best[static_cast<std::size_t>(i)];
        for (int direction : {1, -1}) {
            for (std::ptrdiff_t j = i + direction; j >= 0 && j < n; j += direction) {
                const double dr = blobs[j].row - blobs[i].row, dc = blobs[j].col - blobs[i].col;
                if (std::abs(dr) >= nearest) break;
                nearest = std::min(nearest, std::sqrt(dr * dr + dc * dc));
            }
        }
    }
    return best;
}

void blobFeatures(const Image& image, std::vector<double>& out) {
    const double side = 0.5 * (image.rows + image.cols);
    BlobCountOptions options;
    options.blobSigma = 0.25 * side / 40.0;
    options.smoothingSigma = 0.0;
    options.threshold = 0.1;
    // Local maxima only: the model fit is 50× slower, and the features need a stable, symmetric
    // summary of the blobs rather than the best count.
    options.method = BlobMethod::Peaks;
    const std::vector<Blob> blobs = findBlobs(image, options);
    out.push_back(std::log1p(static_cast<double>(blobs.size())));
    std::vector<double> bins(kDistanceBins, 0.0);
    if (blobs.size() >= 2) {
        const double range = side / 4.0;
        for (double d : nearestBlobDistances(blobs)) {
            const int b = std::clamp(static_cast<int>(d / range * kDistanceBins), 0, kDistanceBins - 1);
            bins[b] += 1;
        }
        for (double& b : bins) b /= static_cast<double>(blobs.size());
    }
    out.insert(out.end(), bins.begin(), bins.end());
}

class SpectralExtractor final : public FeatureExtractor {
public:
    SpectralExtractor(int channels, int threads)
        : m_fixed(channels > 0), m_channels(channels > 0 ? channels : 1), m_threads(threads) {}

    std::string name() const override {
        return "spectral-v1 (" + std::to_string(dimension()) + "-d)";
    }
    int dimension() const override { return m_channels * kSpectralFeaturesPerChannel; }

    Eigen::MatrixXd extract(const EvalImages& images, ProgressSink* progress,
                            std::stop_token stop) override {
        const int channels = images.count() > 0 ? images.channels : m_channels.load();
        if (m_fixed && channels != m_channels) {
            throw ValueError("The spectral extractor was made for " +
                             std::to_string(m_channels) + " channel(s); the images have " +
                             std::to_string(channels) + ".");
        }
        m_channels = channels;
        const int dim = channels * kSpectralFeaturesPerChannel;
        const auto count = static_cast<std::int64_t>(images.count());
        Eigen::MatrixXd features = Eigen::MatrixXd::Zero(count, dim);
        std::mutex progressMutex;
        std::int64_t done = 0;
        parallelFor(images.count(), m_threads, [&](std::size_t i) {
            if (stop.stop_requested()) return;
            std::vector<double> row;
            row.reserve(static_cast<std::size_t>(dim));
            for (int c = 0; c < channels; ++c) {
                const std::vector<double> f = spectralImageFeatures(images.channelImage(i, c));
                row.insert(row.end(), f.begin(), f.end());
            }
            features.row(static_cast<Eigen::Index>(i)) =
                Eigen::Map<const Eigen::RowVectorXd>(row.data(), dim);
            if (progress) {
                const std::lock_guard lock(progressMutex);
                progress->report({"features", ++done, count, {}});
            }
        });
        return features;
    }

private:
    const bool m_fixed;
    std::atomic<int> m_channels;  ///< of the latest images when not fixed
    const int m_threads;
};

}  // namespace

std::vector<double> spectralImageFeatures(const Image& image) {
    if (image.empty()) throw ValueError("Spectral features of an empty image.");
    std::vector<double> features = radialLogPowerSpectrum(image, kSpectrumBins, 1e-6);
    for (double& v : features) v = (v + 6.0) / 6.0;
    features.reserve(kSpectralFeaturesPerChannel);
    intensityHistogram(image, features);
    blobFeatures(image, features);
    return features;
}

std::unique_ptr<FeatureExtractor> makeSpectralExtractor(int channels, int threads) {
    if (channels < 0) throw ValueError("The spectral extractor: negative channel count.");
    return std::make_unique<SpectralExtractor>(channels, threads);
}

}  // namespace cw
