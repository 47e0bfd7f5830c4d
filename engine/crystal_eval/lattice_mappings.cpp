#include "crystal_eval/lattice_mappings.h"

#include <Eigen/Geometry>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace cw {
namespace {

constexpr double kPi = std::numbers::pi;

double cappedCosine(double x) {
    return std::clamp(x, -1.0, 1.0);
}

double angleDeg(double cosine) {
    return std::acos(cappedCosine(cosine)) * 180.0 / kPi;
}

long integerDeterminant(const Eigen::Matrix3i& m) {
    const auto e = [&](int r, int c) { return static_cast<long>(m(r, c)); };
    return e(0, 0) * (e(1, 1) * e(2, 2) - e(1, 2) * e(2, 1)) -
           e(0, 1) * (e(1, 0) * e(2, 2) - e(1, 2) * e(2, 0)) +
           e(0, 2) * (e(1, 0) * e(2, 1) - e(1, 1) * e(2, 0));
}

// A point of the cell-list search before sorting into pymatgen's order.
struct PendingPoint {
    int cube;  // cube index, lexicographic
    std::array<int, 3> n;
    double distance2;
};

// Buffers reused across calls on one thread, so repeated searches do not allocate.
struct MappingWorkspace {
    std::vector<PendingPoint> pending;
    std::vector<LatticePoint> points;
    std::vector<Eigen::Vector3d> cart;
    std::vector<double> lengths;
    std::array<std::vector<int>, 3> candidates;
    std::vector<char> alphaOk, betaOk, gammaOk;
};

MappingWorkspace& workspace() {
    thread_local MappingWorkspace ws;
    return ws;
}

}  // namespace

LatticeShape latticeShape(const Eigen::Matrix3d& rows) {
    LatticeShape shape;
    for (int i = 0; i < 3; ++i) {
        shape.lengths[i] =
            std::sqrt(rows(i, 0) * rows(i, 0) + rows(i, 1) * rows(i, 1) + rows(i, 2) * rows(i, 2));
    }
    for (int i = 0; i < 3; ++i) {
        const int j = (i + 1) % 3, k = (i + 2) % 3;
        shape.anglesDeg[i] =
            angleDeg(rows.row(j).dot(rows.row(k)) / (shape.lengths[j] * shape.lengths[k]));
    }
    return shape;
}

Eigen::Matrix3d rowsFromShape(const LatticeShape& shape) {
    const double toRad = kPi / 180.0;
    const double alpha = shape.anglesDeg[0] * toRad, beta = shape.anglesDeg[1] * toRad,
                 gamma = shape.anglesDeg[2] * toRad;
    const double cosAlpha = std::cos(alpha), cosBeta = std::cos(beta), cosGamma = std::cos(gamma);
    const double sinAlpha = std::sin(alpha), sinBeta = std::sin(beta);
    const double val = cappedCosine((cosAlpha * cosBeta - cosGamma) / (sinAlpha * sinBeta));
    const double gammaStar = std::acos(val);
    const double a = shape.lengths[0], b = shape.lengths[1], c = shape.lengths[2];
    Eigen::Matrix3d rows;
    rows << a * sinBeta, 0.0, a * cosBeta,                                                      //
        -b * sinAlpha * std::cos(gammaStar), b * sinAlpha * std::sin(gammaStar), b * cosAlpha,  //
        0.0, 0.0, c;
    return rows;
}

double cellVolume(const Eigen::Matrix3d& rows) {
    const Eigen::Vector3d a = rows.row(0), b = rows.row(1), c = rows.row(2);
    return std::abs(a.cross(b).dot(c));
}

void latticePointsInSphere(const Eigen::Matrix3d& rows, double radiusA,
                           std::vector<LatticePoint>& out) {
    out.clear();
    // pymatgen's find_points_in_spheres: below min_r = 1 Å it searches at 1 Å and filters; its
    // radius argument is a C float.
    const double searchRadius = radiusA < 1.0 ? 1.0 : radiusA;
    const float radiusF = static_cast<float>(searchRadius);
    const double r = radiusF;
    const double r2 = static_cast<double>(radiusF * radiusF);
    constexpr double kTol = 1e-8;
    const double edge = r < 0.1 ? 0.1 : r;
    const double validMin = 0.0 - r - kTol, validMax = 0.0 + r + kTol;
    const int cubesPerAxis = static_cast<int>(std::ceil((validMax - validMin) / edge));

    // pymatgen scans a box of images; the same points come from a Cholesky-bounded walk over
    // the ellipsoid nᵀGn < r² (bounds widened far beyond rounding), then its tests decide.
    // Its order is restored below: cubes of edge r in lexicographic order, each cube's points in
    // reverse scan order, i.e. descending (i, j, k).
    const Eigen::Matrix3d g = rows * rows.transpose();
    const double u00 = std::sqrt(g(0, 0));
    const double u01 = g(0, 1) / u00, u02 = g(0, 2) / u00;
    const double u11 = std::sqrt(g(1, 1) - u01 * u01);
    const double u12 = (g(1, 2) - u01 * u02) / u11;
    const double u22 = std::sqrt(g(2, 2) - u02 * u02 - u12 * u12);
    const double reach2 = (r2 + kTol) * (1 + 1e-9) + 1e-9;
    constexpr double kIndexSlack = 1e-7;

    std::vector<PendingPoint>& pending = workspace().pending;
    pending.clear();
    const auto range = [&](double centre, double halfWidth) {
        return std::pair<long, long>{
            static_cast<long>(std::ceil(centre - halfWidth - kIndexSlack)),
            static_cast<long>(std::floor(centre + halfWidth + kIndexSlack))};
    };
    const auto [kLo, kHi] = range(0.0, std::sqrt(reach2) / u22);
    for (long k = kLo; k <= kHi; ++k) {
        const double t2 = u22 * static_cast<double>(k);
        const double rest2 = reach2 - t2 * t2;
        if (rest2 < 0) continue;
        const auto [jLo, jHi] = range(-u12 * static_cast<double>(k) / u11, std::sqrt(rest2) / u11);
        for (long j = jLo; j <= jHi; ++j) {
            const double t1 = u11 * static_cast<double>(j) + u12 * static_cast<double>(k);
            const double rest1 = rest2 - t1 * t1;
            if (rest1 < 0) continue;
            const auto [iLo, iHi] =
                range(-(u01 * static_cast<double>(j) + u02 * static_cast<double>(k)) / u00,
                      std::sqrt(rest1) / u00);
            for (long i = iLo; i <= iHi; ++i) {
                double c[3];
                bool inside = true;
                for (int m = 0; m < 3; ++m) {
                    c[m] = static_cast<double>(i) * rows(0, m) +
                           static_cast<double>(j) * rows(1, m) +
                           static_cast<double>(k) * rows(2, m) + 0.0;
                    inside = inside && c[m] > validMin && c[m] < validMax;
                }
                if (!inside) continue;
                double d2 = 0;
                for (int m = 0; m < 3; ++m) d2 += c[m] * c[m];
                if (!(d2 < r2 + kTol)) continue;
                int cube = 0;
                for (int m = 0; m < 3; ++m) {
                    cube = cube * cubesPerAxis +
                           static_cast<int>(std::floor((c[m] - validMin + 1e-8) / edge));
                }
                pending.push_back(
                    {cube, {static_cast<int>(i), static_cast<int>(j), static_cast<int>(k)}, d2});
            }
        }
    }
    std::sort(pending.begin(), pending.end(), [](const PendingPoint& x, const PendingPoint& y) {
        return x.cube != y.cube ? x.cube < y.cube : x.n > y.n;
    });
    for (const PendingPoint& p : pending) {
        const double distance = std::sqrt(p.distance2);
        if (radiusA < 1.0 && !(distance <= radiusA)) continue;
        out.push_back({p.n, distance});
    }
}

void findLatticeMappings(const Eigen::Matrix3d& rows, const LatticeShape& target,
                         const LatticeMappingQuery& query, std::vector<LatticeMapping>& out) {
    out.clear();
    MappingWorkspace& ws = workspace();
    const double maxLength = std::max({target.lengths[0], target.lengths[1], target.lengths[2]});
    std::vector<LatticePoint>& points = ws.points;
    latticePointsInSphere(rows, maxLength * (1 + query.ltol), points);

    ws.cart.resize(points.size());
    ws.lengths.resize(points.size());
    for (std::size_t p = 0; p < points.size(); ++p) {
        const auto& n = points[p].n;
        Eigen::Vector3d v;
        for (int m = 0; m < 3; ++m)
            v[m] = n[0] * rows(0, m) + n[1] * rows(1, m) + n[2] * rows(2, m);
        ws.cart[p] = v;
        ws.lengths[p] = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    }
    for (int axis = 0; axis < 3; ++axis) {
        std::vector<int>& list = ws.candidates[axis];
        list.clear();
        const double l = target.lengths[axis];
        for (std::size_t p = 0; p < points.size(); ++p) {
            const double ratio = points[p].distance / l;
            if (ratio < 1 + query.ltol && ratio > 1 / (1 + query.ltol))
                list.push_back(static_cast<int>(p));
        }
    }
    const std::vector<int>& ca = ws.candidates[0];
    const std::vector<int>& cb = ws.candidates[1];
    const std::vector<int>& cc = ws.candidates[2];
    if (ca.empty() || cb.empty() || cc.empty()) return;

    // The cosine decides most pairs without an arccos: |acos(x) − acos(y)| ≥ |x − y|, so a
    // cosine 1e-12 beyond a window edge is outside by far more than rounding can move it. Only
    // pairs within that margin are decided by pymatgen's own expression.
    struct AngleWindow {
        double targetDeg, cosAtLow, cosAtHigh;  // cos(target − tol) > cos(target + tol)
    };
    auto windowFor = [&](double targetDeg) {
        const double low = targetDeg - query.angleTolDeg, high = targetDeg + query.angleTolDeg;
        return AngleWindow{targetDeg, low <= 0 ? 2.0 : std::cos(low * kPi / 180),
                           high >= 180 ? -2.0 : std::cos(high * kPi / 180)};
    };
    auto fits = [&](int p, int q, const AngleWindow& window) {
        const double cosine = ws.cart[p].dot(ws.cart[q]) / ws.lengths[p] / ws.lengths[q];
        constexpr double kMargin = 1e-12;
        if (cosine > window.cosAtLow + kMargin || cosine < window.cosAtHigh - kMargin) return false;
        if (cosine < window.cosAtLow - kMargin && cosine > window.cosAtHigh + kMargin) return true;
        return std::abs(angleDeg(cosine) - window.targetDeg) < query.angleTolDeg;
    };
    const AngleWindow alpha = windowFor(target.anglesDeg[0]), beta = windowFor(target.anglesDeg[1]),
                      gamma = windowFor(target.anglesDeg[2]);
    const std::size_t na = ca.size(), nb = cb.size(), nc = cc.size();
    ws.gammaOk.assign(na * nb, 0);
    ws.betaOk.assign(na * nc, 0);
    ws.alphaOk.assign(nb * nc, 0);
    for (std::size_t i = 0; i < na; ++i)
        for (std::size_t j = 0; j < nb; ++j) ws.gammaOk[i * nb + j] = fits(ca[i], cb[j], gamma);
    for (std::size_t i = 0; i < na; ++i)
        for (std::size_t k = 0; k < nc; ++k) ws.betaOk[i * nc + k] = fits(ca[i], cc[k], beta);
    for (std::size_t j = 0; j < nb; ++j)
        for (std::size_t k = 0; k < nc; ++k) ws.alphaOk[j * nc + k] = fits(cb[j], cc[k], alpha);

    for (std::size_t i = 0; i < na; ++i) {
        for (std::size_t j = 0; j < nb; ++j) {
            if (!ws.gammaOk[i * nb + j]) continue;
            for (std::size_t k = 0; k < nc; ++k) {
                if (!ws.alphaOk[j * nc + k] || !ws.betaOk[i * nc + k]) continue;
                Eigen::Matrix3i scale;
                for (int m = 0; m < 3; ++m) {
                    scale(0, m) = points[ca[i]].n[m];
                    scale(1, m) = points[cb[j]].n[m];
                    scale(2, m) = points[cc[k]].n[m];
                }
                const long det = integerDeterminant(scale);
                if (det == 0) continue;
                if (query.unimodularOnly && std::abs(det) != 1) continue;
                LatticeMapping mapping;
                mapping.aligned.row(0) = ws.cart[ca[i]].transpose();
                mapping.aligned.row(1) = ws.cart[cb[j]].transpose();
                mapping.aligned.row(2) = ws.cart[cc[k]].transpose();
                mapping.scale = scale;
                out.push_back(mapping);
                if (out.size() >= query.limit) return;
            }
        }
    }
}

}  // namespace cw
