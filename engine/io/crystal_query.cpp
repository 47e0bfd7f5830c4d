#include "io/crystal_query.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <numeric>
#include <optional>
#include <sstream>

#include "core/error.h"
#include "crystal/elements.h"
#include "crystal/structure.h"
#include "symmetry/space_group.h"

namespace cw {

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::optional<double> number(std::string_view text) {
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
    return value;
}

std::map<int, int> reduced(std::map<int, int> counts) {
    int divisor = 0;
    for (const auto& [z, n] : counts) divisor = std::gcd(divisor, n);
    if (divisor > 1)
        for (auto& [z, n] : counts) n /= divisor;
    return counts;
}

// An element symbol alone: letters only, one or two of them ("Fe", "fe", "O").
std::optional<int> elementWord(std::string_view word) {
    if (word.empty() || word.size() > 2) return std::nullopt;
    for (const char c : word)
        if (!std::isalpha(static_cast<unsigned char>(c))) return std::nullopt;
    return findAtomicNumber(word);
}

// A formula such as Fe2O3 or LiFePO4: capitalised symbols, each with an optional count; at
// least a digit or two symbols, so that a lone "Fe" stays an element word.
std::optional<std::map<int, int>> formulaWord(std::string_view word) {
    std::map<int, int> counts;
    int symbols = 0;
    bool digits = false;
    std::size_t i = 0;
    while (i < word.size()) {
        if (!std::isupper(static_cast<unsigned char>(word[i]))) return std::nullopt;
        std::size_t j = i + 1;
        if (j < word.size() && std::islower(static_cast<unsigned char>(word[j]))) ++j;
        const std::optional<int> z = findAtomicNumber(word.substr(i, j - i));
        if (!z) return std::nullopt;
        std::size_t k = j;
        while (k < word.size() && std::isdigit(static_cast<unsigned char>(word[k]))) ++k;
        int count = 1;
        if (k > j) {
            digits = true;
            std::from_chars(word.data() + j, word.data() + k, count);
            if (count <= 0) return std::nullopt;
        }
        counts[*z] += count;
        ++symbols;
        i = k;
    }
    if (symbols == 0 || (!digits && symbols < 2)) return std::nullopt;
    return reduced(counts);
}

constexpr std::string_view kOperators[] = {">=", "<=", "!=", ">", "<", "="};

std::string canonicalProperty(const std::string& name) {
    const std::string l = lower(name);
    if (l == "sites" || l == "nsites") return "nsites";
    if (l == "nelements" || l == "elements") return "nelements";
    if (l == "sg" || l == "spacegroup" || l == "space_group" || l == "symmetry_number") return "sg";
    return name;
}

CrystalQuery::Term spaceGroupTerm(const std::string& word, std::string_view spec) {
    CrystalQuery::Term t{CrystalQuery::Term::Kind::SpaceGroupRange};
    t.word = word;
    const std::size_t dash = spec.find('-', 1);
    const auto low = number(spec.substr(0, dash));
    const auto high = dash == std::string_view::npos ? low : number(spec.substr(dash + 1));
    if (low && high && *low == std::floor(*low) && *high == std::floor(*high)) {
        t.low = static_cast<int>(*low);
        t.high = static_cast<int>(*high);
        if (t.low < 1 || t.high > 230 || t.low > t.high)
            throw ValueError(word + ": space groups are numbered 1–230");
        return t;
    }
    const int symbol = spaceGroupNumberOfSymbol(spec);
    if (symbol == 0)
        throw ValueError(word + ": not a space-group number (1–230), range (221-230) or symbol (Fm-3m)");
    t.low = t.high = symbol;
    return t;
}

CrystalQuery::Term parseWord(const std::string& word) {
    using Kind = CrystalQuery::Term::Kind;
    CrystalQuery::Term t{Kind::Text};
    t.word = word;
    const std::string l = lower(word);
    if (l.rfind("sg:", 0) == 0) return spaceGroupTerm(word, std::string_view(word).substr(3));
    for (const std::string_view op : kOperators) {
        const std::size_t at = word.find(op);
        if (at == std::string::npos || at == 0) continue;
        t.kind = Kind::Compare;
        t.name = canonicalProperty(word.substr(0, at));
        t.op = std::string(op);
        const std::string value = word.substr(at + op.size());
        const auto v = number(value);
        if (!v) throw ValueError(word + ": '" + value + "' is not a number");
        t.value = *v;
        return t;
    }
    if ((word[0] == '-' || word[0] == '!') && word.size() > 1) {
        if (const auto z = elementWord(std::string_view(word).substr(1))) {
            t.kind = Kind::NotElement;
            t.z = *z;
            return t;
        }
    }
    if (const auto z = elementWord(word)) {
        t.kind = Kind::Element;
        t.z = *z;
        return t;
    }
    if (auto composition = formulaWord(word)) {
        t.kind = Kind::Composition;
        t.composition = std::move(*composition);
        return t;
    }
    t.name = l;
    return t;
}

bool compare(double a, const std::string& op, double b) {
    if (op == ">") return a > b;
    if (op == ">=") return a >= b;
    if (op == "<") return a < b;
    if (op == "<=") return a <= b;
    if (op == "=") return a == b;
    return a != b;
}

}  // namespace

CrystalRecord CrystalRecord::of(const Structure& structure) {
    CrystalRecord r;
    r.id = structure.id();
    r.reducedFormula = structure.size() > 0 ? structure.reducedFormula() : std::string();
    std::map<int, int> counts;
    for (std::size_t i = 0; i < structure.size(); ++i) ++counts[structure.site(i).z];
    r.reducedComposition = reduced(counts);
    r.sites = static_cast<int>(structure.size());
    r.properties = structure.properties();
    const auto sg = r.properties.find("symmetry_number");
    if (sg != r.properties.end() && sg->second >= 1 && sg->second <= 230) r.spaceGroup = static_cast<int>(sg->second);
    return r;
}

CrystalQuery CrystalQuery::parse(std::string_view text) {
    CrystalQuery query;
    std::istringstream words{std::string(text)};
    std::string word;
    while (words >> word) query.m_terms.push_back(parseWord(word));
    return query;
}

bool CrystalQuery::matches(const CrystalRecord& c) const {
    for (const Term& t : m_terms) {
        switch (t.kind) {
            case Term::Kind::Element:
                if (!c.reducedComposition.count(t.z)) return false;
                break;
            case Term::Kind::NotElement:
                if (c.reducedComposition.count(t.z)) return false;
                break;
            case Term::Kind::Composition:
                if (c.reducedComposition != t.composition) return false;
                break;
            case Term::Kind::SpaceGroupRange:
                if (c.spaceGroup < t.low || c.spaceGroup > t.high) return false;
                break;
            case Term::Kind::Compare: {
                double value = 0;
                if (t.name == "nsites") {
                    value = c.sites;
                } else if (t.name == "nelements") {
                    value = static_cast<double>(c.reducedComposition.size());
                } else if (t.name == "sg") {
                    if (c.spaceGroup == 0) return false;
                    value = c.spaceGroup;
                } else {
                    const auto found = c.properties.find(t.name);
                    if (found == c.properties.end() || !std::isfinite(found->second)) return false;
                    value = found->second;
                }
                if (!compare(value, t.op, t.value)) return false;
                break;
            }
            case Term::Kind::Text:
                if (lower(c.id).find(t.name) == std::string::npos &&
                    lower(c.reducedFormula).find(t.name) == std::string::npos)
                    return false;
                break;
        }
    }
    return true;
}

std::vector<std::string> CrystalQuery::propertyNames() const {
    std::vector<std::string> names;
    for (const Term& t : m_terms)
        if (t.kind == Term::Kind::Compare && t.name != "nsites" && t.name != "nelements" && t.name != "sg")
            names.push_back(t.name);
    return names;
}

std::string CrystalQuery::describe() const {
    std::string out;
    auto formulaOf = [](const std::map<int, int>& composition) {
        std::string f;
        for (const auto& [z, n] : composition) f += element(z).symbol + (n > 1 ? std::to_string(n) : "");
        return f;
    };
    for (const Term& t : m_terms) {
        if (!out.empty()) out += "; ";
        std::ostringstream value;
        value << t.value;
        switch (t.kind) {
            case Term::Kind::Element: out += std::string("contains ") + element(t.z).symbol; break;
            case Term::Kind::NotElement: out += std::string("no ") + element(t.z).symbol; break;
            case Term::Kind::Composition: out += "composition " + formulaOf(t.composition); break;
            case Term::Kind::SpaceGroupRange:
                out += "space group " + std::to_string(t.low) + (t.high != t.low ? "–" + std::to_string(t.high) : "");
                break;
            case Term::Kind::Compare: out += t.name + " " + t.op + " " + value.str(); break;
            case Term::Kind::Text: out += "text '" + t.name + "'"; break;
        }
    }
    return out;
}

}  // namespace cw
