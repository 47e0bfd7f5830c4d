#pragma once
/// @file A crystal as a generative model emits it: six lattice parameters, one element and one
/// fractional position per site; no oxidation states, no partial occupancies
/// (docs/spec/crystal-generation.md). Values may be anything a model produces, NaN included.

#include <Eigen/Core>

#include <string>
#include <vector>

#include "crystal/structure.h"

namespace cw {

/// Plain value type; the validity checks accept any content.
struct GeneratedCrystal {
    std::string id;
    double lengthsA[3] = {0, 0, 0};     ///< a, b, c in Å
    double anglesDeg[3] = {0, 0, 0};    ///< α = ∠(b,c), β = ∠(a,c), γ = ∠(a,b) in degrees
    std::vector<int> atomicNumbers;     ///< one per site
    std::vector<Eigen::Vector3d> frac;  ///< fractional coordinates, one per site, not wrapped
};

/// The structure CDVAE builds: Lattice::fromParameters (pymatgen's from_parameters) and the
/// sites as given (occupancy 1, no labels), id copied. Thread-safe. Throws ValueError for
/// unequal numbers of elements and positions, an atomic number outside 1…118, a non-finite
/// coordinate, or parameters that give no cell (a length ≤ 0, non-finite values, |det| < 1e-8 Å³:
/// fromParameters refuses the flat cells that pymatgen builds).
Structure toStructure(const GeneratedCrystal& crystal);

/// The crystal of a structure: its lattice parameters (the orientation is dropped, as when a
/// model emits the crystal), each site's element and fractional coordinates, its id.
/// Occupancies are ignored (a generated crystal has none). Thread-safe; does not throw.
GeneratedCrystal toGeneratedCrystal(const Structure& structure);

}  // namespace cw
