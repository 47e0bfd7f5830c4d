#include "ml/props/regression_metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "core/error.h"

namespace cw::ml {
namespace {

// 1-based ranks; tied values share the mean of the ranks they span.
std::vector<double> meanRanks(const std::vector<double>& values) {
    std::vector<std::size_t> order(values.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
    std::vector<double> ranks(values.size());
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i;
        while (j + 1 < order.size() && values[order[j + 1]] == values[order[i]]) ++j;
        const double rank = (static_cast<double>(i + j) + 2.0) / 2.0;
        for (std::size_t k = i; k <= j; ++k) ranks[order[k]] = rank;
        i = j + 1;
    }
    return ranks;
}

}  // namespace

double spearmanRankCorrelation(const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size())
        throw ValueError("rank correlation: " + std::to_string(a.size()) + " and " + std::to_string(b.size()) +
                         " values");
    if (a.size() < 3) return std::nan("");
    // Pearson's correlation of the ranks, which is Spearman's with ties handled.
    const std::vector<double> ra = meanRanks(a), rb = meanRanks(b);
    const double mean = (static_cast<double>(a.size()) + 1.0) / 2.0;
    double sab = 0, saa = 0, sbb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        sab += (ra[i] - mean) * (rb[i] - mean);
        saa += (ra[i] - mean) * (ra[i] - mean);
        sbb += (rb[i] - mean) * (rb[i] - mean);
    }
    if (saa == 0 || sbb == 0) return std::nan("");
    return sab / std::sqrt(saa * sbb);
}

RegressionMetrics regressionMetrics(const std::vector<double>& truth, const std::vector<double>& predicted,
                                    double mapeEpsilon) {
    if (truth.size() != predicted.size())
        throw ValueError("regression metrics: " + std::to_string(truth.size()) + " true values but " +
                         std::to_string(predicted.size()) + " predictions");
    RegressionMetrics m;
    double absSum = 0, squareSum = 0, relativeSum = 0, truthSum = 0;
    std::size_t relativeCount = 0;
    for (std::size_t i = 0; i < truth.size(); ++i) {
        const double y = truth[i], p = predicted[i];
        if (std::isnan(y) || std::isnan(p)) continue;
        const double e = p - y;
        absSum += std::abs(e);
        squareSum += e * e;
        truthSum += y;
        ++m.count;
        if (std::abs(y) < mapeEpsilon) {
            ++m.mapeExcluded;
        } else {
            relativeSum += std::abs(e) / std::abs(y);
            ++relativeCount;
        }
    }
    if (m.count == 0) throw ValueError("regression metrics: no pair of finite values");
    const double n = static_cast<double>(m.count);
    m.mae = absSum / n;
    m.mse = squareSum / n;
    m.rmse = std::sqrt(m.mse);
    if (relativeCount > 0) m.mape = 100.0 * relativeSum / static_cast<double>(relativeCount);
    // Second pass around the mean: Σ(y − ȳ)² from sums of squares cancels badly for large ȳ.
    const double mean = truthSum / n;
    double total = 0;
    for (std::size_t i = 0; i < truth.size(); ++i)
        if (!std::isnan(truth[i]) && !std::isnan(predicted[i])) total += (truth[i] - mean) * (truth[i] - mean);
    if (m.count >= 2 && total > 0) m.r2 = 1.0 - squareSum / total;
    return m;
}

}  // namespace cw::ml
