#pragma once
// Builds the VTK pieces of the crystal scene from engine data: atom spheres, bonds, unit-cell
// edges and the translucent plane quad. Atoms are sphere impostors (vtkOpenGLSphereMapper: one
// point per atom, expanded to a screen-aligned quad whose fragments ray-cast the exact sphere and
// write its depth), so a 20,000-atom supercell is 20,000 points rather than millions of
// triangles: software GL (llvmpipe under Xvfb) draws it in tens of milliseconds, and spheres stay
// round at any export resolution.

#include <vtkSmartPointer.h>
#include <Eigen/Core>
#include <array>
#include <map>
#include <cstdint>
#include <vector>

#include "crystal/structure.h"
#include "ecd/plane.h"

class vtkActor;
class vtkPolyData;

namespace cw {

/// One atom as displayed: an image of `site` under lattice `translation` (a Pick), at
/// `position` = (frac + translation)·L in Cartesian Å.
struct DisplayedAtom {
    int site = 0;
    Eigen::Vector3i translation = Eigen::Vector3i::Zero();
    Eigen::Vector3d position = Eigen::Vector3d::Zero();
    double radius = 0.5;  ///< display radius (Å)
    std::array<std::uint8_t, 3> color{};
};

/// Radius of a displayed sphere: this fraction of the covalent radius.
inline constexpr double kAtomRadiusScale = 0.45;

/// The atoms of an na × nb × nc block of cells: every site wrapped into its cell [0, 1)³ and
/// repeated, with the translation that makes each one a Pick of the original structure
/// (fractional coordinates are not wrapped in the Structure). Order: cell by cell (a fastest),
/// sites in order within a cell. Repeats are clamped to 1…5. Colours from `colors` (by Z), else
/// the element table's Jmol colour.
std::vector<DisplayedAtom> displayedAtoms(const Structure& structure,
                                          const std::array<int, 3>& repeats,
                                          const std::map<int, std::array<std::uint8_t, 3>>& colors = {});

/// Points with "radius" (float) and "color" (RGB bytes) point arrays, one point per atom, as the
/// input of a sphere mapper. `radiusFactor` scales every radius (1 for the atoms; > 1 for
/// highlight shells).
vtkSmartPointer<vtkPolyData> atomPoints(const std::vector<DisplayedAtom>& atoms,
                                        double radiusFactor = 1.0);

/// An actor drawing an exact sphere per point of `points` (radius from "radius" in Å, colour
/// from "color"), as impostors.
vtkSmartPointer<vtkActor> makeSphereActor(vtkPolyData* points);

/// Bond lines between atoms closer than (r₁ + r₂)·tolerance (covalent radii), among the given
/// atoms only (no bonds across the displayed block's border). Grid binning: O(N).
vtkSmartPointer<vtkPolyData> bondLines(const std::vector<DisplayedAtom>& atoms,
                                       const Structure& structure, double tolerance = 1.15);

/// The edges of every unit cell of the na × nb × nc block.
vtkSmartPointer<vtkPolyData> cellEdges(const Lattice& lattice, const std::array<int, 3>& repeats);

/// A square of side `side` (Å) centred on the frame's centre, spanned by e₁ and e₂.
vtkSmartPointer<vtkPolyData> planeQuad(const PlaneFrame& frame, double side);

/// The part of that square inside the displayed na × nb × nc block of cells (a convex polygon,
/// exact: the square clipped by the block's six faces), empty when they do not meet.
vtkSmartPointer<vtkPolyData> planeInBlock(const PlaneFrame& frame, double side,
                                          const Lattice& lattice,
                                          const std::array<int, 3>& repeats);

}  // namespace cw
