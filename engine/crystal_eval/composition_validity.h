#pragma once
/// @file Compositional validity of a generated crystal: CDVAE's `smact_validity` with SMACT v2.2
/// (docs/spec/crystal-generation.md, section 2), rule for rule, data quirks included.

#include <cstdint>
#include <string_view>
#include <vector>

namespace cw {

/// The rule that decided, named as in the reference data.
enum class CompositionRule {
    SingleElement,  ///< "single_element": one distinct element is always valid
    AllMetals,      ///< "all_metals": every element is in smact.metals
    ChargeBalance,  ///< "charge_balance": a neutral assignment passes the Pauling test
    None,           ///< "none": invalid
};

/// "single_element", "all_metals", "charge_balance" or "none".
std::string_view compositionRuleName(CompositionRule rule);

/// The verdict and the composition it was taken on.
struct CompositionValidity {
    bool valid = false;
    CompositionRule rule = CompositionRule::None;
    std::vector<int> elements;         ///< distinct atomic numbers, ascending (CDVAE's order)
    std::vector<std::int64_t> counts;  ///< their counts divided by the gcd of all counts
    /// For ChargeBalance: the first assignment (one state per element, same order as
    /// `elements`) that is neutral and passes the Pauling test, in itertools.product order
    /// (first element outermost, each element's states in SMACT's file order). Empty otherwise.
    std::vector<int> witnessOxidationStates;
};

/// CDVAE `smact_validity` on the elements and counts (any order, any common factor).
/// Steps: sort by ascending Z and divide the counts by their gcd; an element outside 1…103
/// (SMACT has no data; CDVAE would crash) makes the composition invalid; one distinct element
/// is valid; all elements metals is valid; otherwise valid iff some assignment of one oxidation
/// state per element has Σ ox·n = 0 and passes SMACT's `eneg_states_test` as CDVAE runs it
/// (a missing Pauling value on an opposite-sign pair raises TypeError, which counts as a pass;
/// on a same-sign pair it fails). The search prunes with the exact set of reachable charge sums
/// and, when every Pauling value is known, with the cation/anion split that the Pauling test
/// allows, so it stays fast for ten or more elements. An empty composition is invalid.
/// Thread-safe. Throws ValueError if the sizes differ, a count is outside 1…2^40 or an element
/// repeats.
CompositionValidity compositionValidity(const std::vector<int>& elements,
                                        const std::vector<std::int64_t>& counts);

/// Same from one atomic number per site (the way a generated crystal lists its atoms).
/// Thread-safe; does not throw.
CompositionValidity compositionValidity(const std::vector<int>& siteAtomicNumbers);

}  // namespace cw
