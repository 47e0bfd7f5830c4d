#include "crystal_eval/generated_crystal.h"

#include <string>

#include "core/error.h"
#include "crystal/elements.h"

namespace cw {

Structure toStructure(const GeneratedCrystal& crystal) {
    if (crystal.atomicNumbers.size() != crystal.frac.size()) {
        throw ValueError("crystal '" + crystal.id + "' has " +
                         std::to_string(crystal.atomicNumbers.size()) + " elements but " +
                         std::to_string(crystal.frac.size()) + " positions");
    }
    const Lattice lattice =
        Lattice::fromParameters({crystal.lengthsA[0], crystal.lengthsA[1], crystal.lengthsA[2],
                                 crystal.anglesDeg[0], crystal.anglesDeg[1], crystal.anglesDeg[2]});
    std::vector<Site> sites;
    sites.reserve(crystal.frac.size());
    for (std::size_t i = 0; i < crystal.frac.size(); ++i) {
        if (!crystal.frac[i].allFinite()) {
            throw ValueError("crystal '" + crystal.id + "': site " + std::to_string(i + 1) +
                             " has a non-finite fractional coordinate");
        }
        element(crystal.atomicNumbers[i]);  // throws ValueError outside 1…118
        Site site;
        site.z = crystal.atomicNumbers[i];
        site.frac = crystal.frac[i];
        sites.push_back(std::move(site));
    }
    Structure structure(lattice, std::move(sites));
    structure.setId(crystal.id);
    return structure;
}

GeneratedCrystal toGeneratedCrystal(const Structure& structure) {
    GeneratedCrystal crystal;
    crystal.id = structure.id();
    const LatticeParameters p = structure.lattice().parameters();
    crystal.lengthsA[0] = p.a;
    crystal.lengthsA[1] = p.b;
    crystal.lengthsA[2] = p.c;
    crystal.anglesDeg[0] = p.alpha;
    crystal.anglesDeg[1] = p.beta;
    crystal.anglesDeg[2] = p.gamma;
    for (const Site& site : structure.sites()) {
        crystal.atomicNumbers.push_back(site.z);
        crystal.frac.push_back(site.frac);
    }
    return crystal;
}

}  // namespace cw
