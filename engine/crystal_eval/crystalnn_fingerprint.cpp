#include "crystal_eval/crystalnn_fingerprint.h"

#include <cmath>
#include <map>
#include <memory>
#include <utility>

#include "core/error.h"
#include "crystal_eval/crystal_nn.h"
#include "crystal_eval/local_order_parameters.h"

namespace cw {

namespace {

/// One fingerprint feature: the weight of CN `cn`, or that weight times order parameter `op`.
struct CrystalNNFeature {
    int cn;
    const char* label;
    bool isWeight;
    OrderParameterSpec op;
};

#include "crystal_eval/crystalnn_ops_preset.inc"

static_assert(kCrystalNNFeatureCount == kCrystalNNFingerprintLength);

/// Relative difference below which two CrystalNN weights count as tied: pymatgen then orders
/// the neighbours by its rounding noise (~1e-15), and 1e-10 coordinate noise reorders them.
constexpr double kTiedWeightRelative = 1e-10;

/// The NeighbourAngles of the first `cn` neighbours, with runs of tied weights as order classes.
std::unique_ptr<NeighbourAngles> anglesOfFirst(const CrystalNNResult& nn, int cn,
                                               const Eigen::Vector3d& centre) {
    std::vector<Eigen::Vector3d> vectors;
    std::vector<int> classes;
    for (int k = 0; k < cn; ++k) {
        const CrystalNNNeighbour& n = nn.neighbours.at(k);
        vectors.push_back(n.positionA - centre);
        const bool tied =
            k > 0 && std::abs(n.unroundedWeight - nn.neighbours[k - 1].unroundedWeight) <=
                         kTiedWeightRelative * nn.neighbours[k - 1].unroundedWeight;
        classes.push_back(k == 0 ? 0 : tied ? classes.back() : classes.back() + 1);
    }
    return std::make_unique<NeighbourAngles>(vectors, std::move(classes));
}

}  // namespace

const std::vector<std::string>& crystalNNFingerprintLabels() {
    static const std::vector<std::string> labels = [] {
        std::vector<std::string> out;
        for (const CrystalNNFeature& f : kCrystalNNFeatures) out.emplace_back(f.label);
        return out;
    }();
    return labels;
}

CrystalNNFingerprint crystalNNSiteFingerprint(const PeriodicVoronoi& voronoi, std::size_t site) {
    const CrystalNNResult nn = crystalNN(voronoi, site);
    const Eigen::Vector3d& centre = voronoi.position(site);
    // The neighbour angles of each CN, built on first use and shared by its order parameters.
    std::map<int, std::unique_ptr<NeighbourAngles>> anglesByCn;
    CrystalNNFingerprint out{};
    for (int i = 0; i < kCrystalNNFeatureCount; ++i) {
        const CrystalNNFeature& feature = kCrystalNNFeatures[i];
        const auto found = nn.cnWeights.find(feature.cn);
        const double weight = found == nn.cnWeights.end() ? 0.0 : found->second;
        if (feature.isWeight || weight == 0) {
            out[i] = feature.isWeight ? weight : 0.0;
            continue;
        }
        std::unique_ptr<NeighbourAngles>& angles = anglesByCn[feature.cn];
        if (!angles) angles = anglesOfFirst(nn, feature.cn, centre);
        const std::optional<double> value = localOrderParameter(feature.op, *angles);
        out[i] = weight * value.value_or(0.0);
    }
    return out;
}

std::vector<CrystalNNFingerprint> crystalNNSiteFingerprints(const Structure& structure) {
    const PeriodicVoronoi voronoi(structure);
    std::vector<CrystalNNFingerprint> out;
    out.reserve(structure.size());
    for (std::size_t i = 0; i < structure.size(); ++i)
        out.push_back(crystalNNSiteFingerprint(voronoi, i));
    return out;
}

CrystalNNFingerprint crystalNNStructureFingerprint(const Structure& structure) {
    const std::vector<CrystalNNFingerprint> sites = crystalNNSiteFingerprints(structure);
    CrystalNNFingerprint mean{};
    for (const CrystalNNFingerprint& fp : sites)
        for (int i = 0; i < kCrystalNNFingerprintLength; ++i) mean[i] += fp[i];
    for (double& v : mean) v /= static_cast<double>(sites.size());
    return mean;
}

}  // namespace cw
