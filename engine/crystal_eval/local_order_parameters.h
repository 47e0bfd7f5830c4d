#pragma once
/// @file pymatgen's LocalStructOrderParams (pymatgen 2022.11.7, analysis/local_env.py) for the
/// order-parameter types of matminer's CrystalNN "ops" fingerprint, evaluated one type at a
/// time on explicit neighbour vectors, as matminer calls it (indices_neighs given, so no
/// neighbour search). Spec: docs/spec/crystal-generation.md §4.

#include <Eigen/Core>

#include <limits>
#include <optional>
#include <vector>

namespace cw {

/// The pymatgen order-parameter types the "ops" preset uses (pymatgen names in comments).
enum class OrderParameterType {
    SingleBond,             ///< sgl_bd
    Bent,                   ///< bent
    TrigonalPlanarMax,      ///< tri_plan_max
    TetrahedralMax,         ///< tet_max
    TShaped,                ///< T
    SquarePlanarMax,        ///< sq_plan_max
    SeeSawRectangular,      ///< see_saw_rect
    TrigonalBipyramidal,    ///< tri_bipyr
    TrigonalPyramidal,      ///< tri_pyr
    PentagonalPlanarMax,    ///< pent_plan_max
    SquarePyramidal,        ///< sq_pyr
    HexagonalPlanarMax,     ///< hex_plan_max
    OctahedralMax,          ///< oct_max
    PentagonalPyramidal,    ///< pent_pyr
    HexagonalPyramidal,     ///< hex_pyr
    PentagonalBipyramidal,  ///< pent_bipyr
    BodyCentredCubic,       ///< bcc
    HexagonalBipyramidal,   ///< hex_bipyr
    Q2,                     ///< q2 (Steinhardt bond-orientational order, l = 2)
    Q4,                     ///< q4
    Q6,                     ///< q6
    CuboctahedralMax,       ///< cuboct_max
};

inline constexpr double kUnset = std::numeric_limits<double>::quiet_NaN();

/// One order parameter: its type and its complete parameter dict (pymatgen key in comments;
/// angles as fractions of 180° unless the name says radians). Unused members stay kUnset.
struct OrderParameterSpec {
    OrderParameterType type = OrderParameterType::SingleBond;
    double targetAngle = kUnset;                  ///< TA
    double inverseWidthTargetAngle = kUnset;      ///< IGW_TA
    double inverseWidthEquatorialPlane = kUnset;  ///< IGW_EP
    double azimuthFactor = kUnset;                ///< fac_AA
    double azimuthCosineExponent = kUnset;        ///< exp_cos_AA
    double minSouthPoleAngleRad = kUnset;         ///< min_SPP
    double inverseWidthSouthPole = kUnset;        ///< IGW_SPP
    double southPoleWeight = kUnset;              ///< w_SPP
    double cuboctUpperAngleRad = kUnset;          ///< cuboct key 2
    double cuboctLowerAngleRad = kUnset;          ///< cuboct key 4
    double cuboctInverseWidthEquator = kUnset;    ///< cuboct key 5
    double cuboctInverseWidthPole = kUnset;       ///< cuboct key 6
};

/// The angles between a centre's neighbour directions that every order parameter of one
/// neighbour set shares, computed once (pymatgen recomputes them per type). Immutable after
/// construction; thread-safe to share.
class NeighbourAngles {
public:
    /// `vectorsA`: neighbour position minus centre position (Å), in CrystalNN's neighbour
    /// order. `orderClasses` (empty, or one per neighbour): neighbours of one class have no
    /// defined order among themselves, see localOrderParameter. Throws ValueError for a zero
    /// vector (a neighbour on the centre) or a class list of the wrong length.
    explicit NeighbourAngles(const std::vector<Eigen::Vector3d>& vectorsA,
                             std::vector<int> orderClasses = {});

    int count() const { return m_count; }
    const std::vector<double>& distancesA() const { return m_distances; }
    const std::vector<Eigen::Vector3d>& unitVectors() const { return m_units; }
    /// Angle (rad) between neighbours j and k.
    double theta(int j, int k) const { return m_theta[j * m_count + k]; }
    /// pymatgen's flag: the part of unit vector k orthogonal to unit vector j (Gram–Schmidt) is
    /// shorter than 1e-12, i.e. j and k are (anti)parallel to rounding.
    bool collinear(int j, int k) const { return m_collinear[j * m_count + k] != 0; }
    /// Unit vector k made orthogonal to unit vector j (valid when !collinear(j, k)).
    const Eigen::Vector3d& orthogonalUnit(int j, int k) const {
        return m_orthogonal[j * m_count + k];
    }
    /// True when j and k are of one order class (their order is arbitrary).
    bool interchangeable(int j, int k) const {
        return !m_classes.empty() && m_classes[j] == m_classes[k];
    }

private:
    int m_count = 0;
    std::vector<double> m_distances;
    std::vector<Eigen::Vector3d> m_units;
    std::vector<double> m_theta;
    std::vector<char> m_collinear;
    std::vector<Eigen::Vector3d> m_orthogonal;
    std::vector<int> m_classes;
};

/// LocalStructOrderParams([type], [parameters]).get_order_parameters(...)[0] for the centre
/// and neighbours behind `angles`. nullopt where pymatgen returns None (too few neighbours,
/// zero normalisation). Thread-safe.
///
/// Only "bcc" depends on the neighbour order: pymatgen sums its pair terms over j < k, with j
/// as the pole. Neighbours whose CrystalNN weights tie come in an order that pymatgen's
/// floating-point noise decides (Qhull's vertices), which cannot be reproduced; for a pair of
/// one order class the mean of both orientations is taken, i.e. the expectation over those
/// orders.
std::optional<double> localOrderParameter(const OrderParameterSpec& spec,
                                          const NeighbourAngles& angles);

}  // namespace cw
