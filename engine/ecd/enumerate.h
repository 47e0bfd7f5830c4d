#pragma once
/// @file Which slices a data set takes from a structure (docs/spec/ecd-slices.md "Enumeration"): all
/// ordered triples of distinct sites, N·(N−1)·(N−2) (the report's n!/(n−3)!), minus the
/// collinear ones; optionally without exact duplicates; optionally capped by a reproducible
/// uniform random sample.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include "ecd/plane.h"
#include "ecd/slicer.h"

namespace cw {

/// Options of enumerateSlices.
struct EnumerationOptions {
    /// At most this many triples per structure, sampled uniformly without replacement; nullopt
    /// keeps all.
    std::optional<std::size_t> maxPerStructure;
    /// Seed of the sample (see sampleIndices); combine with the structure's index through
    /// structureSeed so that each structure gets its own reproducible sample.
    std::uint64_t seed = 0;
    /// Drop triples that give exactly the same image as an earlier one (see planeKey).
    bool dropDuplicates = false;
};

/// Every ordered triple (i, j, k) of distinct sites with zero translations whose positions are
/// not collinear (spec rule), in lexicographic order. `slicer` supplies the (scaled) structure;
/// collinearity does not depend on the isotropic scaling. Thread-safe.
std::vector<PickTriple> enumerateTriples(const Slicer& slicer);

/// enumerateTriples, then duplicate removal (the first of each duplicate group is kept), then the
/// cap: when more than maxPerStructure triples remain, sampleIndices(remaining, cap, seed) picks
/// which, returned in enumeration order. Thread-safe.
std::vector<PickTriple> enumerateSlices(const Slicer& slicer,
                                        const EnumerationOptions& options = {});

/// The duplicate key of a triple's slice, per the spec: the same normal up to sign, the same e₁
/// and the same centre modulo lattice translations (which also fixes the plane offset) give the
/// same image. Components are quantised to 1e-6 (n, e₁; with n's sign made canonical) and the
/// fractional centre to 1e-6 modulo 1. Thread-safe.
std::array<long long, 9> planeKey(const Slicer& slicer, const PickTriple& picks);

/// A uniform integer in [0, n) from a 64-bit Mersenne Twister by plain rejection sampling: draws
/// x until x < 2⁶⁴ − (2⁶⁴ mod n), returns x mod n. Defined here rather than with
/// std::uniform_int_distribution, whose output differs between standard libraries.
/// Throws ValueError for n = 0.
std::uint64_t uniformBelow(std::mt19937_64& rng, std::uint64_t n);

/// `k` distinct indices of [0, n), uniformly, sorted ascending: std::mt19937_64 seeded with
/// `seed`, then a partial Fisher–Yates shuffle (for i in 0…k−1: swap a[i] with
/// a[i + uniformBelow(n − i)]), then the first k sorted. All of [0, n) when k ≥ n. Reproducible
/// on every platform. Thread-safe.
std::vector<std::size_t> sampleIndices(std::size_t n, std::size_t k, std::uint64_t seed);

/// Seed of structure number `index` in a collection, from the run's seed: SplitMix64 of
/// seed ⊕ SplitMix64(index) (Steele, Lea & Flood 2014), so neighbouring structures get unrelated
/// streams. Thread-safe.
std::uint64_t structureSeed(std::uint64_t seed, std::uint64_t index);

}  // namespace cw
