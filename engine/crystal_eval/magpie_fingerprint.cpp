#include "crystal_eval/magpie_fingerprint.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"

namespace cw {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

#include "crystal_eval/magpie_tables.inc"

constexpr int kStatisticCount = 6;
constexpr const char* kStatisticNames[kStatisticCount] = {"minimum", "maximum", "range",
                                                          "mean",    "avg_dev", "mode"};
static_assert(kMagpiePropertyCount * kStatisticCount == kMagpieFingerprintLength);

/// numpy's np.add.reduce of a contiguous 1-D array below 128 items: a plain running sum under
/// 8 items, else eight running sums combined pairwise, then the rest.
double numpySum(const std::vector<double>& a) {
    const std::size_t n = a.size();
    if (n < 8) {
        double res = 0.;
        for (double x : a) res += x;
        return res;
    }
    double r[8];
    for (int j = 0; j < 8; ++j) r[j] = a[j];
    std::size_t i = 8;
    for (; i < n - (n % 8); i += 8)
        for (int j = 0; j < 8; ++j) r[j] += a[i + j];
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i];
    return res;
}

/// np.average(x, weights=w) = sum(x·w) / sum(w).
double numpyAverage(const std::vector<double>& x, const std::vector<double>& w) {
    std::vector<double> products(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) products[i] = x[i] * w[i];
    return numpySum(products) / numpySum(w);
}

}  // namespace

const std::vector<std::string>& magpieFeatureLabels() {
    static const std::vector<std::string> labels = [] {
        std::vector<std::string> out;
        for (const char* property : kMagpiePropertyNames)
            for (const char* statistic : kStatisticNames)
                out.push_back(std::string("MagpieData ") + statistic + " " + property);
        return out;
    }();
    return labels;
}

MagpieFingerprint magpieFingerprint(const std::vector<std::pair<int, double>>& amounts) {
    if (amounts.empty()) throw ValueError("The Magpie fingerprint needs at least one element.");
    std::vector<double> weights;
    for (std::size_t i = 0; i < amounts.size(); ++i) {
        const auto& [z, amount] = amounts[i];
        if (z < 1 || z > kMagpieMaxZ)
            throw ValueError("The Magpie fingerprint has no data for atomic number " +
                             std::to_string(z) + ".");
        if (!(amount > 0) || !std::isfinite(amount))
            throw ValueError("The Magpie fingerprint needs positive finite amounts; element Z = " +
                             std::to_string(z) + " has " + std::to_string(amount) + ".");
        for (std::size_t j = 0; j < i; ++j)
            if (amounts[j].first == z)
                throw ValueError("The Magpie fingerprint lists element Z = " + std::to_string(z) +
                                 " twice.");
        weights.push_back(amount);
    }
    // PropertyStats.mode: the elements whose amount is numpy-isclose to the largest.
    const double maxWeight = *std::max_element(weights.begin(), weights.end());
    std::vector<bool> mostAbundant(weights.size());
    for (std::size_t i = 0; i < weights.size(); ++i)
        mostAbundant[i] = std::abs(weights[i] - maxWeight) <= 1e-8 + 1e-5 * std::abs(maxWeight);

    MagpieFingerprint out{};
    std::vector<double> x(amounts.size());
    for (int p = 0; p < kMagpiePropertyCount; ++p) {
        bool anyNaN = false;
        for (std::size_t i = 0; i < amounts.size(); ++i) {
            x[i] = kMagpieElementData[p][amounts[i].first - 1];
            anyNaN |= std::isnan(x[i]);
        }
        const double minimum = anyNaN ? kNaN : *std::min_element(x.begin(), x.end());
        const double maximum = anyNaN ? kNaN : *std::max_element(x.begin(), x.end());
        const double mean = numpyAverage(x, weights);
        std::vector<double> deviation(x.size());
        for (std::size_t i = 0; i < x.size(); ++i) deviation[i] = std::abs(x[i] - mean);
        double mode = std::numeric_limits<double>::infinity();
        for (std::size_t i = 0; i < x.size(); ++i) {
            if (!mostAbundant[i]) continue;
            if (std::isnan(x[i]) || std::isnan(mode))
                mode = kNaN;
            else
                mode = std::min(mode, x[i]);
        }
        double* stats = out.data() + p * kStatisticCount;
        stats[0] = minimum;
        stats[1] = maximum;
        stats[2] = anyNaN ? kNaN : maximum - minimum;
        stats[3] = mean;
        stats[4] = numpyAverage(deviation, weights);
        stats[5] = mode;
    }
    return out;
}

MagpieFingerprint magpieFingerprint(const Structure& structure) {
    if (structure.size() == 0)
        throw ValueError("The Magpie fingerprint needs a structure with sites.");
    std::vector<std::pair<int, double>> amounts;
    for (const Site& site : structure.sites()) {
        auto found = std::find_if(amounts.begin(), amounts.end(),
                                  [&](const auto& a) { return a.first == site.z; });
        if (found == amounts.end())
            amounts.emplace_back(site.z, site.occupancy);
        else
            found->second += site.occupancy;
    }
    return magpieFingerprint(amounts);
}

MagpieFingerprint scaleMagpieFingerprint(const MagpieFingerprint& raw) {
    MagpieFingerprint out{};
    for (int i = 0; i < kMagpieFingerprintLength; ++i) {
        const double scaled = (raw[i] - kCompScalerMeans[i]) / kCompScalerStds[i];
        out[i] = std::isnan(scaled) ? 0.0 : scaled;
    }
    return out;
}

}  // namespace cw
