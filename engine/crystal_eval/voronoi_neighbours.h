#pragma once
/// @file The Voronoi cell of one site of a periodic structure and its facets, as pymatgen's
/// VoronoiNN.get_voronoi_polyhedra reports them (pymatgen 2022.11.7; spec:
/// docs/spec/crystal-generation.md §4). pymatgen tessellates every site within a search radius
/// with Qhull; the cell of one point among others is the intersection of the half-spaces on
/// its side of each bisector plane, so here a convex polytope is clipped by those planes,
/// nearest neighbour first, which gives the same cell without a tessellation library.

#include <Eigen/Core>

#include <cstddef>
#include <vector>

#include "crystal/structure.h"

namespace cw {

/// One facet of a site's Voronoi cell: the neighbour image that shares it and its geometry.
struct VoronoiFacet {
    std::size_t siteIndex = 0;  ///< the neighbour's site in the structure
    Eigen::Vector3i image =
        Eigen::Vector3i::Zero();  ///< lattice translation of its wrapped position
    Eigen::Vector3d positionA = Eigen::Vector3d::Zero();  ///< Cartesian position of that image (Å)
    double distanceA = 0;                                 ///< centre–neighbour distance (Å)
    double solidAngleSr = 0;  ///< solid angle the facet subtends at the centre (sr)
    double areaA2 = 0;  ///< facet area (Å²), pymatgen's 3 · (pyramid volume) / (facet distance)
};

/// Voronoi cells of the sites of one structure. Holds a copy of the wrapped positions; const
/// members are thread-safe.
class PeriodicVoronoi {
public:
    /// Throws ValueError for an empty structure or non-finite coordinates.
    explicit PeriodicVoronoi(const Structure& structure);

    /// The facets of site `site`'s cell, with pymatgen's search: the cell of the site among all
    /// site images within `searchCutoffA` Å; while the cell is unbounded (the site on the hull of
    /// those points, where Qhull reports an infinite vertex) the radius doubles, up to the
    /// longest cell diagonal + 0.01 Å. Facets of zero area (a bisector plane that only touches
    /// the cell, which Qhull does not report either) are left out. Order: by neighbour distance.
    /// Throws ValueError when the cell is still unbounded at the largest radius, or for a site
    /// index out of range.
    std::vector<VoronoiFacet> facets(std::size_t site, double searchCutoffA = 7.0) const;

    const Structure& structure() const { return m_structure; }
    /// Cartesian position (Å) of site i as given (not wrapped): pymatgen's `site.coords`.
    const Eigen::Vector3d& position(std::size_t i) const { return m_positions[i]; }

private:
    Structure m_structure;
    std::vector<Eigen::Vector3d> m_wrappedFractional;
    std::vector<Eigen::Vector3d> m_positions;
    double m_maxCutoffA = 0;
};

}  // namespace cw
