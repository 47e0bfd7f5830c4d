#pragma once
/// @file The target transforms of property prediction (props_config.h's TargetTransform),
/// fitted on the training split and inverted at prediction time. Torch-free.
///
/// forward(y) = (s(y) − mean) / std with s = √ for the sqrt transforms, s = identity otherwise;
/// mean = 0 and std = 1 without standardisation. mean and std are the mean and population
/// standard deviation of s(y) over the training values (missing values skipped); a constant
/// target gets std = 1.

#include <cstddef>
#include <string>
#include <vector>

#include "ml/props/props_config.h"

namespace cw::ml {

class TargetScaler {
public:
    TargetScaler() = default;

    /// Fits the transform of each target from `values` (rows × names.size(), row-major; NaN =
    /// missing). Throws ValueError naming the property when a sqrt transform meets a negative
    /// value ("band_gap has negative values (−0.2 at row 3); sqrt needs values ≥ 0"), and when
    /// a target has no value at all.
    static TargetScaler fit(TargetTransform transform, const std::vector<std::string>& names,
                            const std::vector<double>& values);

    /// A scaler with given parameters (a stored run). Throws ValueError when the sizes differ
    /// or a std is not positive.
    TargetScaler(TargetTransform transform, std::vector<std::string> names,
                 std::vector<double> means, std::vector<double> stds);

    TargetTransform transform() const { return m_transform; }
    const std::vector<std::string>& names() const { return m_names; }
    const std::vector<double>& means() const { return m_means; }
    const std::vector<double>& stds() const { return m_stds; }
    std::size_t size() const { return m_names.size(); }

    /// The learnt value of original value `y` of target `target`; NaN stays NaN. Throws
    /// ValueError for a negative y under a sqrt transform (naming the property).
    double forward(std::size_t target, double y) const;
    /// The original value of a network output: s⁻¹(z·std + mean), with s⁻¹(u) = max(u, 0)² for
    /// the sqrt transforms (a square root is never negative, so a negative output means 0).
    double inverse(std::size_t target, double z) const;

    /// JSON object text {"transform", "names", "means", "stds"} (for RUN/data.json), and back.
    /// fromJson throws FormatError naming `source` for a malformed object.
    std::string toJson() const;
    static TargetScaler fromJson(const std::string& jsonText, const std::string& source);

private:
    TargetTransform m_transform = TargetTransform::None;
    std::vector<std::string> m_names;
    std::vector<double> m_means, m_stds;
};

}  // namespace cw::ml
