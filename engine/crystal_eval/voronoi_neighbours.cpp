#include "crystal_eval/voronoi_neighbours.h"

#include <Eigen/Geometry>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>
#include <utility>

#include "core/error.h"

namespace cw {

namespace {

/// Distance (Å) within which a vertex counts as lying on a clipping plane.
constexpr double kOnPlaneA = 1e-9;
/// Planes with negative ids bound the starting box; they must not survive in a bounded cell.
constexpr int kBoxPlane = -1;
/// Radius (Å) of the first, cheap neighbour search; most cells lie within half of it.
constexpr double kFirstLookRadiusA = 4.5;
/// Most periodic images one search may test (a guard against near-flat cells).
constexpr int kMaxImagesSearched = 5'000'000;
/// Sites closer than this to the centre (Å) count as the centre itself: its own image, or a
/// duplicate on the same position, which Qhull also drops.
constexpr double kSameSiteA = 1e-8;

struct Candidate {
    std::size_t site;
    Eigen::Vector3i image;
    Eigen::Vector3d positionA;  ///< Cartesian position of the image
    Eigen::Vector3d offsetA;    ///< that position minus the centre's
    double distanceA;
};

struct Face {
    int plane;  ///< index into the candidate list, or kBoxPlane
    std::vector<Eigen::Vector3d> vertices;
};

/// A convex polytope around the origin (the centre site), clipped plane by plane.
class ConvexCell {
public:
    explicit ConvexCell(double halfWidthA) {
        const double h = halfWidthA;
        auto corner = [h](int i) {
            return Eigen::Vector3d((i & 1) ? h : -h, (i & 2) ? h : -h, (i & 4) ? h : -h);
        };
        // The six faces of the cube, each counter-clockwise seen from outside.
        const int faces[6][4] = {{0, 2, 6, 4}, {1, 5, 7, 3}, {0, 4, 5, 1},
                                 {2, 3, 7, 6}, {0, 1, 3, 2}, {4, 6, 7, 5}};
        for (const auto& f : faces) {
            Face face{kBoxPlane, {}};
            for (int i : f) face.vertices.push_back(corner(i));
            m_faces.push_back(std::move(face));
        }
        m_radiusA = std::sqrt(3.0) * h;
    }

    /// Keeps the part with x·normal ≤ offset (normal of unit length).
    void clip(const Eigen::Vector3d& normal, double offsetA, int plane) {
        if (offsetA > m_radiusA + kOnPlaneA) return;
        std::vector<Face> kept;
        kept.reserve(m_faces.size() + 1);
        std::vector<Eigen::Vector3d> cap;
        bool cut = false;
        std::vector<double> d;
        for (Face& face : m_faces) {
            const std::size_t n = face.vertices.size();
            d.resize(n);
            bool anyOutside = false;
            for (std::size_t i = 0; i < n; ++i) {
                d[i] = face.vertices[i].dot(normal) - offsetA;
                anyOutside |= d[i] > kOnPlaneA;
            }
            if (!anyOutside) {
                for (std::size_t i = 0; i < n; ++i)
                    if (d[i] >= -kOnPlaneA) cap.push_back(face.vertices[i]);
                kept.push_back(std::move(face));
                continue;
            }
            cut = true;
            Face clipped{face.plane, {}};
            for (std::size_t i = 0; i < n; ++i) {
                const std::size_t next = (i + 1) % n;
                if (d[i] <= kOnPlaneA) {
                    clipped.vertices.push_back(face.vertices[i]);
                    if (d[i] >= -kOnPlaneA) cap.push_back(face.vertices[i]);
                }
                const bool crossesOut = d[i] < -kOnPlaneA && d[next] > kOnPlaneA;
                const bool crossesIn = d[i] > kOnPlaneA && d[next] < -kOnPlaneA;
                if (crossesOut || crossesIn) {
                    // Computed from the inside end whichever way the edge runs, so the two faces
                    // sharing the edge get the identical point.
                    const std::size_t in = crossesOut ? i : next, out = crossesOut ? next : i;
                    const double t = d[in] / (d[in] - d[out]);
                    const Eigen::Vector3d p =
                        face.vertices[in] + t * (face.vertices[out] - face.vertices[in]);
                    clipped.vertices.push_back(p);
                    cap.push_back(p);
                }
            }
            if (clipped.vertices.size() >= 3) kept.push_back(std::move(clipped));
        }
        m_faces = std::move(kept);
        if (!cut) return;
        addCap(std::move(cap), normal, plane);
        m_radiusA = 0;
        for (const Face& face : m_faces)
            for (const Eigen::Vector3d& v : face.vertices)
                m_radiusA = std::max(m_radiusA, v.norm());
    }

    const std::vector<Face>& faces() const { return m_faces; }
    /// Largest distance of a vertex from the centre (Å).
    double radiusA() const { return m_radiusA; }
    bool touchesBox() const {
        return std::any_of(m_faces.begin(), m_faces.end(),
                           [](const Face& f) { return f.plane == kBoxPlane; });
    }

private:
    /// The new face on the clipping plane: the distinct cut points in angular order.
    void addCap(std::vector<Eigen::Vector3d> points, const Eigen::Vector3d& normal, int plane) {
        std::vector<Eigen::Vector3d> distinct;
        for (const Eigen::Vector3d& p : points) {
            const bool seen =
                std::any_of(distinct.begin(), distinct.end(), [&](const Eigen::Vector3d& q) {
                    return (p - q).squaredNorm() < kOnPlaneA * kOnPlaneA;
                });
            if (!seen) distinct.push_back(p);
        }
        if (distinct.size() < 3) return;
        Eigen::Vector3d centroid = Eigen::Vector3d::Zero();
        for (const Eigen::Vector3d& p : distinct) centroid += p;
        centroid /= static_cast<double>(distinct.size());
        const Eigen::Vector3d helper =
            std::abs(normal.x()) < 0.9 ? Eigen::Vector3d::UnitX() : Eigen::Vector3d::UnitY();
        const Eigen::Vector3d e1 = normal.cross(helper).normalized();
        const Eigen::Vector3d e2 = normal.cross(e1);
        std::vector<std::pair<double, Eigen::Vector3d>> byAngle;
        byAngle.reserve(distinct.size());
        for (const Eigen::Vector3d& p : distinct) {
            const Eigen::Vector3d r = p - centroid;
            byAngle.emplace_back(std::atan2(r.dot(e2), r.dot(e1)), p);
        }
        std::sort(byAngle.begin(), byAngle.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        Face face{plane, {}};
        for (const auto& entry : byAngle) face.vertices.push_back(entry.second);
        m_faces.push_back(std::move(face));
    }

    std::vector<Face> m_faces;
    double m_radiusA = 0;
};

/// pymatgen's solid_angle(center, coords) with the centre at the origin: a fan of triangles
/// from the first vertex, each by the tetrahedron formula (Van Oosterom & Strackee). A
/// triangle of zero extent adds nothing (pymatgen would add 2π, but Qhull never hands it one).
double facetSolidAngle(const std::vector<Eigen::Vector3d>& r) {
    const double pi = std::numbers::pi;
    std::vector<double> norms(r.size());
    for (std::size_t i = 0; i < r.size(); ++i) norms[i] = r[i].norm();
    double angle = 0;
    for (std::size_t i = 1; i + 1 < r.size(); ++i) {
        const std::size_t j = i + 1;
        const double tp = std::abs(r[0].dot(r[i].cross(r[j])));
        const double de = norms[0] * norms[i] * norms[j] + norms[j] * r[0].dot(r[i]) +
                          norms[i] * r[0].dot(r[j]) + norms[0] * r[i].dot(r[j]);
        if (tp == 0 && de > 0) continue;
        double myAngle;
        if (de == 0)
            myAngle = tp > 0 ? 0.5 * pi : -0.5 * pi;
        else
            myAngle = std::atan(tp / de);
        angle += (myAngle > 0 ? myAngle : myAngle + pi) * 2;
    }
    return angle;
}

/// pymatgen's facet area: 3 · (volume of the pyramid from the centre) / (facet distance), the
/// pyramid split into the same fan of tetrahedra (vol_tetra).
double facetArea(const std::vector<Eigen::Vector3d>& v, double faceDistanceA) {
    double volume = 0;
    for (std::size_t i = 1; i + 1 < v.size(); ++i) {
        const Eigen::Vector3d& v4 = v[i + 1];
        volume += std::abs((Eigen::Vector3d::Zero() - v4).dot((v[0] - v4).cross(v[i] - v4))) / 6;
    }
    return 3 * volume / faceDistanceA;
}

/// Every site image within radiusA of the centre (the centre itself left out), nearest first.
std::vector<Candidate> candidatesWithin(const Lattice& lattice,
                                        const std::vector<Eigen::Vector3d>& wrappedFractional,
                                        const Eigen::Vector3d& centre, double radiusA) {
    const Eigen::Vector3d centreFrac = lattice.toFractional(centre);
    // A point within the radius differs from the centre by at most radius · |a*_k| in
    // fractional coordinate k.
    const Eigen::Vector3d reach = radiusA * lattice.reciprocalRows().rowwise().norm();
    const double limit = (radiusA + 1e-8) * (radiusA + 1e-8);
    // A degenerate (near-flat) cell puts millions of images within reach; refuse those.
    const double imagesPerSite = (2 * reach.array() + 2).prod();
    if (!(imagesPerSite * static_cast<double>(wrappedFractional.size()) <= kMaxImagesSearched))
        throw ValueError("The Voronoi search would test more than " +
                         std::to_string(kMaxImagesSearched) + " periodic images within " +
                         std::to_string(radiusA) + " Å: the cell is too thin or flat.");
    std::vector<Candidate> candidates;
    for (std::size_t j = 0; j < wrappedFractional.size(); ++j) {
        const Eigen::Vector3d& f = wrappedFractional[j];
        Eigen::Vector3i lo, hi;
        for (int k = 0; k < 3; ++k) {
            lo[k] = static_cast<int>(std::floor(centreFrac[k] - f[k] - reach[k]));
            hi[k] = static_cast<int>(std::ceil(centreFrac[k] - f[k] + reach[k]));
        }
        for (int a = lo[0]; a <= hi[0]; ++a)
            for (int b = lo[1]; b <= hi[1]; ++b)
                for (int c = lo[2]; c <= hi[2]; ++c) {
                    const Eigen::Vector3d p = lattice.toCartesian(f + Eigen::Vector3d(a, b, c));
                    const Eigen::Vector3d offset = p - centre;
                    const double squared = offset.squaredNorm();
                    if (squared > limit || squared < kSameSiteA * kSameSiteA) continue;
                    candidates.push_back(
                        {j, Eigen::Vector3i(a, b, c), p, offset, std::sqrt(squared)});
                }
    }
    std::sort(candidates.begin(), candidates.end(),
              [](const Candidate& x, const Candidate& y) { return x.distanceA < y.distanceA; });
    return candidates;
}

/// The cell of the origin among the candidates (nearest first), starting from a cube.
ConvexCell clipAll(const std::vector<Candidate>& candidates, double boxHalfWidthA) {
    ConvexCell cell(boxHalfWidthA);
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const double offset = 0.5 * candidates[i].distanceA;
        // Farther bisector planes lie beyond every vertex: the cell is final.
        if (offset > cell.radiusA() + kOnPlaneA) break;
        cell.clip(candidates[i].offsetA / candidates[i].distanceA, offset, static_cast<int>(i));
    }
    return cell;
}

/// The facets of a bounded cell, by neighbour distance; facets of zero extent left out.
std::vector<VoronoiFacet> facetsOf(const ConvexCell& cell,
                                   const std::vector<Candidate>& candidates) {
    std::vector<VoronoiFacet> facets;
    for (const Face& face : cell.faces()) {
        const Candidate& c = candidates[static_cast<std::size_t>(face.plane)];
        const double solidAngle = facetSolidAngle(face.vertices);
        const double area = facetArea(face.vertices, 0.5 * c.distanceA);
        if (!(solidAngle > 0) || !(area > 0)) continue;
        facets.push_back({c.site, c.image, c.positionA, c.distanceA, solidAngle, area});
    }
    std::sort(facets.begin(), facets.end(), [](const VoronoiFacet& x, const VoronoiFacet& y) {
        return x.distanceA < y.distanceA;
    });
    return facets;
}

}  // namespace

PeriodicVoronoi::PeriodicVoronoi(const Structure& structure) : m_structure(structure) {
    if (structure.size() == 0)
        throw ValueError("Voronoi cells need a structure with at least one site.");
    const Lattice& lattice = structure.lattice();
    for (const Site& site : structure.sites()) {
        if (!site.frac.allFinite())
            throw ValueError("Voronoi cells need finite coordinates; site " + site.label +
                             " has none.");
        // pymatgen searches images of np.mod(frac, 1) around the site as given.
        Eigen::Vector3d wrapped = site.frac.array() - site.frac.array().floor();
        m_wrappedFractional.push_back(wrapped);
        m_positions.push_back(lattice.toCartesian(site.frac));
    }
    // VoronoiNN's largest radius: the longest of the four cell diagonals, plus room for noise.
    for (const Eigen::Vector3d& corner : {Eigen::Vector3d(1, 1, 1), Eigen::Vector3d(-1, 1, 1),
                                          Eigen::Vector3d(1, -1, 1), Eigen::Vector3d(1, 1, -1)})
        m_maxCutoffA = std::max(m_maxCutoffA, lattice.toCartesian(corner).norm());
    m_maxCutoffA += 0.01;
}

std::vector<VoronoiFacet> PeriodicVoronoi::facets(std::size_t site, double searchCutoffA) const {
    if (site >= m_structure.size())
        throw ValueError("Site index " + std::to_string(site) +
                         " is out of range for a structure of " +
                         std::to_string(m_structure.size()) + " sites.");
    const Eigen::Vector3d centre = m_positions[site];

    // A first look within a small radius suffices when the cell it gives lies within half that
    // radius: every farther site's bisector plane then misses the cell.
    const double firstRadiusA = std::min(searchCutoffA, kFirstLookRadiusA);
    if (firstRadiusA < searchCutoffA) {
        const std::vector<Candidate> near =
            candidatesWithin(m_structure.lattice(), m_wrappedFractional, centre, firstRadiusA);
        const ConvexCell cell = clipAll(near, searchCutoffA);
        if (!cell.touchesBox() && 2 * (cell.radiusA() + kOnPlaneA) < firstRadiusA)
            return facetsOf(cell, near);
    }

    double cutoff = searchCutoffA;
    while (true) {
        const std::vector<Candidate> candidates =
            candidatesWithin(m_structure.lattice(), m_wrappedFractional, centre, cutoff);
        // A cell that keeps no face of the starting box is the cell of the points alone. If it
        // keeps one, look again with a far larger box: still touching means unbounded (Qhull's
        // infinite vertex); else clip once more in a box just around it, for precise vertices.
        ConvexCell cell = clipAll(candidates, cutoff);
        if (cell.touchesBox()) {
            cell = clipAll(candidates, 1e4 * std::max(cutoff, 1.0));
            if (!cell.touchesBox()) cell = clipAll(candidates, 2 * cell.radiusA() + 1);
        }
        if (!cell.touchesBox()) return facetsOf(cell, candidates);
        if (cutoff >= m_maxCutoffA)
            throw ValueError("The Voronoi cell of site " + std::to_string(site) +
                             " is unbounded even with every site within the cell diagonal (" +
                             std::to_string(m_maxCutoffA) +
                             " Å): the structure is too sparse or flat.");
        cutoff = std::min(cutoff * 2, m_maxCutoffA + 0.001);
    }
}

}  // namespace cw
