#pragma once
/// @file VASP volumetric files (CHGCAR, and AECCAR0/1/2, ELFCAR, LOCPOT: the same layout) and
/// real charge-density slices on the plane of three picks (docs/spec/ecd-slices.md "Real charge density").
///
/// Layout (VASP wiki, "CHGCAR"): a POSCAR header (comment, scale, three lattice rows, species
/// symbols (VASP 5) and counts, "Direct"/"Cartesian", positions), a blank line, "Nx Ny Nz", then
/// Nx·Ny·Nz values with x fastest, five per line. A CHGCAR's values are ρ·V_cell. Augmentation
/// occupancies may follow; a spin-polarised file then holds a second "Nx Ny Nz" block
/// (magnetisation density, same scaling), possibly after per-atom moments.

#include <Eigen/Core>
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crystal/structure.h"
#include "ecd/slicer.h"

namespace cw {

/// Values on a periodic grid over the unit cell: value(i, j, k) sits at fractional position
/// (i/Nx, j/Ny, k/Nz), stored at index i + Nx·(j + Ny·k) (x fastest, the file's order).
/// Value type; const members are thread-safe.
struct VolumetricGrid {
    std::array<int, 3> dims{0, 0, 0};
    std::vector<double> values;

    std::size_t pointCount() const { return values.size(); }
    /// The value at grid indices taken modulo the dims (any integers).
    double at(long i, long j, long k) const;
    /// Periodic trilinear interpolation at a fractional position (any real numbers): exact at
    /// grid points, linear along each axis between them.
    double interpolate(const Eigen::Vector3d& frac) const;
    /// Σ values / point count: for a CHGCAR, the number of electrons in the cell (∫ρ dV).
    double mean() const;
};

/// A parsed volumetric file.
struct ChgcarData {
    Structure structure;   ///< the header's structure (id: the file name)
    VolumetricGrid total;  ///< first block (CHGCAR: ρ·V_cell, total density)
    std::optional<VolumetricGrid> magnetization;  ///< second block of spin-polarised files
};

/// Reads a CHGCAR-format file (plain, .gz or .bz2). Throws IoError, FormatError (file, line,
/// reason) for a malformed header, unknown species, or a short grid; ValueError via Lattice.
ChgcarData readChgcar(const std::string& path);

/// Parses CHGCAR text; `sourceName` names it in errors and becomes the structure's id.
ChgcarData parseChgcar(std::string_view text, const std::string& sourceName);

/// Which block a real slice samples.
enum class ChgcarBlock { Total, Magnetization };

/// Options of a real slice.
struct RealSliceOptions {
    ChgcarBlock block = ChgcarBlock::Total;
    /// Divide the values by V_cell (the spec's ρ = value / V_cell, e/Å³, for CHGCAR and AECCAR);
    /// false samples the stored values as they are (ELFCAR, LOCPOT).
    bool divideByVolume = true;
};

/// The real slice on the plane of three picks in the file's own cell (no volume
/// normalisation; `parameters.volumePerAtom` is ignored): the block sampled by periodic
/// trilinear interpolation at each pixel centre c + x·e₁ + y·e₂, with x, y as in the synthetic
/// raster (row 0 at the top). Not clamped: the image holds ρ in e/Å³ (or the raw values).
/// The metadata (frame, atoms_in_window with the given tolerance and window) are those of the
/// synthetic slice of the same structure with volume_per_atom off. Throws ValueError for bad or
/// collinear picks or a missing magnetisation block, ConfigError for bad parameters.
/// Thread-safe.
SliceResult sliceChgcar(const ChgcarData& data, const PickTriple& picks,
                        const SliceParameters& parameters = {},
                        const RealSliceOptions& options = {});

}  // namespace cw
