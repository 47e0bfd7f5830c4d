#pragma once
/// @file A periodic crystal structure: a lattice, sites with fractional coordinates, a property
/// map and an id.

#include <Eigen/Core>
#include <map>
#include <string>
#include <vector>

#include "crystal/lattice.h"

namespace cw {

/// One site. A disordered position is several sites at the same coordinates whose occupancies
/// add up to at most 1 (the way CIF writes it).
struct Site {
    int z = 0;                                      ///< atomic number, 1…118
    Eigen::Vector3d frac = Eigen::Vector3d::Zero(); ///< fractional coordinates, not wrapped
    std::string label;                              ///< e.g. "Fe1"; may be empty
    double occupancy = 1.0;                         ///< 0 < occupancy ≤ 1
};

/// Value type; const members are thread-safe.
class Structure {
public:
    Structure() = default;
    Structure(Lattice lattice, std::vector<Site> sites) : m_lattice(std::move(lattice)), m_sites(std::move(sites)) {}

    const Lattice& lattice() const { return m_lattice; }
    void setLattice(const Lattice& lattice) { m_lattice = lattice; }
    const std::vector<Site>& sites() const { return m_sites; }
    std::vector<Site>& sites() { return m_sites; }
    std::size_t size() const { return m_sites.size(); }
    const Site& site(std::size_t i) const { return m_sites.at(i); }
    void addSite(Site site) { m_sites.push_back(std::move(site)); }
    Eigen::Vector3d cartesian(std::size_t i) const { return m_lattice.toCartesian(m_sites.at(i).frac); }

    /// Material id ("mp-1234"), file stem or block name; may be empty.
    const std::string& id() const { return m_id; }
    void setId(std::string id) { m_id = std::move(id); }

    /// Numeric properties from the source (band_gap in eV, e_above_hull in eV/atom, …).
    const std::map<std::string, double>& properties() const { return m_properties; }
    std::map<std::string, double>& properties() { return m_properties; }
    void setProperty(const std::string& name, double value) { m_properties[name] = value; }

    /// True if every occupancy is 1 and no two sites coincide (within 1e-3 Å).
    bool isOrdered() const;
    /// Sum of occupancies weighted by mass (u).
    double massU() const;
    /// Density in g/cm³ (occupancy-weighted mass over cell volume).
    double densityGPerCm3() const;
    /// Volume per site in Å³.
    double volumePerSite() const;

    /// Reduced formula ordered as pymatgen orders it (by electronegativity, then symbol), with
    /// pymatgen's special cases (O2, H2O2, Li2O2…): "NaCl", "Fe3O4". Occupancies count.
    std::string reducedFormula() const;
    /// Full formula with counts, same order, no spaces: "Na4Cl4".
    std::string fullFormula() const;
    /// Distinct atomic numbers in order of first appearance.
    std::vector<int> elements() const;

    /// Copy with the lattice scaled isotropically so that volume/site equals `volumePerSiteA3`
    /// (fractional coordinates unchanged). Throws ValueError for an empty structure or ≤ 0.
    Structure scaledToVolumePerSite(double volumePerSiteA3) const;

    /// Shortest distance (Å) between any two atoms, periodic images included (a lone atom's
    /// distance to its own images counts). Returns +inf for an empty structure.
    double minimumInteratomicDistance() const;

private:
    Lattice m_lattice;
    std::vector<Site> m_sites;
    std::string m_id;
    std::map<std::string, double> m_properties;
};

}  // namespace cw
