#pragma once
/// @file Synthetic electron-charge-density (ECD) slices: Gaussian blobs of the atoms that lie on
/// the plane of three picked atoms, exactly as docs/spec/ecd-slices.md specifies (geometry, reach
/// rule, raster, metadata). Method: Sood 2024 §3.3.1, made precise by that page.

#include <Eigen/Core>
#include <optional>
#include <string>
#include <vector>

#include "core/image.h"
#include "crystal/structure.h"
#include "ecd/plane.h"

namespace cw {

/// Blob amplitude: every atom 1.0, or Z / (largest Z of the structure).
enum class AmplitudeMode { Uniform, AtomicNumber };

/// "uniform" / "z".
const char* amplitudeName(AmplitudeMode mode);
/// Parses "uniform" or "z". Throws ConfigError naming the choices.
AmplitudeMode parseAmplitude(const std::string& name);

/// Parameters of a slice, with the spec's defaults. Lengths in Å.
struct SliceParameters {
    /// Scale the lattice isotropically so that V/N equals this (Å³); nullopt = "off" (keep the
    /// cell).
    std::optional<double> volumePerAtom = 1.0;
    double tolerance = 0.1;  ///< keep atoms with |distance to the plane| ≤ this (Å)
    double window = 40.0;    ///< side of the square crop in the plane (Å)
    int size = 256;          ///< image side (pixels); pixel pitch = window / size
    double sigma = 0.25;     ///< Gaussian standard deviation of each blob (Å)
    AmplitudeMode amplitude = AmplitudeMode::Uniform;

    double pitch() const { return window / size; }
    /// Distance from the centre within which atoms can matter: √2·(window/2 + 3σ) + tolerance.
    double reach() const;
    /// Throws ConfigError for a non-positive or non-finite value, or a size above 16384.
    void validate() const;

    bool operator==(const SliceParameters&) const = default;
};

/// Parameters as a JSON object text: {"volume_per_atom": 1.0 | "off", "tolerance", "window",
/// "size", "sigma", "amplitude": "uniform" | "z"}.
std::string sliceParametersToJson(const SliceParameters& parameters);
/// Parameters from such a JSON object; missing keys keep their defaults. Throws ConfigError for
/// malformed JSON, unknown keys or bad values.
SliceParameters sliceParametersFromJson(const std::string& json);

/// One atom kept for a slice: |w| ≤ tolerance and |u|, |v| ≤ window/2 + 3σ.
struct SliceAtom {
    int site = 0;
    Eigen::Vector3i translation = Eigen::Vector3i::Zero();
    double u = 0, v = 0, w = 0;  ///< plane coordinates (Å) relative to the centre
    double amplitude = 1.0;
    bool inWindow = false;  ///< |u| ≤ window/2 and |v| ≤ window/2: counted in atomsInWindow
};

/// What every slice carries (docs/spec/ecd-slices.md "Metadata").
struct SliceMetadata {
    std::string materialId;
    PickTriple picks;
    PlaneFrame frame;  ///< normal n, e₁, e₂, centre c (Cartesian, Å, in the scaled cell)
    SliceParameters parameters;
    int atomsInWindow = 0;  ///< kept atoms with |u|, |v| ≤ window/2: the blob-count ground truth
    int atomsKept = 0;      ///< kept atoms, border blobs included
    Eigen::Matrix3d lattice = Eigen::Matrix3d::Identity();  ///< rows a, b, c after scaling (Å)
};

/// Metadata as one JSON object text: material_id, picks [{site, translation}], normal, e1, e2,
/// centre, parameters, atoms_in_window, atoms_kept, pixel_pitch, lattice.
std::string sliceMetadataToJson(const SliceMetadata& metadata);

/// A slice: the float32 image in [0, 1] (size × size, row 0 at the top, u to the right, v up),
/// its metadata and the kept atoms.
struct SliceResult {
    Image image;
    SliceMetadata metadata;
    std::vector<SliceAtom> atoms;
};

/// Slices one structure with fixed parameters. Construction does the per-structure work once
/// (volume normalisation, amplitudes, reciprocal rows); slice() may then be called with many
/// pick triples from many threads at once (every member is const and allocation is per call).
///
/// Cost: the kept atoms are found per site by walking the lattice translations of two axes
/// within the reach and solving the third from |w| ≤ tolerance, so the work grows with the
/// plane's atoms rather than with the supercell's volume; blobs are drawn as separable 1-D
/// Gaussian tables over a box where exp(…) ≥ 1e-10 (below the spec's float32 resolution).
class Slicer {
public:
    /// Throws ValueError for an empty structure or a degenerate cell, ConfigError for bad
    /// parameters.
    explicit Slicer(const Structure& structure, const SliceParameters& parameters = {});

    /// The slice of the plane through the three picks. Throws ValueError for a site index out of
    /// range, coincident or collinear picks. Thread-safe.
    SliceResult slice(const PickTriple& picks) const;

    /// The frame alone (cheap). Throws as slice(). Thread-safe.
    PlaneFrame frame(const PickTriple& picks) const;

    /// The kept atoms and counts without drawing (metadata of a slice; image left empty).
    SliceResult findAtoms(const PickTriple& picks) const;

    /// The structure after volume normalisation (the cell every position refers to).
    const Structure& structure() const { return m_structure; }
    const SliceParameters& parameters() const { return m_parameters; }

private:
    void draw(SliceResult& result) const;

    Structure m_structure;
    SliceParameters m_parameters;
    std::vector<double> m_amplitudes;
    Eigen::Matrix3d m_reciprocal;  ///< rows of L⁻ᵀ (1/Å)
};

/// One-call convenience: Slicer(structure, parameters).slice(picks). Throws as both.
SliceResult sliceStructure(const Structure& structure, const PickTriple& picks,
                           const SliceParameters& parameters = {});

}  // namespace cw
