#include "core/image.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "core/error.h"

namespace cw {

Image::Image(int rowCount, int colCount, float value) : rows(rowCount), cols(colCount) {
    if (rowCount < 0 || colCount < 0) {
        throw ValueError("image size " + std::to_string(rowCount) + " × " +
                         std::to_string(colCount) + " is negative");
    }
    data.assign(static_cast<std::size_t>(rowCount) * static_cast<std::size_t>(colCount), value);
}

float Image::at(int r, int k) const {
    if (r < 0 || r >= rows || k < 0 || k >= cols) {
        throw ValueError("pixel (" + std::to_string(r) + ", " + std::to_string(k) +
                         ") is outside the " + std::to_string(rows) + " × " + std::to_string(cols) +
                         " image");
    }
    return (*this)(r, k);
}

float Image::minValue() const {
    float m = std::numeric_limits<float>::infinity();
    for (float v : data)
        if (v < m) m = v;
    return std::isinf(m) && m > 0 ? 0.0f : m;
}

float Image::maxValue() const {
    float m = -std::numeric_limits<float>::infinity();
    for (float v : data)
        if (v > m) m = v;
    return std::isinf(m) && m < 0 ? 0.0f : m;
}

double maxAbsDifference(const Image& a, const Image& b) {
    if (a.rows != b.rows || a.cols != b.cols) return std::numeric_limits<double>::infinity();
    double worst = 0.0;
    for (std::size_t i = 0; i < a.data.size(); ++i) {
        const double d = std::abs(static_cast<double>(a.data[i]) - static_cast<double>(b.data[i]));
        if (!(d <= worst)) worst = d;  // NaN counts as the worst
    }
    return worst;
}

}  // namespace cw
