#include "crystal_eval/structural_validity.h"

#include <Eigen/LU>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/error.h"
#include "crystal/elements.h"
#include "crystal_eval/minimum_image_search.h"

namespace cw {
namespace {

bool anyNan(const GeneratedCrystal& c) {
    for (int i = 0; i < 3; ++i)
        if (std::isnan(c.lengthsA[i]) || std::isnan(c.anglesDeg[i])) return true;
    return std::any_of(c.frac.begin(), c.frac.end(),
                       [](const Eigen::Vector3d& f) { return f.hasNaN(); });
}

bool anyInfinite(const GeneratedCrystal& c) {
    for (int i = 0; i < 3; ++i)
        if (std::isinf(c.lengthsA[i]) || std::isinf(c.anglesDeg[i])) return true;
    return std::any_of(c.frac.begin(), c.frac.end(),
                       [](const Eigen::Vector3d& f) { return !f.allFinite(); });
}

StructuralValidity invalid(StructuralReason reason) {
    StructuralValidity result;
    result.reason = reason;
    return result;
}

}  // namespace

std::string_view structuralReasonName(StructuralReason reason) {
    switch (reason) {
        case StructuralReason::None:
            return "";
        case StructuralReason::NanValue:
            return "nan_value";
        case StructuralReason::NonPositiveLattice:
            return "non_positive_lattice";
        case StructuralReason::ConstructionRaisesException:
            return "construction_raises_exception";
        case StructuralReason::UnrealisticallySmallLattice:
            return "unrealistically_small_lattice";
        case StructuralReason::AtomsTooClose:
            return "atoms_too_close";
        case StructuralReason::NoAtoms:
            return "no_atoms";
    }
    return "";
}

Eigen::Matrix3d pymatgenCellFromParameters(const double lengthsA[3], const double anglesDeg[3]) {
    constexpr double kDegree = std::numbers::pi / 180.0;
    const double a = lengthsA[0], b = lengthsA[1], c = lengthsA[2];
    const double alpha = anglesDeg[0] * kDegree, beta = anglesDeg[1] * kDegree,
                 gamma = anglesDeg[2] * kDegree;
    // pymatgen's abs_cap: rounding (or impossible angles) can push the cosine past ±1; a NaN
    // (0/0 for an angle of exactly 0°) passes through, as in pymatgen.
    const double val = std::clamp(
        (std::cos(alpha) * std::cos(beta) - std::cos(gamma)) / (std::sin(alpha) * std::sin(beta)),
        -1.0, 1.0);
    const double gammaStar = std::acos(val);
    Eigen::Matrix3d rows;
    rows << a * std::sin(beta), 0.0, a * std::cos(beta), -b * std::sin(alpha) * std::cos(gammaStar),
        b * std::sin(alpha) * std::sin(gammaStar), b * std::cos(alpha), 0.0, 0.0, c;
    return rows;
}

StructuralValidity structuralValidity(const GeneratedCrystal& crystal) {
    if (anyNan(crystal)) return invalid(StructuralReason::NanValue);
    if (!(std::min({crystal.lengthsA[0], crystal.lengthsA[1], crystal.lengthsA[2]}) > 0))
        return invalid(StructuralReason::NonPositiveLattice);
    if (anyInfinite(crystal)) return invalid(StructuralReason::NanValue);
    if (crystal.atomicNumbers.empty() && crystal.frac.empty())
        return invalid(StructuralReason::NoAtoms);
    if (crystal.atomicNumbers.size() != crystal.frac.size() ||
        std::any_of(crystal.atomicNumbers.begin(), crystal.atomicNumbers.end(),
                    [](int z) { return z < 1 || z > kMaxAtomicNumber; }))
        return invalid(StructuralReason::ConstructionRaisesException);

    const Eigen::Matrix3d cell = pymatgenCellFromParameters(crystal.lengthsA, crystal.anglesDeg);
    const double volume = std::abs(cell.determinant());
    if (!cell.allFinite() || !std::isfinite(volume))
        return invalid(StructuralReason::ConstructionRaisesException);
    StructuralValidity result;
    result.volumeA3 = volume;
    if (volume < kMinimumCellVolumeA3) {
        result.reason = StructuralReason::UnrealisticallySmallLattice;
        return result;
    }

    MinimumImageSearch::ClosestPair closest;
    try {
        closest = MinimumImageSearch(cell).closestPairBelow(crystal.frac, kMinimumSiteDistanceA);
    } catch (const ValueError&) {
        // A cell of ≥ 0.1 Å³ whose reduction overflows (squared lengths beyond the double range).
        result.reason = StructuralReason::ConstructionRaisesException;
        return result;
    }
    if (closest.found) {
        result.reason = StructuralReason::AtomsTooClose;
        result.closestDistanceA = closest.distanceA;
        result.closestPair[0] = closest.i;
        result.closestPair[1] = closest.j;
        result.closestIsExact = closest.exact;
        return result;
    }
    result.valid = true;
    return result;
}

}  // namespace cw
