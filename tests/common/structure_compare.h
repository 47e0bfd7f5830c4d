#pragma once
// One comparison of two structures for round-trip tests (read → write → read), used by every
// format's test: lattice matrix and fractional coordinates to a tolerance, species, and on
// request occupancies and labels, id and properties. Call with QVERIFY2(same(...), why).

#include <algorithm>
#include <cmath>
#include <string>

#include "crystal/structure.h"

namespace cw::test {

struct CompareOptions {
    double tolerance = 1e-9;
    bool occupancyAndLabels = false;
    bool idAndProperties = false;
};

/// True if `a` and `b` agree; otherwise false with the first difference in `why`.
inline bool sameStructure(const Structure& a, const Structure& b, std::string& why,
                          const CompareOptions& options = {}) {
    const double tol = options.tolerance;
    if ((a.lattice().matrix() - b.lattice().matrix()).cwiseAbs().maxCoeff() > tol) {
        why = "lattices differ";
        return false;
    }
    if (a.size() != b.size()) {
        why = "site counts differ: " + std::to_string(a.size()) + " vs " + std::to_string(b.size());
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        const Site &s = a.site(i), &t = b.site(i);
        const std::string site = "site " + std::to_string(i) + ": ";
        if (s.z != t.z)
            why = site + "species differ";
        else if ((s.frac - t.frac).cwiseAbs().maxCoeff() > tol)
            why = site + "coordinates differ";
        else if (options.occupancyAndLabels && std::abs(s.occupancy - t.occupancy) > tol)
            why = site + "occupancies differ";
        else if (options.occupancyAndLabels && s.label != t.label)
            why = site + "labels differ: '" + s.label + "' vs '" + t.label + "'";
        if (!why.empty()) return false;
    }
    if (!options.idAndProperties) return true;
    if (a.id() != b.id()) {
        why = "ids differ: '" + a.id() + "' vs '" + b.id() + "'";
        return false;
    }
    if (a.properties().size() != b.properties().size()) {
        why = "property counts differ";
        return false;
    }
    for (const auto& [key, value] : a.properties()) {
        const auto it = b.properties().find(key);
        if (it == b.properties().end() ||
            std::abs(it->second - value) > tol * std::max(1.0, std::abs(value))) {
            why = "property '" + key + "' differs";
            return false;
        }
    }
    return true;
}

}  // namespace cw::test

/// QVERIFY that two structures agree (see cw::test::sameStructure).
#define CW_VERIFY_SAME_STRUCTURE(a, b, ...)                                               \
    do {                                                                                  \
        std::string cwWhy;                                                                \
        QVERIFY2(cw::test::sameStructure((a), (b), cwWhy, ##__VA_ARGS__), cwWhy.c_str()); \
    } while (false)
