#include "crystal_eval/structure_set_matching.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "core/error.h"
#include "core/parallel.h"

namespace cw {
namespace {

using ReducedList = std::vector<std::optional<ReducedStructure>>;

// Pairs can only match within one composition and one reduced site count.
std::string bucketKey(const ReducedStructure& s) {
    return s.compositionKey + '#' + std::to_string(s.siteCount);
}

std::unordered_map<std::string, std::vector<std::size_t>> bucketsOf(const ReducedList& list) {
    std::unordered_map<std::string, std::vector<std::size_t>> buckets;
    for (std::size_t i = 0; i < list.size(); ++i)
        if (list[i]) buckets[bucketKey(*list[i])].push_back(i);
    return buckets;
}

std::vector<bool> toBool(const std::vector<std::uint8_t>& flags) {
    return std::vector<bool>(flags.begin(), flags.end());
}

// Buckets up to this size are walked sequentially, many buckets at once; larger ones are walked
// block by block with the fits of each block spread over the threads.
constexpr std::size_t kSmallBucket = 64;

// The sequential walk over one bucket (indices in input order).
void walkBucket(const ReducedList& list, const std::vector<std::size_t>& bucket,
                const MatcherTolerances& tol, std::vector<std::uint8_t>& unique) {
    std::vector<std::size_t> representatives;
    for (std::size_t i : bucket) {
        const bool matched =
            std::any_of(representatives.begin(), representatives.end(),
                        [&](std::size_t r) { return fit(*list[i], *list[r], tol); });
        if (!matched) {
            unique[i] = 1;
            representatives.push_back(i);
        }
    }
}

// The same walk for a large bucket: for each block, first every item against the representatives
// known before the block (in parallel), then the survivors against earlier survivors of the block
// (in parallel), then the block resolved in order.
void walkLargeBucket(const ReducedList& list, const std::vector<std::size_t>& bucket,
                     const MatcherTolerances& tol, int threads, std::vector<std::uint8_t>& unique) {
    const std::size_t blockSize = 32 * static_cast<std::size_t>(resolveThreadCount(threads));
    std::vector<std::size_t> representatives;
    for (std::size_t start = 0; start < bucket.size(); start += blockSize) {
        const std::size_t count = std::min(blockSize, bucket.size() - start);
        std::vector<std::uint8_t> matchedBefore(count, 0);
        parallelFor(count, threads, [&](std::size_t k) {
            const ReducedStructure& s = *list[bucket[start + k]];
            for (std::size_t r : representatives)
                if (fit(s, *list[r], tol)) {
                    matchedBefore[k] = 1;
                    return;
                }
        });
        std::vector<std::size_t> survivors;
        for (std::size_t k = 0; k < count; ++k)
            if (!matchedBefore[k]) survivors.push_back(k);
        // matchesEarlier[a] lists the earlier survivors b < a with fit(a, b).
        std::vector<std::vector<std::size_t>> matchesEarlier(survivors.size());
        parallelFor(survivors.size(), threads, [&](std::size_t a) {
            const ReducedStructure& s = *list[bucket[start + survivors[a]]];
            for (std::size_t b = 0; b < a; ++b)
                if (fit(s, *list[bucket[start + survivors[b]]], tol))
                    matchesEarlier[a].push_back(b);
        });
        std::vector<std::uint8_t> survivorUnique(survivors.size(), 0);
        for (std::size_t a = 0; a < survivors.size(); ++a) {
            const bool matched = std::any_of(matchesEarlier[a].begin(), matchesEarlier[a].end(),
                                             [&](std::size_t b) { return survivorUnique[b] != 0; });
            if (matched) continue;
            survivorUnique[a] = 1;
            const std::size_t index = bucket[start + survivors[a]];
            unique[index] = 1;
            representatives.push_back(index);
        }
    }
}

}  // namespace

std::vector<std::optional<ReducedStructure>> reduceAllForMatching(
    const std::vector<Structure>& structures, int threads) {
    ReducedList reduced(structures.size());
    parallelFor(structures.size(), threads, [&](std::size_t i) {
        try {
            reduced[i] = reduceForMatching(structures[i]);
        } catch (const Error&) {
            reduced[i].reset();  // not constructible: neither unique nor novel
        }
    });
    return reduced;
}

std::vector<bool> matchesAnyOf(const ReducedList& queries, const ReducedList& reference,
                               const MatcherTolerances& tolerances, int threads) {
    const auto buckets = bucketsOf(reference);
    std::vector<std::uint8_t> matched(queries.size(), 0);
    parallelFor(queries.size(), threads, [&](std::size_t i) {
        if (!queries[i]) return;
        const auto bucket = buckets.find(bucketKey(*queries[i]));
        if (bucket == buckets.end()) return;
        for (std::size_t t : bucket->second) {
            if (fit(*queries[i], *reference[t], tolerances)) {
                matched[i] = 1;
                return;
            }
        }
    });
    return toBool(matched);
}

std::vector<bool> novelFlags(const ReducedList& generated, const ReducedList& training,
                             const MatcherTolerances& tolerances, int threads) {
    std::vector<bool> novel = matchesAnyOf(generated, training, tolerances, threads);
    for (std::size_t i = 0; i < generated.size(); ++i) novel[i] = generated[i] && !novel[i];
    return novel;
}

std::vector<bool> uniqueFlags(const ReducedList& generated, const MatcherTolerances& tolerances,
                              int threads) {
    std::vector<std::uint8_t> unique(generated.size(), 0);
    std::vector<std::vector<std::size_t>> small, large;
    for (auto& [key, bucket] : bucketsOf(generated))
        (bucket.size() <= kSmallBucket ? small : large).push_back(std::move(bucket));
    parallelFor(small.size(), threads,
                [&](std::size_t b) { walkBucket(generated, small[b], tolerances, unique); });
    for (const auto& bucket : large)
        walkLargeBucket(generated, bucket, tolerances, threads, unique);
    return toBool(unique);
}

}  // namespace cw
