#pragma once
/// @file A crystal lattice: three vectors a, b, c as the rows of a 3×3 matrix in Å (Cartesian),
/// the convention of pymatgen and of the ECD and encoding specifications.

#include <Eigen/Core>
#include <Eigen/LU>
#include <array>

namespace cw {

/// Lattice parameters: lengths in Å, angles in degrees (α = ∠(b,c), β = ∠(a,c), γ = ∠(a,b)).
struct LatticeParameters {
    double a = 0, b = 0, c = 0;
    double alpha = 0, beta = 0, gamma = 0;
};

/// Immutable value type; cheap to copy. All members are thread-safe (const).
class Lattice {
public:
    Lattice();  ///< the unit cube (1 Å)
    /// Rows are a, b, c in Å. Throws ValueError for a non-finite matrix or |det| < 1e-8 Å³.
    explicit Lattice(const Eigen::Matrix3d& rowsAngstrom);

    /// pymatgen's Lattice.from_parameters (vesta=False): c along z, a in the xz plane,
    /// a = (a sin β, 0, a cos β). Throws ValueError for impossible parameters.
    static Lattice fromParameters(const LatticeParameters& p);

    const Eigen::Matrix3d& matrix() const { return m_rows; }
    Eigen::Vector3d vector(int i) const { return m_rows.row(i).transpose(); }
    LatticeParameters parameters() const;
    /// Cell volume in Å³ (positive, whatever the handedness).
    double volume() const;
    /// Signed determinant of the row matrix (negative for a left-handed cell).
    double determinant() const { return m_rows.determinant(); }
    /// Reciprocal lattice with the crystallographer's convention (rows a*, b*, c* with
    /// a·a* = 1, in 1/Å); multiply by 2π for the physicist's.
    Eigen::Matrix3d reciprocalRows() const { return m_inverse.transpose(); }

    Eigen::Vector3d toCartesian(const Eigen::Vector3d& frac) const {
        return m_rows.transpose() * frac;
    }
    Eigen::Vector3d toFractional(const Eigen::Vector3d& cartAngstrom) const {
        return m_inverse.transpose() * cartAngstrom;
    }

    /// Shortest Cartesian vector (Å) from fractional position f1 to any periodic image of f2.
    /// Exact for any cell shape (searches every image that could be closer than the wrapped one).
    Eigen::Vector3d minimumImageVector(const Eigen::Vector3d& f1, const Eigen::Vector3d& f2) const;
    /// Length of minimumImageVector (Å).
    double minimumImageDistance(const Eigen::Vector3d& f1, const Eigen::Vector3d& f2) const {
        return minimumImageVector(f1, f2).norm();
    }

    /// Same shape, scaled isotropically to the given volume (Å³). Throws ValueError if ≤ 0.
    Lattice scaledToVolume(double volumeA3) const;

    bool operator==(const Lattice& other) const { return m_rows == other.m_rows; }

private:
    Eigen::Matrix3d m_rows;
    Eigen::Matrix3d m_inverse;  ///< m_rows⁻¹: frac = cart · m_inverse
};

}  // namespace cw
