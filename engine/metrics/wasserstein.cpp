#include "metrics/wasserstein.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.h"

namespace cw {
namespace {

void checkFinite(const std::vector<double>& values, const char* what) {
    if (values.empty()) throw ValueError(std::string(what) + ": the sample is empty.");
    for (double x : values) {
        if (!std::isfinite(x)) throw ValueError(std::string(what) + ": a value is not finite.");
    }
}

}  // namespace

double wasserstein1(std::vector<double> u, std::vector<double> v) {
    checkFinite(u, "Wasserstein distance");
    checkFinite(v, "Wasserstein distance");
    std::sort(u.begin(), u.end());
    std::sort(v.begin(), v.end());
    std::vector<double> all(u);
    all.insert(all.end(), v.begin(), v.end());
    std::sort(all.begin(), all.end());
    // scipy's _cdf_distance(1, u, v): right-continuous CDFs between consecutive pooled values.
    double total = 0;
    for (std::size_t i = 0; i + 1 < all.size(); ++i) {
        const double delta = all[i + 1] - all[i];
        const double cu = static_cast<double>(std::upper_bound(u.begin(), u.end(), all[i]) - u.begin()) /
                          static_cast<double>(u.size());
        const double cv = static_cast<double>(std::upper_bound(v.begin(), v.end(), all[i]) - v.begin()) /
                          static_cast<double>(v.size());
        total += std::fabs(cu - cv) * delta;
    }
    return total;
}

Histogram histogram(const std::vector<double>& values, int bins, double lo, double hi) {
    if (bins < 1) throw ValueError("Histogram: the number of bins must be at least 1.");
    if (!std::isfinite(lo) || !std::isfinite(hi) || !(lo < hi)) {
        throw ValueError("Histogram: the range must be finite with lo < hi.");
    }
    Histogram h;
    h.edges.resize(static_cast<std::size_t>(bins) + 1);
    for (int i = 0; i <= bins; ++i) h.edges[i] = lo + (hi - lo) * i / bins;
    h.counts.assign(static_cast<std::size_t>(bins), 0);
    for (double x : values) {
        if (!(x >= lo && x <= hi)) continue;
        // The bin by the edges themselves (numpy corrects its arithmetic guess the same way).
        auto it = std::upper_bound(h.edges.begin(), h.edges.end(), x);
        auto bin = static_cast<std::ptrdiff_t>(it - h.edges.begin()) - 1;
        bin = std::clamp<std::ptrdiff_t>(bin, 0, bins - 1);
        ++h.counts[static_cast<std::size_t>(bin)];
    }
    return h;
}

std::pair<Histogram, Histogram> integerHistograms(const std::vector<double>& a,
                                                  const std::vector<double>& b) {
    checkFinite(a, "Integer histogram");
    checkFinite(b, "Integer histogram");
    const double lo = std::floor(std::min(*std::min_element(a.begin(), a.end()),
                                          *std::min_element(b.begin(), b.end())));
    const double hi = std::floor(std::max(*std::max_element(a.begin(), a.end()),
                                          *std::max_element(b.begin(), b.end())));
    const int bins = static_cast<int>(hi - lo) + 1;
    return {histogram(a, bins, lo - 0.5, hi + 0.5), histogram(b, bins, lo - 0.5, hi + 0.5)};
}

}  // namespace cw
