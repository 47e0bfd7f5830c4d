#include "metrics/blob_count.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "metrics/blob_fit.h"

namespace cw {
namespace {

// Separable Gaussian blur with edge values extended (no artificial dark border).
Image smooth(const Image& in, double sigma) {
    if (sigma <= 0) return in;
    const int radius = std::max(1, static_cast<int>(std::ceil(4 * sigma)));
    std::vector<double> kernel(2 * radius + 1);
    double total = 0;
    for (int i = -radius; i <= radius; ++i) {
        kernel[i + radius] = std::exp(-0.5 * i * i / (sigma * sigma));
        total += kernel[i + radius];
    }
    for (double& k : kernel) k /= total;
    Image tmp(in.rows, in.cols), out(in.rows, in.cols);
    for (int r = 0; r < in.rows; ++r) {
        for (int c = 0; c < in.cols; ++c) {
            double s = 0;
            for (int i = -radius; i <= radius; ++i) s += kernel[i + radius] * in(r, std::clamp(c + i, 0, in.cols - 1));
            tmp(r, c) = static_cast<float>(s);
        }
    }
    for (int r = 0; r < in.rows; ++r) {
        for (int c = 0; c < in.cols; ++c) {
            double s = 0;
            for (int i = -radius; i <= radius; ++i) s += kernel[i + radius] * tmp(std::clamp(r + i, 0, in.rows - 1), c);
            out(r, c) = static_cast<float>(s);
        }
    }
    return out;
}

double safeLog(double x) { return std::log(std::max(x, 1e-30)); }

// Offset of a Gaussian's centre from sample 0 given samples at −1, 0, +1 (either may be missing
// at the border, then the two-point estimate with the known σ is used).
double refine(const double* prev, double here, const double* next, double sigma) {
    if (prev && next) {
        const double a = safeLog(*prev), b = safeLog(here), c = safeLog(*next);
        const double den = a - 2 * b + c;
        if (den >= 0) return 0;  // flat or convex: keep the pixel
        return std::clamp(0.5 * (a - c) / den, -0.5, 0.5);
    }
    // ln(I₀/I₋₁) = (2x + 1)/(2σ²) for a Gaussian centred at x (x relative to sample 0).
    if (prev) return sigma * sigma * (safeLog(here) - safeLog(*prev)) - 0.5;
    if (next) return 0.5 - sigma * sigma * (safeLog(here) - safeLog(*next));
    return 0;
}

bool insideImage(const Blob& b, int rows, int cols) {
    return b.row >= -0.5 && b.row <= rows - 0.5 && b.col >= -0.5 && b.col <= cols - 0.5;
}

// The sub-pixel maxima of the smoothed image; with `keepOutside` also those whose refined
// centre lies just outside (candidates for the fit, which may move them back in).
std::vector<Blob> findPeaks(const Image& image, const BlobCountOptions& options, bool keepOutside) {
    const Image s = smooth(image, options.smoothingSigma);
    const double sigma = std::sqrt(options.blobSigma * options.blobSigma +
                                   options.smoothingSigma * options.smoothingSigma);
    const int rows = s.rows, cols = s.cols;
    std::vector<Blob> blobs;
    for (int r = 0; r < rows; ++r) {
        for (int c = 0; c < cols; ++c) {
            const float v = s(r, c);
            if (!(v >= options.threshold)) continue;
            bool isMax = true;
            for (int dr = -1; dr <= 1 && isMax; ++dr) {
                for (int dc = -1; dc <= 1; ++dc) {
                    if (dr == 0 && dc == 0) continue;
                    const int rr = r + dr, cc = c + dc;
                    if (rr < 0 || rr >= rows || cc < 0 || cc >= cols) continue;
                    const float w = s(rr, cc);
                    // Ties: the first pixel of a plateau in raster order wins.
                    const bool earlier = dr < 0 || (dr == 0 && dc < 0);
                    if (w > v || (earlier && w == v)) {
                        isMax = false;
                        break;
                    }
                }
            }
            if (!isMax) continue;
            const double up = r > 0 ? s(r - 1, c) : 0, down = r + 1 < rows ? s(r + 1, c) : 0;
            const double left = c > 0 ? s(r, c - 1) : 0, right = c + 1 < cols ? s(r, c + 1) : 0;
            Blob b;
            b.peak = v;
            b.row = r + refine(r > 0 ? &up : nullptr, v, r + 1 < rows ? &down : nullptr, sigma);
            b.col = c + refine(c > 0 ? &left : nullptr, v, c + 1 < cols ? &right : nullptr, sigma);
            if (!keepOutside && !insideImage(b, rows, cols)) continue;
            blobs.push_back(b);
        }
    }
    return blobs;
}

}  // namespace

const char* blobMethodName(BlobMethod method) { return method == BlobMethod::Peaks ? "peaks" : "fit"; }

BlobMethod parseBlobMethod(const std::string& name) {
    if (name == "peaks") return BlobMethod::Peaks;
    if (name == "fit") return BlobMethod::Fit;
    throw ConfigError("unknown blob-counting method '" + name + "' (expected peaks or fit)");
}

std::vector<Blob> findBlobs(const Image& image, const BlobCountOptions& options) {
    if (image.empty() || image.rows <= 0 || image.cols <= 0) throw ValueError("Blob counting: the image is empty.");
    if (!(options.blobSigma > 0) || options.smoothingSigma < 0) {
        throw ValueError("Blob counting: σ must be positive (smoothing non-negative).");
    }
    if (options.method == BlobMethod::Peaks) return findPeaks(image, options, false);
    std::vector<Blob> fitted = detail::fitBlobs(image, {}, options);
    std::vector<Blob> inside;
    for (const Blob& b : fitted)
        if (insideImage(b, image.rows, image.cols)) inside.push_back(b);
    std::sort(inside.begin(), inside.end(), [](const Blob& a, const Blob& b) {
        const double ra = std::round(a.row), rb = std::round(b.row);
        return ra != rb ? ra < rb : a.col < b.col;
    });
    return inside;
}

int countBlobs(const Image& image, const BlobCountOptions& options) {
    return static_cast<int>(findBlobs(image, options).size());
}

}  // namespace cw
