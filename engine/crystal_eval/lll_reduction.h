#pragma once
/// @file pymatgen's LLL lattice reduction (Lattice._calculate_lll, δ = 0.75), ported step for
/// step so that the reduced basis — and everything the structure matcher derives from it (Niggli
/// cells, periodic image searches) — is the one pymatgen uses.

#include <Eigen/Core>

namespace cw {

/// An LLL-reduced basis and the integer matrix that produces it.
struct LllReduction {
    Eigen::Matrix3d rows;     ///< reduced basis vectors as rows, Å
    Eigen::Matrix3d mapping;  ///< integer-valued, |det| = 1: rows = mapping · input rows
};

/// Lenstra–Lenstra–Lovász reduction of the basis `rows` (a, b, c as rows, Å) exactly as
/// pymatgen 2022.11.7 performs it (Gram–Schmidt in column form, size reduction with
/// round-half-to-even, Lovász condition with `delta`). Fractional coordinates f in the input
/// basis become f · mapping⁻¹ in the reduced one. Thread-safe; throws nothing (a singular basis
/// gives non-finite numbers, so callers pass real lattices).
LllReduction lllReduce(const Eigen::Matrix3d& rows, double delta = 0.75);

}  // namespace cw
