#pragma once
/// @file The periodic table: symbols, names, masses, electronegativities, covalent radii and
/// display colours for Z = 1…118. Data and sources: resources/scripts/generate_element_table.py.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace cw {

/// Fixed data of one chemical element.
struct ElementInfo {
    int z;
    const char* symbol;
    const char* name;
    double massU;               ///< standard atomic mass (u), pymatgen's values
    double electronegativity;   ///< Pauling; NaN where none is defined (He, Ne, Ar…)
    double covalentRadiusA;     ///< Cordero 2008 (Å); 1.50 Å estimated beyond Cm
    bool covalentRadiusEstimated;
    std::array<std::uint8_t, 3> colorRgb;  ///< Jmol CPK colour
};

inline constexpr int kMaxAtomicNumber = 118;

/// The element with atomic number z. Throws ValueError if z is outside 1…118. Thread-safe.
const ElementInfo& element(int z);

/// Atomic number of an element symbol, case-insensitive ("Fe", "FE", "fe"), optionally followed
/// by an oxidation state ("Fe2+", "O2-", "Fe3"). Returns nullopt for anything else ("X",
/// "Dummy", "Fe_a"). Thread-safe.
std::optional<int> findAtomicNumber(std::string_view symbol);

/// Atomic number guessed from a CIF site label such as "Fe1a" or "OW2": the first two letters
/// if they form a symbol, else the first letter. Returns nullopt when neither does.
std::optional<int> atomicNumberFromLabel(std::string_view label);

/// Like findAtomicNumber but throws ValueError naming the symbol when none matches.
int atomicNumber(std::string_view symbol);

}  // namespace cw
