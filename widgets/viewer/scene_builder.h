#pragma once
// Builds the VTK pieces of the crystal scene from engine data: instanced atom spheres
// (vtkGlyph3DMapper: one sphere source drawn once per atom, so a 20,000-atom supercell is a
// single draw call), bonds, unit-cell edges and the translucent plane quad.

#include <vtkSmartPointer.h>
#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <vector>

#include "crystal/structure.h"
#include "ecd/plane.h"

class vtkActor;
class vtkPolyData;
class vtkSphereSource;

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
/// sites in order within a cell. Repeats are clamped to 1…5.
std::vector<DisplayedAtom> displayedAtoms(const Structure& structure,
                                          const std::array<int, 3>& repeats);

/// Points with "radius" (float) and "color" (RGB bytes) point arrays, one point per atom, as the
/// input of a glyph mapper. `radiusFactor` scales every radius (1 for the atoms; > 1 for
/// highlight shells).
vtkSmartPointer<vtkPolyData> atomPoints(const std::vector<DisplayedAtom>& atoms,
                                        double radiusFactor = 1.0);

/// The unit sphere every atom glyph instances; `resolution` is its theta resolution (phi ¾ of
/// it).
vtkSmartPointer<vtkSphereSource> makeSphereSource(int resolution);
/// Sets a sphere source's resolution as makeSphereSource does.
void setSphereResolution(vtkSphereSource* sphere, int resolution);

/// An actor drawing a copy of `sphere` per point of `points` (scaled by "radius", coloured by
/// "color") through a vtkGlyph3DMapper.
vtkSmartPointer<vtkActor> makeSphereActor(vtkPolyData* points, vtkSphereSource* sphere);

/// An actor drawing a sphere per point of `points` (scaled by "radius", coloured by "color")
/// through a vtkGlyph3DMapper; `resolution` is the sphere's theta resolution.
vtkSmartPointer<vtkActor> makeSphereActor(vtkPolyData* points, int resolution = 16);

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
