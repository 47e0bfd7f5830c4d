#include "crystal_eval/local_order_parameters.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <string>
#include <utility>

#include "core/error.h"

namespace cw {

namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kInversePi = 1.0 / kPi;
/// pymatgen's `very_small`: below this a Gram–Schmidt remainder counts as zero. Exactly
/// symmetric input gives ~1e-16 and takes the "collinear" branch; 1e-10 noise does not.
constexpr double kVerySmall = 1.0e-12;
constexpr double kLeftOfUnity = 1.0 - 1.0e-12;

/// Angles within this of a threshold count as equal to it (rad). pymatgen compares angles
/// with thresholds exactly (θ > π/2 for bcc's sign, θ ≥ min_SPP, φ < 3π/4 …), and exactly
/// symmetric input lands on them: then its rounding noise (~1e-16, and its BLAS's) decides.
/// The value exact arithmetic gives is taken instead, which 1e-10 coordinate noise brackets.
constexpr double kAngleTieRad = 1.0e-12;

bool below(double angle, double threshold) {
    return angle < threshold - kAngleTieRad;
}
bool above(double angle, double threshold) {
    return angle > threshold + kAngleTieRad;
}
bool atLeast(double angle, double threshold) {
    return !below(angle, threshold);
}
bool atMost(double angle, double threshold) {
    return !above(angle, threshold);
}

double clampedAcos(double cosine) {
    return std::acos(std::max(-1.0, std::min(cosine, 1.0)));
}

double gaussian(double x) {
    return std::exp(-0.5 * x * x);
}

bool hasSouthPole(OrderParameterType t) {
    using T = OrderParameterType;
    return t == T::TrigonalBipyramidal || t == T::PentagonalBipyramidal ||
           t == T::HexagonalBipyramidal || t == T::OctahedralMax || t == T::SquarePlanarMax ||
           t == T::HexagonalPlanarMax || t == T::SeeSawRectangular;
}

/// Contributions of the pair (north pole j, prime meridian k) to qsptheta and norms, exactly
/// in the order of pymatgen's loop (its first part on the j–k angle, then every third
/// neighbour m).
void accumulatePair(const OrderParameterSpec& p, const NeighbourAngles& a, int j, int k, double& q,
                    double& norm) {
    using T = OrderParameterType;
    const int n = a.count();
    const double thetak = a.theta(j, k);
    const double tk = thetak * kInversePi;

    switch (p.type) {
        case T::Bent:
        case T::TrigonalPlanarMax:
        case T::TetrahedralMax:
            q += gaussian(p.inverseWidthTargetAngle * (tk - p.targetAngle));
            norm += 1;
            break;
        case T::TShaped:
        case T::TrigonalPyramidal:
        case T::SquarePyramidal:
        case T::PentagonalPyramidal:
        case T::HexagonalPyramidal:
            q += gaussian(p.inverseWidthEquatorialPlane * (tk - 0.5));
            norm += 1;
            break;
        case T::CuboctahedralMax:
            if (atLeast(thetak, p.minSouthPoleAngleRad)) {
                q += p.southPoleWeight * gaussian(p.inverseWidthSouthPole * (tk - 1.0));
                norm += p.southPoleWeight;
            }
            break;
        case T::SeeSawRectangular:
        case T::TrigonalBipyramidal:
        case T::PentagonalBipyramidal:
        case T::HexagonalBipyramidal:
        case T::OctahedralMax:
        case T::SquarePlanarMax:
        case T::HexagonalPlanarMax:
            if (below(thetak, p.minSouthPoleAngleRad)) {
                const double x =
                    p.type != T::HexagonalPlanarMax
                        ? p.inverseWidthEquatorialPlane * (tk - 0.5)
                        : p.inverseWidthTargetAngle * (std::fabs(tk - 0.5) - p.targetAngle);
                q += gaussian(x);
                norm += 1;
            }
            break;
        case T::PentagonalPlanarMax: {
            const double target = atMost(thetak, p.targetAngle * kPi) ? 0.4 : 0.8;
            q += gaussian(p.inverseWidthTargetAngle * (tk - target));
            norm += 1;
            break;
        }
        case T::BodyCentredCubic:  // the caller weights the orientation (pymatgen: j < k only)
            if (atLeast(thetak, p.minSouthPoleAngleRad)) {
                q += p.southPoleWeight * gaussian(p.inverseWidthSouthPole * (tk - 1.0));
                norm += p.southPoleWeight;
            }
            break;
        default:
            break;
    }

    // pymatgen skips every third neighbour when j and k are collinear (no prime meridian).
    if (a.collinear(j, k)) return;
    const Eigen::Vector3d& xAxis = a.orthogonalUnit(j, k);
    const bool southPole = hasSouthPole(p.type);
    for (int m = 0; m < n; ++m) {
        if (m == j || m == k) continue;
        const double thetam = a.theta(j, m);
        const double tm = thetam * kInversePi;
        if (southPole && atLeast(thetam, p.minSouthPoleAngleRad)) {
            q += gaussian(p.inverseWidthSouthPole * (tm - 1.0));
            norm += 1;
        }
        if (a.collinear(j, m)) continue;
        const double phi = clampedAcos(a.orthogonalUnit(j, m).dot(xAxis));

        switch (p.type) {
            case T::TrigonalPlanarMax:
            case T::TetrahedralMax:
                q += gaussian(p.inverseWidthTargetAngle * (tm - p.targetAngle)) *
                     std::pow(std::cos(p.azimuthFactor * phi), p.azimuthCosineExponent);
                norm += 1;
                break;
            case T::PentagonalPlanarMax: {
                const double target = atMost(thetam, p.targetAngle * kPi) ? 0.4 : 0.8;
                const double c = std::cos(phi);
                q += gaussian(p.inverseWidthTargetAngle * (tm - target)) * c * c;
                norm += 1;
                break;
            }
            case T::TShaped:
            case T::TrigonalPyramidal:
            case T::SquarePyramidal:
            case T::PentagonalPyramidal:
            case T::HexagonalPyramidal:
                q += std::pow(std::cos(p.azimuthFactor * phi), p.azimuthCosineExponent) *
                     gaussian(p.inverseWidthEquatorialPlane * (tm - 0.5));
                norm += 1;
                break;
            case T::TrigonalBipyramidal:
            case T::PentagonalBipyramidal:
            case T::HexagonalBipyramidal:
            case T::OctahedralMax:
            case T::SquarePlanarMax:
            case T::HexagonalPlanarMax:
                if (below(thetam, p.minSouthPoleAngleRad) &&
                    below(thetak, p.minSouthPoleAngleRad)) {
                    const double x =
                        p.type != T::HexagonalPlanarMax
                            ? p.inverseWidthEquatorialPlane * (tm - 0.5)
                            : p.inverseWidthTargetAngle * (std::fabs(tm - 0.5) - p.targetAngle);
                    q += std::pow(std::cos(p.azimuthFactor * phi), p.azimuthCosineExponent) *
                         gaussian(x);
                    norm += 1;
                }
                break;
            case T::BodyCentredCubic:
                if (below(thetak, p.minSouthPoleAngleRad)) {
                    const double sign = above(thetak, kPi / 2.0) ? 1.0 : -1.0;
                    const double x = (thetam - kPi / 2.0) / std::asin(1.0 / 3.0);
                    const double facBcc = 1.0 / std::exp(-0.5);
                    q += sign * std::cos(3 * phi) * facBcc * x * std::exp(-0.5 * x * x);
                    norm += 1;
                }
                break;
            case T::SeeSawRectangular:
                if (below(thetam, p.minSouthPoleAngleRad) &&
                    below(thetak, p.minSouthPoleAngleRad) && below(phi, 0.75 * kPi)) {
                    q += std::pow(std::cos(p.azimuthFactor * phi), p.azimuthCosineExponent) *
                         gaussian(p.inverseWidthEquatorialPlane * (tm - 0.5));
                    norm += 1.0;
                }
                break;
            case T::CuboctahedralMax:
                if (below(thetam, p.minSouthPoleAngleRad) && above(thetak, p.cuboctLowerAngleRad) &&
                    below(thetak, p.cuboctUpperAngleRad)) {
                    if (above(thetam, p.cuboctLowerAngleRad) &&
                        below(thetam, p.cuboctUpperAngleRad)) {
                        const double c = std::cos(phi);
                        q += c * c * gaussian(p.cuboctInverseWidthEquator * (tm - 0.5));
                        norm += 1.0;
                    } else if (below(thetam, p.cuboctLowerAngleRad)) {
                        const double x = 0.0556 * (std::cos(phi - 0.5 * kPi) - 0.81649658);
                        q += gaussian(x) * gaussian(p.cuboctInverseWidthPole * (tm - 1.0 / 3.0));
                        norm += 1.0;
                    } else if (above(thetam, p.cuboctUpperAngleRad)) {
                        const double x = 0.0556 * (std::cos(phi - 0.5 * kPi) - 0.81649658);
                        q += gaussian(x) * gaussian(p.cuboctInverseWidthPole * (tm - 2.0 / 3.0));
                        norm += 1.0;
                    }
                }
                break;
            default:
                break;
        }
    }
}

/// Peters-style motif order parameters: the triple loop over north pole j, meridian k and
/// third neighbour m, then pymatgen's normalisation of the type.
std::optional<double> motifOrderParameter(const OrderParameterSpec& p, const NeighbourAngles& a) {
    using T = OrderParameterType;
    const int n = a.count();
    const bool sumType = p.type == T::Bent;
    const bool bcc = p.type == T::BodyCentredCubic;
    double total = 0, totalNorm = 0;
    std::optional<double> best;
    for (int j = 0; j < n; ++j) {
        double rowSum = 0, rowNorm = 0;
        for (int k = 0; k < n; ++k) {
            if (k == j) continue;
            // bcc counts each pair once, pole first: j < k, or half of each orientation when
            // j and k have no defined order.
            const double orientation = !bcc                      ? 1.0
                                       : a.interchangeable(j, k) ? 0.5
                                       : j < k                   ? 1.0
                                                                 : 0.0;
            if (orientation == 0.0) continue;
            double q = 0, norm = 0;
            accumulatePair(p, a, j, k, q, norm);
            q *= orientation;
            rowSum += q;
            rowNorm += norm;
            if (!sumType && !bcc) {
                const double value = norm > 1.0e-12 ? q / norm : 0.0;
                if (!best || value > *best) best = value;
            }
        }
        total += rowSum;
        totalNorm += rowNorm;
    }
    if (sumType) {
        if (totalNorm > 1.0e-12) return total / totalNorm;
        return std::nullopt;
    }
    if (bcc) {
        if (n > 3) return total / (0.5 * static_cast<double>(n * (6 + (n - 2) * (n - 3))));
        return std::nullopt;
    }
    if (n > 1) return best;
    return std::nullopt;
}

/// Steinhardt's q_l (l = 2, 4, 6) with pymatgen's real-arithmetic spherical harmonics.
double steinhardtQ(int l, const NeighbourAngles& a) {
    const int n = a.count();
    const int maxOrder = l;
    // Powers of sin θ and cos θ, and sin/cos of mφ, per neighbour (pymatgen's trig terms).
    std::vector<std::array<double, 7>> sinT(n), cosT(n), sinP(n), cosP(n);
    for (int i = 0; i < n; ++i) {
        const Eigen::Vector3d& v = a.unitVectors()[i];
        const double theta = clampedAcos(v.z());
        double phi = 0.0;
        if (-kLeftOfUnity < v.z() && v.z() < kLeftOfUnity) {
            phi = clampedAcos(v.x() / std::sqrt(v.x() * v.x() + v.y() * v.y()));
            if (v.y() < 0.0) phi = -phi;
        }
        sinT[i][1] = std::sin(theta);
        cosT[i][1] = std::cos(theta);
        sinP[i][1] = std::sin(phi);
        cosP[i][1] = std::cos(phi);
        for (int o = 2; o <= maxOrder; ++o) {
            sinT[i][o] = sinT[i][o - 1] * sinT[i][1];
            cosT[i][o] = cosT[i][o - 1] * cosT[i][1];
            sinP[i][o] = std::sin(static_cast<double>(o) * phi);
            cosP[i][o] = std::cos(static_cast<double>(o) * phi);
        }
    }
    // Adds |Σ pre·e^{±imφ}|² for the pair of orders ±m: pymatgen's sign pattern.
    double acc = 0.0;
    auto addOrder = [&](const std::vector<double>& pre, int m, double realSign, double imagSign) {
        double re = 0.0, im = 0.0;
        for (int i = 0; i < n; ++i) {
            re += realSign * pre[i] * cosP[i][m];
            im += imagSign * pre[i] * sinP[i][m];
        }
        acc += re * re + im * im;
    };
    auto addZero = [&](const std::vector<double>& y0) {
        double re = 0.0;
        for (int i = 0; i < n; ++i) re += y0[i];
        acc += re * re;
    };
    std::vector<std::vector<double>> pre(l + 1, std::vector<double>(n));
    std::vector<double> y0(n);
    if (l == 2) {
        const double s15_2pi = std::sqrt(15.0 / (2 * kPi)), s5_pi = std::sqrt(5.0 / kPi);
        for (int i = 0; i < n; ++i) {
            pre[2][i] = 0.25 * s15_2pi * sinT[i][2];
            pre[1][i] = 0.5 * s15_2pi * sinT[i][1] * cosT[i][1];
            y0[i] = 0.25 * s5_pi * (3 * cosT[i][2] - 1.0);
        }
    } else if (l == 4) {
        const double i16_3 = 3.0 / 16.0, i8_3 = 3.0 / 8.0;
        const double s35_pi = std::sqrt(35.0 / kPi), s35_2pi = std::sqrt(35.0 / (2 * kPi));
        const double s5_pi = std::sqrt(5.0 / kPi), s5_2pi = std::sqrt(5.0 / (2 * kPi));
        const double s1_pi = std::sqrt(1.0 / kPi);
        for (int i = 0; i < n; ++i) {
            pre[4][i] = i16_3 * s35_2pi * sinT[i][4];
            pre[3][i] = i8_3 * s35_pi * sinT[i][3] * cosT[i][1];
            pre[2][i] = i8_3 * s5_2pi * sinT[i][2] * (7 * cosT[i][2] - 1.0);
            pre[1][i] = i8_3 * s5_pi * sinT[i][1] * (7 * cosT[i][3] - 3 * cosT[i][1]);
            y0[i] = i16_3 * s1_pi * (35 * cosT[i][4] - 30 * cosT[i][2] + 3.0);
        }
    } else {
        const double i64 = 1.0 / 64.0, i32 = 1.0 / 32.0, i32_3 = 3.0 / 32.0, i16 = 1.0 / 16.0;
        const double s3003_pi = std::sqrt(3003.0 / kPi), s1001_pi = std::sqrt(1001.0 / kPi);
        const double s91_2pi = std::sqrt(91.0 / (2 * kPi)), s1365_pi = std::sqrt(1365.0 / kPi);
        const double s273_2pi = std::sqrt(273.0 / (2 * kPi)), s13_pi = std::sqrt(13.0 / kPi);
        for (int i = 0; i < n; ++i) {
            const auto& s = sinT[i];
            const auto& c = cosT[i];
            pre[6][i] = i64 * s3003_pi * s[6];
            pre[5][i] = i32_3 * s1001_pi * s[5] * c[1];
            pre[4][i] = i32_3 * s91_2pi * s[4] * (11 * c[2] - 1.0);
            pre[3][i] = i32 * s1365_pi * s[3] * (11 * c[3] - 3 * c[1]);
            pre[2][i] = i64 * s1365_pi * s[2] * (33 * c[4] - 18 * c[2] + 1.0);
            pre[1][i] = i16 * s273_2pi * s[1] * (33 * c[5] - 30 * c[3] + 5 * c[1]);
            y0[i] = i32 * s13_pi * (231 * c[6] - 315 * c[4] + 105 * c[2] - 5.0);
        }
    }
    // Orders -l … -1 (real +, imaginary −), 0, then 1 … l (odd: −, −; even: +, +).
    for (int m = l; m >= 1; --m) addOrder(pre[m], m, 1.0, -1.0);
    addZero(y0);
    for (int m = 1; m <= l; ++m) {
        const double sign = m % 2 == 1 ? -1.0 : 1.0;
        addOrder(pre[m], m, sign, sign);
    }
    return std::sqrt(4 * kPi * acc / ((2 * l + 1) * static_cast<double>(n * n)));
}

}  // namespace

NeighbourAngles::NeighbourAngles(const std::vector<Eigen::Vector3d>& vectorsA,
                                 std::vector<int> orderClasses)
    : m_count(static_cast<int>(vectorsA.size())), m_classes(std::move(orderClasses)) {
    const int n = m_count;
    if (!m_classes.empty() && m_classes.size() != vectorsA.size())
        throw ValueError("Neighbour order classes: " + std::to_string(m_classes.size()) +
                         " given for " + std::to_string(n) + " neighbours.");
    m_distances.reserve(n);
    m_units.reserve(n);
    for (const Eigen::Vector3d& v : vectorsA) {
        const double d = v.norm();
        if (!(d > 0.0))
            throw ValueError("A neighbour lies on the centre site: no direction to it.");
        m_distances.push_back(d);
        m_units.push_back(v / d);
    }
    m_theta.assign(static_cast<std::size_t>(n) * n, 0.0);
    m_collinear.assign(static_cast<std::size_t>(n) * n, 0);
    m_orthogonal.assign(static_cast<std::size_t>(n) * n, Eigen::Vector3d::Zero());
    for (int j = 0; j < n; ++j) {
        const Eigen::Vector3d& z = m_units[j];
        const double zz = z.dot(z);
        for (int k = 0; k < n; ++k) {
            if (k == j) continue;
            const std::size_t at = static_cast<std::size_t>(j) * n + k;
            m_theta[at] = clampedAcos(z.dot(m_units[k]));
            // pymatgen's gramschmidt(v, u) = v − (v·u / u·u) u, then its norm against 1e-12.
            const Eigen::Vector3d x = m_units[k] - (m_units[k].dot(z) / zz) * z;
            const double length = x.norm();
            if (length < kVerySmall) {
                m_collinear[at] = 1;
            } else {
                m_orthogonal[at] = x / length;
            }
        }
    }
}

std::optional<double> localOrderParameter(const OrderParameterSpec& spec,
                                          const NeighbourAngles& angles) {
    using T = OrderParameterType;
    const int n = angles.count();
    switch (spec.type) {
        case T::SingleBond: {
            if (n == 0) return 0.0;
            if (n == 1) return 1.0;
            std::vector<double> d = angles.distancesA();
            std::partial_sort(d.begin(), d.begin() + 2, d.end());
            return 1.0 - d[0] / d[1];
        }
        case T::Q2:
            return n > 0 ? std::optional<double>(steinhardtQ(2, angles)) : std::nullopt;
        case T::Q4:
            return n > 0 ? std::optional<double>(steinhardtQ(4, angles)) : std::nullopt;
        case T::Q6:
            return n > 0 ? std::optional<double>(steinhardtQ(6, angles)) : std::nullopt;
        default:
            return motifOrderParameter(spec, angles);
    }
}

}  // namespace cw
