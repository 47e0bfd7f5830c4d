#pragma once
/// @file SMACT v2.2's element data behind CDVAE's compositional validity: Pauling
/// electronegativities, the metals list and the allowed oxidation states of Z = 1…103.
/// Compiled in from smact_tables.inc (resources/scripts/generate_smact_tables.py reads
/// resources/smact/, MIT licence). Values are SMACT's own, quirks included (Zr 0.33, no state 0).

#include <array>
#include <cmath>

namespace cw {

/// One element as SMACT v2.2 knows it.
struct SmactElement {
    static constexpr int kMaxStates = 10;  ///< Os and Ir list ten states
    int z;
    const char* symbol;
    double pauling;                      ///< Pauling electronegativity; NaN where SMACT has None
    bool metal;                          ///< in smact.metals (79 symbols)
    int stateCount;                      ///< 0 for He, Ne and Ar
    std::array<int, kMaxStates> states;  ///< allowed oxidation states, SMACT's file order

    bool hasPauling() const { return !std::isnan(pauling); }
};

/// Highest atomic number SMACT has data for (Lr).
inline constexpr int kSmactMaxAtomicNumber = 103;

/// The element with atomic number z, or nullptr outside 1…103 (SMACT raises for those).
/// Thread-safe (constant data).
const SmactElement* smactElement(int z);

}  // namespace cw
