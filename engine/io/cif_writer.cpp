// P1 CIF writing. Written by hand rather than with gemmi's writer: gemmi formats numbers with
// fewer digits than an exact round trip needs and writes no symmetry loop or space-group number.
#include <cctype>
#include <cmath>
#include <cstdio>
#include <set>

#include "core/atomic_file.h"
#include "core/error.h"
#include "crystal/elements.h"
#include "io/cif.h"

namespace cw {
namespace {

/// 17 significant digits: enough for every double to read back bit-exact.
std::string exact(double value) {
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.17g", value);
    return buffer;
}

/// A CIF token without whitespace or quote characters, so it needs no quoting; CIF forbids
/// values that start with '_', '#', '$', ';' or a quote, or that are reserved words.
std::string token(const std::string& text, const std::string& fallback) {
    std::string out;
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        out += (u <= ' ' || u >= 0x7f || c == '\'' || c == '"') ? '_' : c;
    }
    if (out.empty()) return fallback;
    if (std::string("_#$;[]").find(out.front()) != std::string::npos) out = "x" + out;
    return out;
}

std::string blockName(const Structure& structure) {
    return token(structure.id(), "structure");
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string blockText(const Structure& structure, const std::string& name) {
    if (structure.size() == 0) {
        throw ValueError("cannot write structure '" + structure.id() + "' as CIF: it has no sites");
    }
    const LatticeParameters p = structure.lattice().parameters();
    std::string out = "data_" + name + "\n";
    out += "_symmetry_space_group_name_H-M   'P 1'\n";
    out += "_space_group_IT_number           1\n";
    out += "_cell_length_a      " + exact(p.a) + "\n";
    out += "_cell_length_b      " + exact(p.b) + "\n";
    out += "_cell_length_c      " + exact(p.c) + "\n";
    out += "_cell_angle_alpha   " + exact(p.alpha) + "\n";
    out += "_cell_angle_beta    " + exact(p.beta) + "\n";
    out += "_cell_angle_gamma   " + exact(p.gamma) + "\n";
    out += "_cell_volume        " + exact(structure.lattice().volume()) + "\n";
    out += "loop_\n _symmetry_equiv_pos_site_id\n _symmetry_equiv_pos_as_xyz\n  1  'x, y, z'\n";
    out +=
        "loop_\n _atom_site_label\n _atom_site_type_symbol\n _atom_site_fract_x\n"
        " _atom_site_fract_y\n _atom_site_fract_z\n _atom_site_occupancy\n";
    // Labels must be unique for most CIF programs; sites expanded from one asymmetric-unit
    // label all carry it, so repeats get a suffix.
    std::set<std::string> used;
    std::size_t index = 0;
    for (const Site& site : structure.sites()) {
        ++index;
        if (!site.frac.allFinite()) {
            throw ValueError("cannot write structure '" + structure.id() + "' as CIF: site " +
                             std::to_string(index) + " has a non-finite coordinate");
        }
        const std::string symbol = element(site.z).symbol;
        std::string label = token(site.label, symbol + std::to_string(index));
        if (used.count(lower(label))) {
            const std::string base = label;
            for (int k = 2; used.count(lower(label)); ++k) label = base + "_" + std::to_string(k);
        }
        used.insert(lower(label));
        out += "  " + label + "  " + symbol + "  " + exact(site.frac[0]) + "  " +
               exact(site.frac[1]) + "  " + exact(site.frac[2]) + "  " + exact(site.occupancy) +
               "\n";
    }
    return out;
}

}  // namespace

std::string toCifText(const Structure& structure) {
    return "# Written by Crystal Workbench (P 1, all sites)\n" +
           blockText(structure, blockName(structure));
}

std::string toCifText(const std::vector<Structure>& structures) {
    std::string out = "# Written by Crystal Workbench (P 1, all sites)\n";
    // Block names must differ (case-insensitively) or CIF readers reject the whole file.
    std::set<std::string> used;
    for (const Structure& structure : structures) {
        std::string name = blockName(structure);
        if (used.count(lower(name))) {
            const std::string base = name;
            for (int k = 2; used.count(lower(name)); ++k) name = base + "_" + std::to_string(k);
        }
        used.insert(lower(name));
        out += blockText(structure, name) + "\n";
    }
    return out;
}

void writeCif(const std::string& path, const Structure& structure) {
    writeFileAtomically(path, toCifText(structure));
}

void writeCif(const std::string& path, const std::vector<Structure>& structures) {
    writeFileAtomically(path, toCifText(structures));
}

}  // namespace cw
