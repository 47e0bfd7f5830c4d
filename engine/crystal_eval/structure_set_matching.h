#pragma once
/// @file Uniqueness and novelty of generated crystals with the structure matcher
/// (docs/spec/crystal-generation.md §3): MatterGen's get_unique and OrderedDatasetMatcher. Each
/// structure is reduced once; pairs are only tried within buckets of equal composition and
/// reduced site count (fit is false across buckets); work runs on all cores.

#include <optional>
#include <vector>

#include "crystal/structure.h"
#include "crystal_eval/structure_matcher.h"

namespace cw {

/// reduceForMatching for every structure on `threads` threads (≤ 0: all cores). A structure
/// that cannot be reduced (no sites, partial occupancy, degenerate cell) gives nullopt: it is
/// neither unique nor novel. Order is kept. Throws nothing.
std::vector<std::optional<ReducedStructure>> reduceAllForMatching(
    const std::vector<Structure>& structures, int threads = 0);

/// For each query i: true iff fit(queries[i], t) holds for some t in `reference` (only t of the
/// same composition key and site count are tried; nullopt entries never match). Novelty is
/// "reduced and not matched" (novelFlags). Thread-safe; throws nothing.
std::vector<bool> matchesAnyOf(const std::vector<std::optional<ReducedStructure>>& queries,
                               const std::vector<std::optional<ReducedStructure>>& reference,
                               const MatcherTolerances& tolerances = {}, int threads = 0);

/// MatterGen's novelty (OrderedDatasetMatcher): crystal i is novel iff it was reduced and
/// fit(crystal i, t) is false for every training crystal t. Novel rate = #true / n.
std::vector<bool> novelFlags(const std::vector<std::optional<ReducedStructure>>& generated,
                             const std::vector<std::optional<ReducedStructure>>& training,
                             const MatcherTolerances& tolerances = {}, int threads = 0);

/// MatterGen's uniqueness (get_unique): walking the crystals in input order, crystal i is unique
/// iff it was reduced and fit(crystal i, r) is false for every representative r kept so far in
/// its group; it then becomes a representative. Matching is neither symmetric nor transitive, so
/// the order matters; the answer equals that sequential walk exactly (the parallel schedule only
/// changes which fits are evaluated). Unique rate = #true / n. Thread-safe; throws nothing.
std::vector<bool> uniqueFlags(const std::vector<std::optional<ReducedStructure>>& generated,
                              const MatcherTolerances& tolerances = {}, int threads = 0);

}  // namespace cw
