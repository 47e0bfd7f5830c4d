#pragma once
/// @file The plane of an ECD slice: three picked atoms → an orthonormal frame (e₁, e₂, n) and a
/// centre, per docs/spec/ecd-slices.md "Geometry" steps 2–4.

#include <Eigen/Core>
#include <array>
#include <string>

#include "crystal/structure.h"

namespace cw {

/// One picked atom: a site index and the integer lattice translation of the periodic image
/// (zero for batch enumeration; the GUI picks images in a displayed supercell).
struct Pick {
    int site = 0;
    Eigen::Vector3i translation = Eigen::Vector3i::Zero();

    bool operator==(const Pick& other) const {
        return site == other.site && translation == other.translation;
    }
};

/// Three picks, in order: p₁ fixes the origin side of e₁, p₂ its direction, p₃ the normal's sign.
using PickTriple = std::array<Pick, 3>;

/// The slice frame, Cartesian, Å: e₁ = (p₂ − p₁)/|p₂ − p₁|, n = (p₂ − p₁) × (p₃ − p₁) normalised,
/// e₂ = n × e₁ (right-handed: e₁ × e₂ = n), centre = (p₁ + p₂ + p₃)/3.
struct PlaneFrame {
    Eigen::Vector3d e1 = Eigen::Vector3d::UnitX();
    Eigen::Vector3d e2 = Eigen::Vector3d::UnitY();
    Eigen::Vector3d normal = Eigen::Vector3d::UnitZ();
    Eigen::Vector3d centre = Eigen::Vector3d::Zero();

    /// In-plane and normal coordinates (u, v, w) of a Cartesian point x: ((x − c)·e₁, (x − c)·e₂,
    /// (x − c)·n), Å.
    Eigen::Vector3d toPlane(const Eigen::Vector3d& x) const {
        const Eigen::Vector3d d = x - centre;
        return {d.dot(e1), d.dot(e2), d.dot(normal)};
    }
    /// Cartesian point of in-plane coordinates (u, v): c + u·e₁ + v·e₂.
    Eigen::Vector3d toCartesian(double u, double v) const { return centre + u * e1 + v * e2; }
};

/// Relative collinearity threshold of the spec: picks are collinear when
/// |(p₂ − p₁) × (p₃ − p₁)| < kCollinearTolerance · |p₂ − p₁| · |p₃ − p₁|.
inline constexpr double kCollinearTolerance = 1e-8;

/// True if the three points (Cartesian, Å) are collinear by the spec's rule, coincident points
/// included. Thread-safe.
bool areCollinear(const Eigen::Vector3d& p1, const Eigen::Vector3d& p2, const Eigen::Vector3d& p3);

/// The frame through three Cartesian points (Å). Throws ValueError if they are collinear or
/// coincide (the message gives the points).
PlaneFrame planeFromPoints(const Eigen::Vector3d& p1, const Eigen::Vector3d& p2,
                           const Eigen::Vector3d& p3);

/// Cartesian position (Å) of a pick in `structure`: (f + t)·L. Throws ValueError if the site
/// index is out of range.
Eigen::Vector3d pickPosition(const Structure& structure, const Pick& pick);

/// The frame of three picks in `structure` as given (no volume normalisation: the Slicer
/// applies it first). Throws ValueError for a bad site index, coincident or collinear picks.
PlaneFrame planeFromPicks(const Structure& structure, const PickTriple& picks);

/// "3" for a zero translation, else "3+(1,0,-1)": how picks are written in messages and the CLI.
std::string pickText(const Pick& pick);

}  // namespace cw
