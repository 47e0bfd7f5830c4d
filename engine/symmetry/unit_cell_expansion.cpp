#include "symmetry/unit_cell_expansion.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "crystal/close_pairs.h"

namespace cw {
namespace {

Eigen::Vector3d apply(const SymmetryOperation& op, const Eigen::Vector3d& frac) {
    return op.rotation.cast<double>() * frac + op.translation;
}

/// g(x) − x brought to the nearest lattice translation: how far g moves x off itself.
Eigen::Vector3d selfResidual(const SymmetryOperation& op, const Eigen::Vector3d& frac) {
    const Eigen::Vector3d d = apply(op, frac) - frac;
    return d - d.array().round().matrix();
}

bool sameTranslationModLattice(const Eigen::Vector3d& t1, const Eigen::Vector3d& t2) {
    const Eigen::Vector3d d = t1 - t2;
    return (d - d.array().round().matrix()).cwiseAbs().maxCoeff() < 1e-9;
}

/// True when the operations in `members` form a group (modulo lattice translations): only
/// then is the average of the images a point that every member fixes.
bool closedUnderComposition(const std::vector<const SymmetryOperation*>& members) {
    for (const SymmetryOperation* g : members) {
        for (const SymmetryOperation* h : members) {
            const Eigen::Matrix3i rotation = g->rotation * h->rotation;
            const Eigen::Vector3d translation =
                g->rotation.cast<double>() * h->translation + g->translation;
            const bool found = std::any_of(members.begin(), members.end(), [&](auto* k) {
                return k->rotation == rotation &&
                       sameTranslationModLattice(k->translation, translation);
            });
            if (!found) return false;
        }
    }
    return true;
}

}  // namespace

double selfImageToleranceA(const Lattice& lattice, const SymmetryOperation& op,
                           const Eigen::Vector3d& precision, const ExpansionTolerances& tolerances) {
    const Eigen::Matrix3i moved = op.rotation - Eigen::Matrix3i::Identity();
    double bound = 0;
    for (int i = 0; i < 3; ++i) {
        double component = 0;  // largest |Δf_i| over the allowed errors
        for (int j = 0; j < 3; ++j) component += std::abs(moved(i, j)) * precision[j];
        bound += component * lattice.vector(i).norm();
    }
    // Two units of the last decimal: rounding leaves half a unit, but coordinates printed from
    // relaxed or converted cells (x + 1/8, 2x) are often a whole unit off on each axis.
    bound *= 2;
    const double ceiling = std::max(tolerances.ceilingA, tolerances.floorA);
    return std::clamp(bound, tolerances.floorA, ceiling);
}

UnitCellExpansion expandAsymmetricUnit(const std::vector<AsymmetricSite>& asymmetric,
                                       const std::vector<SymmetryOperation>& operations,
                                       const Lattice& lattice,
                                       const ExpansionTolerances& tolerances) {
    const PeriodicNearTest near(lattice);
    UnitCellExpansion result;
    for (std::size_t index = 0; index < asymmetric.size(); ++index) {
        const AsymmetricSite& entry = asymmetric[index];
        if (!entry.site.frac.allFinite()) {
            throw ValueError("asymmetric-unit site '" + entry.site.label +
                             "' has non-finite fractional coordinates");
        }
        const Eigen::Vector3d x = wrapFractional(entry.site.frac);

        // The operations that map the site onto itself within what its precision allows.
        std::vector<const SymmetryOperation*> stabiliser;
        Eigen::Vector3d residualSum = Eigen::Vector3d::Zero();
        double mergeTolerance = tolerances.floorA;
        for (const SymmetryOperation& op : operations) {
            const double tolerance = selfImageToleranceA(lattice, op, entry.precision, tolerances);
            mergeTolerance = std::max(mergeTolerance, tolerance);
            const Eigen::Vector3d residual = selfResidual(op, x);
            if (lattice.toCartesian(residual).norm() <= tolerance) {
                stabiliser.push_back(&op);
                residualSum += residual;
            }
        }
        Eigen::Vector3d position = x;
        const bool project = stabiliser.size() > 1 && closedUnderComposition(stabiliser);
        if (project) {
            position = wrapFractional(x + residualSum / double(stabiliser.size()));
            const double shift = lattice.minimumImageDistance(x, position);
            if (shift > 1e-9) {
                ++result.sitesMovedToSpecialPositions;
                if (shift > result.largestShiftA) {
                    result.largestShiftA = shift;
                    result.largestShiftLabel = entry.site.label;
                }
            }
            // Projected images coincide to round-off: merging needs only the floor.
            mergeTolerance = tolerances.floorA;
        }

        const std::size_t first = result.sites.size();
        for (const SymmetryOperation& op : operations) {
            const Eigen::Vector3d image = wrapFractional(apply(op, position));
            const bool seen =
                std::any_of(result.sites.begin() + long(first), result.sites.end(),
                            [&](const Site& s) { return near(s.frac, image, mergeTolerance); });
            if (seen) continue;
            Site copy = entry.site;
            copy.frac = image;
            result.sites.push_back(std::move(copy));
            result.origin.push_back(index);
            result.mergeToleranceA.push_back(mergeTolerance);
        }
    }
    return result;
}

}  // namespace cw
