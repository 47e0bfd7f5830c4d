#pragma once
/// @file The collection filter's query language. A query is words separated by spaces; a crystal
/// matches when every word does:
///   Fe, O, fe        contains the element (a symbol, any case; "Fe O" = both)
///   -Fe, !Fe         does not contain it
///   Fe2O3, OFe       reduced composition equal to this formula's (any order or multiple)
///   sg:225, sg:221-230, sg:Fm-3m   space group by number, range or Hermann–Mauguin symbol
///   band_gap>2, nsites<=20, nelements=2, formation_energy_per_atom<-1
///                    a number compared (>, >=, <, <=, =, !=) with a property; nsites,
///                    nelements and sg are built in
///   anything else    text found in the id or the formula (mp-1000, "mp-10")
/// Qt-free, so the same query can filter in the window and on the command line.

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cw {

class Structure;

/// What a query reads of one crystal (built once per collection entry).
struct CrystalRecord {
    std::string id;
    std::string reducedFormula;
    std::map<int, int> reducedComposition;  ///< Z → count, divided by the counts' gcd
    int sites = 0;
    int spaceGroup = 0;  ///< 0 when unknown
    std::map<std::string, double> properties;

    static CrystalRecord of(const Structure& structure);
};

class CrystalQuery {
public:
    /// Parses `text`. Throws ValueError naming the word and why ("sg:999: space group must be
    /// 1–230", "band_gap>x: 'x' is not a number").
    static CrystalQuery parse(std::string_view text);

    bool empty() const { return m_terms.empty(); }
    bool matches(const CrystalRecord& crystal) const;
    /// Properties the query compares (for "no such property" hints), built-ins excluded.
    std::vector<std::string> propertyNames() const;
    /// One line a user can check the parse against: "contains Fe; contains O; band_gap > 2".
    std::string describe() const;

    struct Term;

private:
    std::vector<Term> m_terms;
};

struct CrystalQuery::Term {
    enum class Kind { Element, NotElement, Composition, SpaceGroupRange, Compare, Text } kind;
    int z = 0;
    std::map<int, int> composition;
    int low = 0, high = 0;  // space-group range
    std::string name;       // property, or the text (lower case)
    std::string op;
    double value = 0;
    std::string word;  // as typed
};

}  // namespace cw
