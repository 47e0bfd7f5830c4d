#include "ml/props/target_transform.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/error.h"

namespace cw::ml {
namespace {

bool usesSqrt(TargetTransform t) {
    return t == TargetTransform::Sqrt || t == TargetTransform::SqrtStandardize;
}
bool standardizes(TargetTransform t) {
    return t == TargetTransform::Standardize || t == TargetTransform::SqrtStandardize;
}

std::string shortNumber(double value) {
    std::ostringstream out;
    out.precision(6);
    out << value;
    return out.str();
}

}  // namespace

TargetScaler::TargetScaler(TargetTransform transform, std::vector<std::string> names,
                           std::vector<double> means, std::vector<double> stds)
    : m_transform(transform), m_names(std::move(names)), m_means(std::move(means)), m_stds(std::move(stds)) {
    if (m_means.size() != m_names.size() || m_stds.size() != m_names.size())
        throw ValueError("target scaler: " + std::to_string(m_names.size()) + " names but " +
                         std::to_string(m_means.size()) + " means and " + std::to_string(m_stds.size()) +
                         " standard deviations");
    for (std::size_t k = 0; k < m_stds.size(); ++k)
        if (!(m_stds[k] > 0) || !std::isfinite(m_stds[k]) || !std::isfinite(m_means[k]))
            throw ValueError("target scaler: " + m_names[k] + " has mean " + shortNumber(m_means[k]) +
                             " and standard deviation " + shortNumber(m_stds[k]) +
                             " (the deviation must be positive)");
}

TargetScaler TargetScaler::fit(TargetTransform transform, const std::vector<std::string>& names,
                               const std::vector<double>& values) {
    const std::size_t dim = names.size();
    if (dim == 0) throw ValueError("target scaler: no targets");
    if (values.size() % dim != 0)
        throw ValueError("target scaler: " + std::to_string(values.size()) + " values are not rows of " +
                         std::to_string(dim) + " targets");
    const std::size_t rows = values.size() / dim;
    std::vector<double> means(dim, 0.0), stds(dim, 1.0);
    for (std::size_t k = 0; k < dim; ++k) {
        double sum = 0, squares = 0;
        std::size_t count = 0;
        for (std::size_t r = 0; r < rows; ++r) {
            double y = values[r * dim + k];
            if (std::isnan(y)) continue;
            if (usesSqrt(transform)) {
                if (y < 0)
                    throw ValueError(names[k] + " has negative values (" + shortNumber(y) + " at row " +
                                     std::to_string(r) + " of the training split); the " +
                                     targetTransformName(transform) +
                                     " transform needs values ≥ 0: choose none or standardize");
                y = std::sqrt(y);
            }
            sum += y;
            squares += y * y;
            ++count;
        }
        if (count == 0) throw ValueError(names[k] + " has no value in the training split");
        if (standardizes(transform)) {
            const double mean = sum / static_cast<double>(count);
            const double variance = std::max(0.0, squares / static_cast<double>(count) - mean * mean);
            means[k] = mean;
            stds[k] = variance > 0 ? std::sqrt(variance) : 1.0;
        }
    }
    return TargetScaler(transform, names, std::move(means), std::move(stds));
}

double TargetScaler::forward(std::size_t target, double y) const {
    if (std::isnan(y)) return y;
    if (usesSqrt(m_transform)) {
        if (y < 0)
            throw ValueError(m_names.at(target) + " value " + shortNumber(y) + " is negative; the " +
                             targetTransformName(m_transform) + " transform needs values ≥ 0");
        y = std::sqrt(y);
    }
    return (y - m_means.at(target)) / m_stds.at(target);
}

double TargetScaler::inverse(std::size_t target, double z) const {
    double u = z * m_stds.at(target) + m_means.at(target);
    if (usesSqrt(m_transform)) {
        u = std::max(u, 0.0);
        u = u * u;
    }
    return u;
}

std::string TargetScaler::toJson() const {
    nlohmann::ordered_json j;
    j["transform"] = targetTransformName(m_transform);
    j["names"] = m_names;
    j["means"] = m_means;
    j["stds"] = m_stds;
    return j.dump(2);
}

TargetScaler TargetScaler::fromJson(const std::string& jsonText, const std::string& source) {
    try {
        const nlohmann::json j = nlohmann::json::parse(jsonText);
        return TargetScaler(parseTargetTransform(j.at("transform").get<std::string>()),
                            j.at("names").get<std::vector<std::string>>(),
                            j.at("means").get<std::vector<double>>(), j.at("stds").get<std::vector<double>>());
    } catch (const nlohmann::json::exception& e) {
        throw FormatError(source, "targets", std::string("malformed target transform: ") + e.what());
    } catch (const Error& e) {
        throw FormatError(source, "targets", e.what());
    }
}

}  // namespace cw::ml
