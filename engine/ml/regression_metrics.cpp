#include "ml/regression_metrics.h"

#include <cmath>
#include <string>

#include "core/error.h"

namespace cw::ml {

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
