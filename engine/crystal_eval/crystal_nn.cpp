#include "crystal_eval/crystal_nn.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numbers>
#include <string>

#include "core/error.h"
#include "crystal/elements.h"
#include "crystal_eval/local_order_parameters.h"

namespace cw {

namespace {

#include "crystal_eval/crystalnn_radii.inc"

constexpr double kSearchCutoffA = 7.0;
constexpr double kDistanceCutoffLowA = 0.5;       ///< distance_cutoffs[0]
constexpr double kDistanceCutoffHighA = 1.0;      ///< distance_cutoffs[1]
constexpr double kElectronegativityWeight = 3.0;  ///< x_diff_weight

struct Entry {
    std::size_t site;
    Eigen::Vector3d positionA;
    double weight;
};

/// pymatgen's _get_default_radius: Cordero covalent radius, else atomic radius. pymatgen has
/// neither beyond Cm and then fails adding None.
double defaultRadiusA(int z) {
    const double r = (z >= 1 && z <= 118) ? kCrystalNNRadiusA[z - 1] : kUnset;
    if (std::isnan(r))
        throw ValueError(std::string("CrystalNN has no covalent or atomic radius for ") +
                         (z >= 1 && z <= 118 ? element(z).symbol : "Z = " + std::to_string(z)) +
                         " (pymatgen lists none beyond Cm).");
    return r;
}

/// CrystalNN._semicircle_integral: the area under the unit semicircle between two weights,
/// as a fraction of π/4.
double semicircleIntegral(const std::vector<double>& bins, std::size_t idx) {
    const double pi = std::numbers::pi;
    auto area = [](double x) {
        return 0.5 * (x * std::sqrt(1 - x * x) + std::atan(x / std::sqrt(1 - x * x)));
    };
    const double x1 = bins[idx], x2 = bins[idx + 1];
    const double area1 = x1 == 1 ? 0.25 * pi : area(x1);
    const double area2 = area(x2);
    return (area1 - area2) / (0.25 * pi);
}

void sortByWeight(std::vector<Entry>& entries) {
    std::stable_sort(entries.begin(), entries.end(),
                     [](const Entry& a, const Entry& b) { return a.weight > b.weight; });
}

}  // namespace

double roundToThreeDecimals(double x) {
    if (!std::isfinite(x)) return x;
    char buffer[400];
    const auto printed =
        std::to_chars(buffer, buffer + sizeof buffer, x, std::chars_format::fixed, 3);
    double rounded = 0;
    std::from_chars(buffer, printed.ptr, rounded);
    return rounded;
}

CrystalNNResult crystalNN(const PeriodicVoronoi& voronoi, std::size_t site) {
    const Structure& structure = voronoi.structure();
    const std::vector<VoronoiFacet> facets = voronoi.facets(site, kSearchCutoffA);
    if (facets.empty())
        throw ValueError("Site " + std::to_string(site) + " has no Voronoi neighbours.");

    // VoronoiNN: solid angle over the largest one.
    double maxSolidAngle = 0;
    for (const VoronoiFacet& f : facets) maxSolidAngle = std::max(maxSolidAngle, f.solidAngleSr);
    const int centreZ = structure.site(site).z;
    const double centreX = element(centreZ).electronegativity;
    std::vector<Entry> entries;
    entries.reserve(facets.size());
    for (const VoronoiFacet& f : facets) {
        double weight = f.solidAngleSr / maxSolidAngle;
        weight *= f.solidAngleSr / f.areaA2;  // porous adjustment
        const double neighbourX = element(structure.site(f.siteIndex).z).electronegativity;
        const double chemical =
            std::isnan(centreX) || std::isnan(neighbourX)
                ? 1.0
                : 1 + kElectronegativityWeight * std::sqrt(std::abs(centreX - neighbourX) / 3.3);
        entries.push_back({f.siteIndex, f.positionA, weight * chemical});
    }
    sortByWeight(entries);
    CrystalNNResult result;
    if (entries.front().weight == 0) {
        result.cnWeights[0] = 1.0;
        return result;
    }
    const double highest = entries.front().weight;
    for (Entry& e : entries) e.weight = e.weight / highest;

    // Smooth distance cutoff beyond the sum of the two radii.
    const double centreRadius = defaultRadiusA(centreZ);
    const Eigen::Vector3d& centre = voronoi.position(site);
    for (Entry& e : entries) {
        const double bond = centreRadius + defaultRadiusA(structure.site(e.site).z);
        const double distance = (centre - e.positionA).norm();
        const double low = bond + kDistanceCutoffLowA, high = bond + kDistanceCutoffHighA;
        double factor = 0;
        if (distance <= low)
            factor = 1;
        else if (distance < high)
            factor = (std::cos((distance - low) / (high - low) * std::numbers::pi) + 1) * 0.5;
        e.weight = e.weight * factor;
    }
    sortByWeight(entries);
    if (entries.front().weight == 0) {
        result.cnWeights[0] = 1.0;
        return result;
    }
    for (const Entry& e : entries) {
        const double w = roundToThreeDecimals(e.weight);
        if (w > 0) result.neighbours.push_back({e.site, e.positionA, w, e.weight});
    }

    // Each distinct weight opens a coordination number: all neighbours at or above it.
    std::vector<double> bins;
    for (const CrystalNNNeighbour& n : result.neighbours)
        if (bins.empty() || bins.back() != n.weight) bins.push_back(n.weight);
    bins.push_back(0);
    double total = 0;
    for (std::size_t i = 0; i + 1 < bins.size(); ++i) {
        const int cn = static_cast<int>(
            std::count_if(result.neighbours.begin(), result.neighbours.end(),
                          [&](const CrystalNNNeighbour& n) { return n.weight >= bins[i]; }));
        const double p = semicircleIntegral(bins, i);
        result.cnWeights[cn] = p;
        total += p;
    }
    if (1.0 - total > 0) result.cnWeights[0] = 1.0 - total;
    return result;
}

}  // namespace cw
