#pragma once
// Textbook crystals built from their published descriptions (not from our readers), for tests
// with known answers. Lattice constants: NaCl 5.64 Å (Fm-3m), Si 5.431 Å (Fd-3m), rutile TiO2
// a 4.594, c 2.959 Å, u 0.3053 (P4_2/mnm), wurtzite ZnO a 3.250, c 5.207 Å, u 0.382 (P6_3mc).

#include <cmath>

#include "crystal/elements.h"
#include "crystal/structure.h"

namespace cw::test {

inline Structure makeStructure(const Eigen::Matrix3d& rows,
                               std::initializer_list<std::pair<const char*, Eigen::Vector3d>> sites) {
    Structure s{Lattice(rows), {}};
    for (const auto& [symbol, frac] : sites) s.addSite({atomicNumber(symbol), frac, symbol, 1.0});
    return s;
}

/// NaCl conventional cell in the site order of docs/spec/ecd-slices.md and docs/spec/encodings.md.
inline Structure rockSaltNaCl(double a = 5.64) {
    return makeStructure(Eigen::Matrix3d::Identity() * a,
                         {{"Na", {0, 0, 0}}, {"Na", {0.5, 0.5, 0}}, {"Na", {0.5, 0, 0.5}},
                          {"Na", {0, 0.5, 0.5}}, {"Cl", {0.5, 0, 0}}, {"Cl", {0, 0.5, 0}},
                          {"Cl", {0, 0, 0.5}}, {"Cl", {0.5, 0.5, 0.5}}});
}

/// Diamond-structure silicon, conventional cell (8 atoms).
inline Structure diamondSilicon(double a = 5.431) {
    Structure s{Lattice(Eigen::Matrix3d::Identity() * a), {}};
    const Eigen::Vector3d fcc[4] = {{0, 0, 0}, {0, 0.5, 0.5}, {0.5, 0, 0.5}, {0.5, 0.5, 0}};
    for (const auto& p : fcc) {
        s.addSite({14, p, "Si", 1.0});
        s.addSite({14, p + Eigen::Vector3d(0.25, 0.25, 0.25), "Si", 1.0});
    }
    return s;
}

/// Rutile TiO2: Ti at 2a, O at 4f (u, u, 0).
inline Structure rutileTiO2(double a = 4.594, double c = 2.959, double u = 0.3053) {
    Eigen::Matrix3d rows = Eigen::Matrix3d::Zero();
    rows(0, 0) = a; rows(1, 1) = a; rows(2, 2) = c;
    return makeStructure(rows, {{"Ti", {0, 0, 0}}, {"Ti", {0.5, 0.5, 0.5}}, {"O", {u, u, 0}},
                                {"O", {1 - u, 1 - u, 0}}, {"O", {0.5 + u, 0.5 - u, 0.5}},
                                {"O", {0.5 - u, 0.5 + u, 0.5}}});
}

/// Wurtzite ZnO: Zn at (1/3, 2/3, 0), (2/3, 1/3, 1/2); O shifted by u·c.
inline Structure wurtziteZnO(double a = 3.250, double c = 5.207, double u = 0.382) {
    const Lattice l = Lattice::fromParameters({a, a, c, 90, 90, 120});
    return makeStructure(l.matrix(), {{"Zn", {1.0 / 3, 2.0 / 3, 0}}, {"Zn", {2.0 / 3, 1.0 / 3, 0.5}},
                                      {"O", {1.0 / 3, 2.0 / 3, u}}, {"O", {2.0 / 3, 1.0 / 3, 0.5 + u}}});
}

}  // namespace cw::test
