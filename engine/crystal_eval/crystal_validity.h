#pragma once
/// @file Structural and compositional validity of generated crystals together, one at a time or
/// in batches on all cores (docs/spec/crystal-generation.md, sections 1 and 2).

#include <string>
#include <vector>

#include "crystal_eval/composition_validity.h"
#include "crystal_eval/generated_crystal.h"
#include "crystal_eval/structural_validity.h"

namespace cw {

/// Both verdicts on one crystal, with the numbers CDVAE reports beside them.
struct CrystalValidity {
    StructuralValidity structural;
    CompositionValidity composition;
    /// Mass over cell volume (g/cm³) with pymatgen's atomic masses; NaN when no cell could be
    /// built (structural reasons nan_value … construction_raises_exception, no_atoms).
    double densityGPerCm3 = 0;
    int elementCount = 0;  ///< distinct elements

    /// Structurally and compositionally valid. CDVAE's `valid` also needs both fingerprints
    /// (section 4), which are computed elsewhere.
    bool valid() const { return structural.valid && composition.valid; }
    /// "" when valid(); else the structural reason's name when the structure is invalid, else
    /// "composition".
    std::string reason() const;
};

/// Both verdicts on one crystal (structuralValidity, compositionValidity of its sites).
/// Thread-safe; does not throw.
CrystalValidity crystalValidity(const GeneratedCrystal& crystal);

/// The same for many crystals on `threads` threads (≤ 0: all cores), in input order.
/// Thread-safe; does not throw (except std::bad_alloc).
std::vector<CrystalValidity> crystalValidity(const std::vector<GeneratedCrystal>& crystals,
                                             int threads = 0);

}  // namespace cw
