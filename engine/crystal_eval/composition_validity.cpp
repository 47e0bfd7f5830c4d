#include "crystal_eval/composition_validity.h"

#include <algorithm>
#include <bitset>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <numeric>
#include <string>
#include <utility>

#include "core/error.h"
#include "crystal_eval/smact_data.h"

namespace cw {
namespace {

/// Above this total charge range (Σ max|ox|·n) the reachable sums are tracked as bounds only:
/// still a sound pruning, no longer an exact one. Real crystals stay far below it.
constexpr std::int64_t kMaxExactChargeRange = std::int64_t{1} << 16;

/// Counts beyond this could overflow the 64-bit charge sums (8 · 2^40 · 103 elements < 2^63).
constexpr std::int64_t kMaxCount = std::int64_t{1} << 40;

/// A set of integer charge sums in [-range, range], one bit each.
class ChargeSumSet {
public:
    explicit ChargeSumSet(std::int64_t range)
        : m_range(range), m_words(static_cast<std::size_t>((2 * range + 1 + 63) / 64), 0) {}

    void insert(std::int64_t value) {
        const std::int64_t bit = value + m_range;
        m_words[static_cast<std::size_t>(bit >> 6)] |= std::uint64_t{1} << (bit & 63);
    }
    bool contains(std::int64_t value) const {
        if (value < -m_range || value > m_range) return false;
        const std::int64_t bit = value + m_range;
        return (m_words[static_cast<std::size_t>(bit >> 6)] >> (bit & 63)) & 1;
    }
    /// this ∪= {v + shift : v ∈ source}. The caller keeps every result inside the range.
    void insertShifted(const ChargeSumSet& source, std::int64_t shift) {
        const auto words = static_cast<std::int64_t>(m_words.size());
        const std::int64_t wordShift = shift >= 0 ? shift / 64 : -((-shift + 63) / 64);
        const int bitShift = static_cast<int>(shift - wordShift * 64);  // 0…63
        for (std::int64_t i = 0; i < words; ++i) {
            const std::int64_t from = i - wordShift;
            std::uint64_t word = 0;
            if (from >= 0 && from < words)
                word = source.m_words[static_cast<std::size_t>(from)] << bitShift;
            if (bitShift != 0 && from - 1 >= 0 && from - 1 < words)
                word |= source.m_words[static_cast<std::size_t>(from - 1)] >> (64 - bitShift);
            m_words[static_cast<std::size_t>(i)] |= word;
        }
    }

private:
    std::int64_t m_range;
    std::vector<std::uint64_t> m_words;
};

/// Signs an element may take in a pattern: +1 cation only, -1 anion only, 0 either.
using SignPattern = std::vector<int>;

/// Charge sums the elements k…n-1 can reach under one sign pattern, for every k.
class SuffixSums {
public:
    SuffixSums(const std::vector<const SmactElement*>& elements,
               const std::vector<std::int64_t>& counts, const SignPattern& signs,
               std::int64_t range) {
        const std::size_t n = elements.size();
        m_low.assign(n + 1, 0);
        m_high.assign(n + 1, 0);
        m_exact = range <= kMaxExactChargeRange;
        if (m_exact) {
            m_sets.assign(n + 1, ChargeSumSet(range));
            m_sets[n].insert(0);
        }
        m_empty.assign(n + 1, false);
        for (std::size_t k = n; k-- > 0;) {
            std::int64_t low = 0, high = 0;
            bool any = false;
            for (int s = 0; s < elements[k]->stateCount; ++s) {
                const int ox = elements[k]->states[static_cast<std::size_t>(s)];
                if (!allowed(signs[k], ox)) continue;
                const std::int64_t charge = ox * counts[k];
                low = any ? std::min(low, charge) : charge;
                high = any ? std::max(high, charge) : charge;
                any = true;
                if (m_exact && !m_empty[k + 1]) m_sets[k].insertShifted(m_sets[k + 1], charge);
            }
            m_empty[k] = !any || m_empty[k + 1];
            m_low[k] = low + m_low[k + 1];
            m_high[k] = high + m_high[k + 1];
        }
    }

    static bool allowed(int sign, int ox) { return sign == 0 || (sign > 0) == (ox > 0); }

    /// True if the elements k…n-1 can contribute exactly `charge`.
    bool reaches(std::size_t k, std::int64_t charge) const {
        if (m_empty[k] || charge < m_low[k] || charge > m_high[k]) return false;
        return !m_exact || m_sets[k].contains(charge);
    }

private:
    bool m_exact = true;
    std::vector<ChargeSumSet> m_sets;
    std::vector<std::int64_t> m_low, m_high;
    std::vector<bool> m_empty;
};

enum class PairOutcome : unsigned { Continue = 1, Fail = 2, Pass = 4 };

/// One pair of SMACT 2.2's eneg_states_test as CDVAE runs it: comparing with a missing
/// (None) Pauling value raises TypeError on an opposite-sign pair, which CDVAE catches as a
/// pass of the whole test; the `is None` branch fails a same-sign pair.
PairOutcome pairOutcome(int ox1, const SmactElement& e1, int ox2, const SmactElement& e2) {
    const bool opposite = (ox1 > 0) != (ox2 > 0);
    const bool missing = !e1.hasPauling() || !e2.hasPauling();
    if (opposite) {
        if (missing) return PairOutcome::Pass;
        const bool cationFirst = ox1 > 0;
        const double cation = cationFirst ? e1.pauling : e2.pauling;
        const double anion = cationFirst ? e2.pauling : e1.pauling;
        return cation >= anion ? PairOutcome::Fail : PairOutcome::Continue;
    }
    return missing ? PairOutcome::Fail : PairOutcome::Continue;
}

class AssignmentSearch {
public:
    AssignmentSearch(std::vector<const SmactElement*> elements, std::vector<std::int64_t> counts)
        : m_elements(std::move(elements)),
          m_counts(std::move(counts)),
          m_assignment(m_elements.size(), 0) {
        const std::size_t n = m_elements.size();
        std::int64_t range = 0;
        m_allPaulingKnown = true;
        for (std::size_t k = 0; k < n; ++k) {
            int largest = 0;
            for (int s = 0; s < m_elements[k]->stateCount; ++s)
                largest =
                    std::max(largest, std::abs(m_elements[k]->states[static_cast<std::size_t>(s)]));
            const std::int64_t count = std::min(m_counts[k], kMaxExactChargeRange + 1);
            range = std::min(range + largest * count, kMaxExactChargeRange + 1);
            m_allPaulingKnown = m_allPaulingKnown && m_elements[k]->hasPauling();
        }
        // With every Pauling value known the test passes iff every cation is less
        // electronegative than every anion, i.e. iff the signs follow a cut of the sorted
        // electronegativities; one pattern per cut makes the pruning exact. Otherwise the
        // order of the pairs matters and one unrestricted pattern is used.
        std::vector<SignPattern> patterns;
        if (m_allPaulingKnown) {
            std::vector<double> values;
            for (const SmactElement* e : m_elements) values.push_back(e->pauling);
            std::sort(values.begin(), values.end());
            values.erase(std::unique(values.begin(), values.end()), values.end());
            for (std::size_t cut = 0; cut + 1 < values.size(); ++cut) {
                SignPattern signs(n);
                for (std::size_t k = 0; k < n; ++k)
                    signs[k] = m_elements[k]->pauling <= values[cut] ? +1 : -1;
                patterns.push_back(std::move(signs));
            }
        } else {
            patterns.emplace_back(n, 0);
        }
        for (const SignPattern& signs : patterns) {
            m_sums.emplace_back(m_elements, m_counts, signs, range);
            m_patterns.push_back(signs);
        }
    }

    /// The first passing assignment in product order, or empty.
    std::vector<int> firstPassing() {
        if (m_patterns.empty() || m_patterns.size() > kMaxPatterns) return {};
        PatternMask all;
        for (std::size_t p = 0; p < m_patterns.size(); ++p) all.set(p);
        if (!search(0, 0, all)) return {};
        return m_assignment;
    }

private:
    static constexpr std::size_t kMaxPatterns = 128;  // ≥ the 102 cuts of 103 elements
    using PatternMask = std::bitset<kMaxPatterns>;

    bool search(std::size_t k, std::int64_t charge, const PatternMask& mask) {
        if (k == m_elements.size()) return charge == 0 && paulingPasses();
        const SmactElement& element = *m_elements[k];
        for (int s = 0; s < element.stateCount; ++s) {
            const int ox = element.states[static_cast<std::size_t>(s)];
            const std::int64_t next = charge + ox * m_counts[k];
            PatternMask kept;
            for (std::size_t p = 0; p < m_patterns.size(); ++p)
                if (mask.test(p) && SuffixSums::allowed(m_patterns[p][k], ox) &&
                    m_sums[p].reaches(k + 1, -next))
                    kept.set(p);
            if (kept.none()) continue;
            m_assignment[k] = ox;
            if (!m_allPaulingKnown && paulingAlreadyFails(k + 1)) continue;
            if (search(k + 1, next, kept)) return true;
        }
        return false;
    }

    /// The full test on a complete assignment, pair by pair in SMACT's order.
    bool paulingPasses() const {
        const std::size_t n = m_elements.size();
        for (std::size_t i = 0; i < n; ++i) {
            for (std::size_t j = i + 1; j < n; ++j) {
                const PairOutcome outcome =
                    pairOutcome(m_assignment[i], *m_elements[i], m_assignment[j], *m_elements[j]);
                if (outcome == PairOutcome::Pass) return true;
                if (outcome == PairOutcome::Fail) return false;
            }
        }
        return true;
    }

    /// True when every completion of the first `assigned` states fails the Pauling test: walking
    /// the pairs in order, one is certain to fail before any could still decide a pass.
    bool paulingAlreadyFails(std::size_t assigned) const {
        const std::size_t n = m_elements.size();
        for (std::size_t i = 0; i < n; ++i) {
            for (std::size_t j = i + 1; j < n; ++j) {
                unsigned outcomes = 0;
                for (int si : possibleSigns(i, assigned))
                    for (int sj : possibleSigns(j, assigned))
                        outcomes |= static_cast<unsigned>(
                            pairOutcome(si, *m_elements[i], sj, *m_elements[j]));
                if (outcomes & static_cast<unsigned>(PairOutcome::Pass)) return false;
                if (outcomes == static_cast<unsigned>(PairOutcome::Fail)) return true;
            }
        }
        return false;
    }

    /// ±1 for the signs element k can still take (its state's sign once assigned).
    std::vector<int> possibleSigns(std::size_t k, std::size_t assigned) const {
        if (k < assigned) return {m_assignment[k] > 0 ? 1 : -1};
        std::vector<int> signs;
        const SmactElement& e = *m_elements[k];
        const auto begin = e.states.begin(), end = e.states.begin() + e.stateCount;
        if (std::any_of(begin, end, [](int ox) { return ox > 0; })) signs.push_back(1);
        if (std::any_of(begin, end, [](int ox) { return ox < 0; })) signs.push_back(-1);
        return signs;
    }

    std::vector<const SmactElement*> m_elements;
    std::vector<std::int64_t> m_counts;
    std::vector<int> m_assignment;
    bool m_allPaulingKnown = true;
    std::vector<SignPattern> m_patterns;
    std::vector<SuffixSums> m_sums;
};

}  // namespace

std::string_view compositionRuleName(CompositionRule rule) {
    switch (rule) {
        case CompositionRule::SingleElement:
            return "single_element";
        case CompositionRule::AllMetals:
            return "all_metals";
        case CompositionRule::ChargeBalance:
            return "charge_balance";
        case CompositionRule::None:
            break;
    }
    return "none";
}

CompositionValidity compositionValidity(const std::vector<int>& elements,
                                        const std::vector<std::int64_t>& counts) {
    if (elements.size() != counts.size()) {
        throw ValueError("composition has " + std::to_string(elements.size()) + " elements but " +
                         std::to_string(counts.size()) + " counts");
    }
    std::vector<std::pair<int, std::int64_t>> amounts;
    for (std::size_t k = 0; k < elements.size(); ++k) {
        if (counts[k] <= 0 || counts[k] > kMaxCount) {
            throw ValueError("count of element Z = " + std::to_string(elements[k]) +
                             " must be in 1…2^40, got " + std::to_string(counts[k]));
        }
        amounts.emplace_back(elements[k], counts[k]);
    }
    std::sort(amounts.begin(), amounts.end());
    for (std::size_t k = 1; k < amounts.size(); ++k) {
        if (amounts[k].first == amounts[k - 1].first)
            throw ValueError("element Z = " + std::to_string(amounts[k].first) +
                             " is listed twice");
    }
    std::int64_t divisor = 0;
    for (const auto& amount : amounts) divisor = std::gcd(divisor, amount.second);

    CompositionValidity result;
    for (const auto& [z, count] : amounts) {
        result.elements.push_back(z);
        result.counts.push_back(count / divisor);
    }
    if (amounts.empty()) return result;

    std::vector<const SmactElement*> data;
    for (int z : result.elements) {
        const SmactElement* e = smactElement(z);
        if (!e) return result;  // no SMACT data above Lr: CDVAE would crash, we call it invalid
        data.push_back(e);
    }
    if (data.size() == 1) {
        result.valid = true;
        result.rule = CompositionRule::SingleElement;
        return result;
    }
    if (std::all_of(data.begin(), data.end(), [](const SmactElement* e) { return e->metal; })) {
        result.valid = true;
        result.rule = CompositionRule::AllMetals;
        return result;
    }
    result.witnessOxidationStates = AssignmentSearch(data, result.counts).firstPassing();
    if (!result.witnessOxidationStates.empty()) {
        result.valid = true;
        result.rule = CompositionRule::ChargeBalance;
    }
    return result;
}

CompositionValidity compositionValidity(const std::vector<int>& siteAtomicNumbers) {
    std::map<int, std::int64_t> counts;
    for (int z : siteAtomicNumbers) ++counts[z];
    std::vector<int> elements;
    std::vector<std::int64_t> amounts;
    for (const auto& [z, count] : counts) {
        elements.push_back(z);
        amounts.push_back(count);
    }
    return compositionValidity(elements, amounts);
}

}  // namespace cw
