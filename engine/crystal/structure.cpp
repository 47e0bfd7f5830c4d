#include "crystal/structure.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>
#include <unordered_map>

#include "core/error.h"
#include "crystal/elements.h"

namespace cw {
namespace {

/// g/cm³ per u/Å³: 1 u = 1.66053906660e-24 g, 1 Å³ = 1e-24 cm³.
constexpr double kGramPerCm3PerUPerA3 = 1.66053906660;

/// Amount of each element, in pymatgen's formula order (electronegativity, then symbol).
std::vector<std::pair<int, double>> orderedAmounts(const std::vector<Site>& sites) {
    std::vector<std::pair<int, double>> amounts;
    for (const Site& s : sites) {
        auto it = std::find_if(amounts.begin(), amounts.end(),
                               [&](const auto& p) { return p.first == s.z; });
        if (it == amounts.end()) amounts.emplace_back(s.z, s.occupancy);
        else it->second += s.occupancy;
    }
    auto key = [](int z) {
        const double x = element(z).electronegativity;
        return std::isnan(x) ? std::numeric_limits<double>::infinity() : x;
    };
    std::stable_sort(amounts.begin(), amounts.end(), [&](const auto& l, const auto& r) {
        const double kl = key(l.first), kr = key(r.first);
        if (kl != kr) return kl < kr;
        return std::string_view(element(l.first).symbol) < std::string_view(element(r.first).symbol);
    });
    return amounts;
}

std::string formatAmount(double amount) {
    if (std::abs(amount - 1.0) < 1e-8) return "";
    if (std::abs(amount - std::round(amount)) < 1e-8) {
        return std::to_string(static_cast<long long>(std::llround(amount)));
    }
    std::ostringstream out;
    out.precision(8);
    out << amount;
    return out.str();
}

std::string joinFormula(const std::vector<std::pair<int, double>>& amounts) {
    std::string formula;
    for (const auto& [z, amount] : amounts) formula += element(z).symbol + formatAmount(amount);
    return formula;
}

}  // namespace

bool Structure::isOrdered() const {
    for (const Site& s : m_sites) {
        if (std::abs(s.occupancy - 1.0) > 1e-6) return false;
    }
    for (std::size_t i = 0; i < m_sites.size(); ++i) {
        for (std::size_t j = i + 1; j < m_sites.size(); ++j) {
            if (m_lattice.minimumImageDistance(m_sites[i].frac, m_sites[j].frac) < 1e-3) return false;
        }
    }
    return true;
}

double Structure::massU() const {
    double mass = 0;
    for (const Site& s : m_sites) mass += element(s.z).massU * s.occupancy;
    return mass;
}

double Structure::densityGPerCm3() const { return massU() / m_lattice.volume() * kGramPerCm3PerUPerA3; }

double Structure::volumePerSite() const {
    if (m_sites.empty()) throw ValueError("structure has no sites");
    return m_lattice.volume() / static_cast<double>(m_sites.size());
}

std::string Structure::fullFormula() const { return joinFormula(orderedAmounts(m_sites)); }

std::string Structure::reducedFormula() const {
    auto amounts = orderedAmounts(m_sites);
    // Divide by the greatest common divisor when every amount is an integer.
    bool integral = true;
    long long divisor = 0;
    for (const auto& [z, amount] : amounts) {
        if (std::abs(amount - std::round(amount)) > 1e-8) integral = false;
        else divisor = std::gcd(divisor, std::llround(amount));
    }
    if (integral && divisor > 1) {
        for (auto& entry : amounts) entry.second /= static_cast<double>(divisor);
    }
    std::string formula = joinFormula(amounts);
    // pymatgen writes peroxides and elemental gases as molecules.
    static const std::unordered_map<std::string, std::string> kSpecial = {
        {"LiO", "Li2O2"}, {"NaO", "Na2O2"}, {"KO", "K2O2"}, {"HO", "H2O2"}, {"CsO", "Cs2O2"},
        {"RbO", "Rb2O2"}, {"O", "O2"}, {"N", "N2"}, {"F", "F2"}, {"Cl", "Cl2"}, {"H", "H2"}};
    if (auto it = kSpecial.find(formula); it != kSpecial.end()) return it->second;
    return formula;
}

std::vector<int> Structure::elements() const {
    std::vector<int> zs;
    for (const Site& s : m_sites) {
        if (std::find(zs.begin(), zs.end(), s.z) == zs.end()) zs.push_back(s.z);
    }
    return zs;
}

Structure Structure::scaledToVolumePerSite(double volumePerSiteA3) const {
    if (m_sites.empty()) throw ValueError("cannot scale a structure with no sites");
    Structure scaled = *this;
    scaled.m_lattice =
        m_lattice.scaledToVolume(volumePerSiteA3 * static_cast<double>(m_sites.size()));
    return scaled;
}

double Structure::minimumInteratomicDistance() const {
    double best = std::numeric_limits<double>::infinity();
    if (m_sites.empty()) return best;
    // Shortest lattice vector: the distance of any atom to its own images. It is no longer
    // than the shortest cell edge R, so |n_i| ≤ R·|row i of L⁻ᵀ| bounds the search.
    const Eigen::Matrix3d& rows = m_lattice.matrix();
    const Eigen::Matrix3d recip = m_lattice.reciprocalRows();
    const double edge = rows.rowwise().norm().minCoeff();
    int reach[3];
    for (int i = 0; i < 3; ++i) reach[i] = static_cast<int>(std::ceil(edge * recip.row(i).norm()));
    for (int i = -reach[0]; i <= reach[0]; ++i) {
        for (int j = -reach[1]; j <= reach[1]; ++j) {
            for (int k = -reach[2]; k <= reach[2]; ++k) {
                if (i == 0 && j == 0 && k == 0) continue;
                best = std::min(best, (rows.transpose() * Eigen::Vector3d(i, j, k)).norm());
            }
        }
    }
    for (std::size_t a = 0; a < m_sites.size(); ++a) {
        for (std::size_t b = a + 1; b < m_sites.size(); ++b) {
            best = std::min(best, m_lattice.minimumImageDistance(m_sites[a].frac, m_sites[b].frac));
        }
    }
    return best;
}

}  // namespace cw
