#include "ecd/enumerate.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>

#include "core/error.h"

namespace cw {
namespace {

constexpr double kKeyScale = 1e6;

std::uint64_t splitMix64(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

}  // namespace

std::vector<PickTriple> enumerateTriples(const Slicer& slicer) {
    const Structure& s = slicer.structure();
    const int n = static_cast<int>(s.size());
    std::vector<Eigen::Vector3d> positions(n);
    for (int i = 0; i < n; ++i) positions[i] = s.cartesian(static_cast<std::size_t>(i));
    std::vector<PickTriple> triples;
    if (n >= 3) triples.reserve(static_cast<std::size_t>(n) * (n - 1) * (n - 2));
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < n; ++j) {
            if (j == i) continue;
            for (int k = 0; k < n; ++k) {
                if (k == i || k == j) continue;
                if (areCollinear(positions[i], positions[j], positions[k])) continue;
                PickTriple t;
                t[0].site = i;
                t[1].site = j;
                t[2].site = k;
                triples.push_back(t);
            }
        }
    }
    return triples;
}

std::array<long long, 9> planeKey(const Slicer& slicer, const PickTriple& picks) {
    const PlaneFrame f = slicer.frame(picks);
    std::array<long long, 9> key{};
    for (int i = 0; i < 3; ++i) key[i] = std::llround(f.normal[i] * kKeyScale);
    // n and −n are the same plane: make the first non-zero component positive.
    for (int i = 0; i < 3; ++i) {
        if (key[i] == 0) continue;
        if (key[i] < 0)
            for (int j = 0; j < 3; ++j) key[j] = -key[j];
        break;
    }
    for (int i = 0; i < 3; ++i) key[3 + i] = std::llround(f.e1[i] * kKeyScale);
    const Eigen::Vector3d fc = slicer.structure().lattice().toFractional(f.centre);
    const long long period = static_cast<long long>(kKeyScale);
    for (int i = 0; i < 3; ++i) {
        // Quantise before wrapping, so that 0.9999999 and 0.0000001 land on the same key.
        const long long q = std::llround(fc[i] * kKeyScale);
        key[6 + i] = ((q % period) + period) % period;
    }
    return key;
}

std::vector<PickTriple> enumerateSlices(const Slicer& slicer, const EnumerationOptions& options) {
    std::vector<PickTriple> triples = enumerateTriples(slicer);
    if (options.dropDuplicates) {
        std::set<std::array<long long, 9>> seen;
        std::vector<PickTriple> unique;
        unique.reserve(triples.size());
        for (const PickTriple& t : triples) {
            if (seen.insert(planeKey(slicer, t)).second) unique.push_back(t);
        }
        triples = std::move(unique);
    }
    if (options.maxPerStructure && triples.size() > *options.maxPerStructure) {
        const std::vector<std::size_t> chosen =
            sampleIndices(triples.size(), *options.maxPerStructure, options.seed);
        std::vector<PickTriple> sampled;
        sampled.reserve(chosen.size());
        for (std::size_t i : chosen) sampled.push_back(triples[i]);
        triples = std::move(sampled);
    }
    return triples;
}

std::uint64_t uniformBelow(std::mt19937_64& rng, std::uint64_t n) {
    if (n == 0) throw ValueError("uniformBelow: empty range");
    // 2⁶⁴ mod n computed as (2⁶⁴ − n) mod n in 64-bit arithmetic.
    const std::uint64_t remainder = (0 - n) % n;
    const std::uint64_t limit =
        std::numeric_limits<std::uint64_t>::max() - remainder;  // accept x ≤ limit
    std::uint64_t x;
    do {
        x = rng();
    } while (x > limit);
    return x % n;
}

std::vector<std::size_t> sampleIndices(std::size_t n, std::size_t k, std::uint64_t seed) {
    std::vector<std::size_t> a(n);
    std::iota(a.begin(), a.end(), std::size_t{0});
    if (k >= n) return a;
    std::mt19937_64 rng(seed);
    for (std::size_t i = 0; i < k; ++i) {
        const std::size_t j = i + static_cast<std::size_t>(uniformBelow(rng, n - i));
        std::swap(a[i], a[j]);
    }
    a.resize(k);
    std::sort(a.begin(), a.end());
    return a;
}

std::uint64_t structureSeed(std::uint64_t seed, std::uint64_t index) {
    return splitMix64(seed ^ splitMix64(index));
}

}  // namespace cw
