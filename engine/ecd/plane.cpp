#include "ecd/plane.h"

#include <Eigen/Geometry>
#include <cstdio>

#include "core/error.h"

namespace cw {
namespace {

std::string pointText(const Eigen::Vector3d& p) {
    char buffer[96];
    std::snprintf(buffer, sizeof buffer, "(%.6g, %.6g, %.6g)", p.x(), p.y(), p.z());
    return buffer;
}

}  // namespace

bool areCollinear(const Eigen::Vector3d& p1, const Eigen::Vector3d& p2, const Eigen::Vector3d& p3) {
    const Eigen::Vector3d a = p2 - p1, b = p3 - p1;
    // A coincident pair gives a zero product on both sides: "<" alone would let it through.
    const double scale = a.norm() * b.norm();
    return scale == 0.0 || a.cross(b).norm() < kCollinearTolerance * scale;
}

PlaneFrame planeFromPoints(const Eigen::Vector3d& p1, const Eigen::Vector3d& p2,
                           const Eigen::Vector3d& p3) {
    if (!p1.allFinite() || !p2.allFinite() || !p3.allFinite()) {
        throw ValueError("slice plane: a picked position is not finite");
    }
    if (p1 == p2 || p1 == p3 || p2 == p3) {
        throw ValueError("slice plane: two picked positions coincide (" + pointText(p1) + ", " +
                         pointText(p2) + ", " + pointText(p3) + " Å); pick three distinct atoms");
    }
    if (areCollinear(p1, p2, p3)) {
        throw ValueError("slice plane: the picked positions " + pointText(p1) + ", " +
                         pointText(p2) + ", " + pointText(p3) +
                         " Å are collinear and define no plane; pick a third atom off their line");
    }
    PlaneFrame f;
    const Eigen::Vector3d a = p2 - p1;
    f.e1 = a / a.norm();
    const Eigen::Vector3d n = a.cross(p3 - p1);
    f.normal = n / n.norm();
    f.e2 = f.normal.cross(f.e1);
    f.centre = (p1 + p2 + p3) / 3.0;
    return f;
}

Eigen::Vector3d pickPosition(const Structure& structure, const Pick& pick) {
    if (pick.site < 0 || static_cast<std::size_t>(pick.site) >= structure.size()) {
        throw ValueError("slice pick: site index " + std::to_string(pick.site) +
                         " is out of range (the structure" +
                         (structure.id().empty() ? std::string() : " " + structure.id()) + " has " +
                         std::to_string(structure.size()) + " sites, indices from 0)");
    }
    const Eigen::Vector3d f =
        structure.site(static_cast<std::size_t>(pick.site)).frac + pick.translation.cast<double>();
    return structure.lattice().toCartesian(f);
}

PlaneFrame planeFromPicks(const Structure& structure, const PickTriple& picks) {
    const Eigen::Vector3d p1 = pickPosition(structure, picks[0]),
                          p2 = pickPosition(structure, picks[1]),
                          p3 = pickPosition(structure, picks[2]);
    try {
        return planeFromPoints(p1, p2, p3);
    } catch (const ValueError& e) {
        throw ValueError(std::string(e.what()) + " [picks " + pickText(picks[0]) + ", " +
                         pickText(picks[1]) + ", " + pickText(picks[2]) + "]");
    }
}

std::string pickText(const Pick& pick) {
    std::string s = std::to_string(pick.site);
    if (pick.translation != Eigen::Vector3i::Zero()) {
        s += "+(" + std::to_string(pick.translation.x()) + "," +
             std::to_string(pick.translation.y()) + "," + std::to_string(pick.translation.z()) +
             ")";
    }
    return s;
}

}  // namespace cw
