// Cooley–Tukey radix-2 decimation in time (bit-reversal permutation, then butterflies), as in
// Press et al., Numerical Recipes, 3rd ed., §12.2.
#include "eval/radial_spectrum.h"

#include <cmath>
#include <numbers>

#include "core/error.h"

namespace cw {
namespace {

bool isPowerOfTwo(std::size_t n) { return n > 0 && (n & (n - 1)) == 0; }

/// The twiddle factors e^{−2πik/n}, k < n, computed once per length and reused for every row or
/// column (directly from the angle, so rounding does not grow with the length).
std::vector<std::complex<double>> twiddles(std::size_t n) {
    std::vector<std::complex<double>> w(n);
    for (std::size_t k = 0; k < n; ++k)
        w[k] = std::polar(1.0, -2.0 * std::numbers::pi * static_cast<double>(k) / static_cast<double>(n));
    return w;
}

void radix2(std::vector<std::complex<double>>& a, const std::vector<std::complex<double>>& w) {
    const std::size_t n = a.size();
    for (std::size_t i = 1, j = 0; i < n; ++i) {
        std::size_t bit = n >> 1;
        for (; j & bit; bit >>= 1) j ^= bit;
        j ^= bit;
        if (i < j) std::swap(a[i], a[j]);
    }
    for (std::size_t len = 2; len <= n; len <<= 1) {
        const std::size_t half = len / 2, step = n / len;
        for (std::size_t start = 0; start < n; start += len) {
            for (std::size_t k = 0; k < half; ++k) {
                const std::complex<double> u = a[start + k], v = a[start + k + half] * w[k * step];
                a[start + k] = u + v;
                a[start + k + half] = u - v;
            }
        }
    }
}

void directDft(std::vector<std::complex<double>>& a, const std::vector<std::complex<double>>& w) {
    const std::size_t n = a.size();
    std::vector<std::complex<double>> out(n);
    for (std::size_t k = 0; k < n; ++k) {
        std::complex<double> sum = 0;
        for (std::size_t m = 0; m < n; ++m) sum += a[m] * w[(k * m) % n];
        out[k] = sum;
    }
    a.swap(out);
}

void transform(std::vector<std::complex<double>>& a, const std::vector<std::complex<double>>& w) {
    if (a.size() <= 1) return;
    if (isPowerOfTwo(a.size())) radix2(a, w);
    else directDft(a, w);
}

/// Signed frequency index of DFT bin k of n: k for k ≤ n/2, else k − n.
double signedFrequency(int k, int n) { return 2 * k <= n ? k : k - n; }

}  // namespace

void fourierTransform(std::vector<std::complex<double>>& values) {
    transform(values, twiddles(values.size()));
}

std::vector<std::complex<double>> fourierTransform2d(const Image& image) {
    const auto rows = static_cast<std::size_t>(image.rows), cols = static_cast<std::size_t>(image.cols);
    std::vector<std::complex<double>> out(rows * cols);
    std::vector<std::complex<double>> line(cols);
    const std::vector<std::complex<double>> rowTwiddles = twiddles(cols);
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < cols; ++c) line[c] = image.data[r * cols + c];
        transform(line, rowTwiddles);
        for (std::size_t c = 0; c < cols; ++c) out[r * cols + c] = line[c];
    }
    line.resize(rows);
    const std::vector<std::complex<double>> columnTwiddles = twiddles(rows);
    for (std::size_t c = 0; c < cols; ++c) {
        for (std::size_t r = 0; r < rows; ++r) line[r] = out[r * cols + c];
        transform(line, columnTwiddles);
        for (std::size_t r = 0; r < rows; ++r) out[r * cols + c] = line[r];
    }
    return out;
}

std::vector<double> radialLogPowerSpectrum(const Image& image, int bins, double floor) {
    if (image.empty()) throw ValueError("Power spectrum of an empty image.");
    if (bins < 1) throw ValueError("Power spectrum: need at least one bin.");
    if (!(floor > 0)) throw ValueError("Power spectrum: the floor must be positive.");
    const std::vector<std::complex<double>> spectrum = fourierTransform2d(image);
    const double pixels = static_cast<double>(image.size());
    std::vector<double> sum(static_cast<std::size_t>(bins), 0.0);
    std::vector<std::size_t> count(static_cast<std::size_t>(bins), 0);
    for (int r = 0; r < image.rows; ++r) {
        const double fr = signedFrequency(r, image.rows) / image.rows;
        for (int c = 0; c < image.cols; ++c) {
            const double fc = signedFrequency(c, image.cols) / image.cols;
            const double f = std::sqrt(fr * fr + fc * fc);
            if (f == 0 || f > 0.5) continue;
            const int bin = std::min(bins - 1, static_cast<int>(f / 0.5 * bins));
            sum[bin] += std::norm(spectrum[static_cast<std::size_t>(r) * image.cols + c]) / pixels;
            ++count[bin];
        }
    }
    std::vector<double> values(static_cast<std::size_t>(bins), 0.0);
    std::vector<int> filled;
    for (int b = 0; b < bins; ++b) {
        if (count[b] == 0) continue;
        values[b] = std::log10(sum[b] / static_cast<double>(count[b]) + floor);
        filled.push_back(b);
    }
    if (filled.empty()) return std::vector<double>(static_cast<std::size_t>(bins), std::log10(floor));  // 1 × 1
    for (int b = 0, next = 0; b < bins; ++b) {
        while (next < static_cast<int>(filled.size()) && filled[next] < b) ++next;
        if (next < static_cast<int>(filled.size()) && filled[next] == b) continue;
        if (next == 0) values[b] = values[filled.front()];
        else if (next == static_cast<int>(filled.size())) values[b] = values[filled.back()];
        else {
            const int lo = filled[next - 1], hi = filled[next];
            const double t = static_cast<double>(b - lo) / (hi - lo);
            values[b] = (1 - t) * values[lo] + t * values[hi];
        }
    }
    return values;
}

}  // namespace cw
