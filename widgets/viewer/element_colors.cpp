#include "viewer/element_colors.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "crystal/elements.h"

namespace cw {

namespace {

std::array<double, 3> toLab(const Rgb& rgb) {
    auto linear = [](std::uint8_t c) {
        const double v = c / 255.0;
        return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
    };
    const double r = linear(rgb[0]), g = linear(rgb[1]), b = linear(rgb[2]);
    // sRGB → XYZ (D65), normalised by the white point.
    const double x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    const double y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    const double z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    auto f = [](double t) { return t > 216.0 / 24389.0 ? std::cbrt(t) : (24389.0 / 27.0 * t + 16.0) / 116.0; };
    return {116.0 * f(y) - 16.0, 500.0 * (f(x) - f(y)), 200.0 * (f(y) - f(z))};
}

// Kelly's colours of maximum contrast (Kelly 1965; sRGB as Green-Armytage 2010 lists them),
// white and black left out: they vanish against the view's background or the cell lines.
constexpr Rgb kPalette[] = {
    {243, 195, 0},  {135, 86, 146}, {243, 132, 0}, {161, 202, 241}, {190, 0, 50},  {194, 178, 128},
    {132, 132, 130}, {0, 136, 86},  {230, 143, 172}, {0, 103, 165},  {249, 133, 121}, {96, 78, 151},
    {246, 166, 0},  {179, 68, 108}, {220, 211, 0}, {136, 45, 23},   {141, 182, 0},  {101, 69, 34},
    {226, 88, 34},  {43, 61, 38}};

}  // namespace

double colorDifference(const Rgb& a, const Rgb& b) {
    const auto la = toLab(a), lb = toLab(b);
    return std::sqrt((la[0] - lb[0]) * (la[0] - lb[0]) + (la[1] - lb[1]) * (la[1] - lb[1]) +
                     (la[2] - lb[2]) * (la[2] - lb[2]));
}

std::string elementColorSchemeName(ElementColorScheme scheme) {
    return scheme == ElementColorScheme::Jmol ? "jmol" : "distinct";
}

ElementColorScheme parseElementColorScheme(const std::string& name) {
    if (name == "jmol") return ElementColorScheme::Jmol;
    if (name == "distinct") return ElementColorScheme::Distinct;
    throw ValueError("element colours '" + name + "': expected jmol or distinct");
}

std::map<int, Rgb> elementColors(const std::vector<int>& zs, ElementColorScheme scheme) {
    std::vector<int> sorted = zs;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    std::map<int, Rgb> colors;
    for (const int z : sorted) colors[z] = element(z).colorRgb;
    if (scheme == ElementColorScheme::Jmol) return colors;
    // Lightest first keep their familiar colours (O red, H white, C grey); a heavier element
    // too close to one already placed moves to the palette colour farthest from all placed.
    std::vector<Rgb> placed;
    for (const int z : sorted) {
        auto nearest = [&placed](const Rgb& c) {
            double d = 1e9;
            for (const Rgb& p : placed) d = std::min(d, colorDifference(c, p));
            return d;
        };
        if (nearest(colors[z]) < kDistinctDeltaE) {
            const Rgb* best = &kPalette[0];
            double bestDistance = -1;
            for (const Rgb& candidate : kPalette) {
                const double d = nearest(candidate);
                if (d > bestDistance) {
                    bestDistance = d;
                    best = &candidate;
                }
            }
            colors[z] = *best;
        }
        placed.push_back(colors[z]);
    }
    return colors;
}

}  // namespace cw
