#include "io/pymatgen_json.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "crystal/elements.h"

namespace cw {
namespace {

using nlohmann::json;

/// A finite number at `key` of `object`, or a FormatError naming `location` and `what`.
double finiteNumber(const json& value, const std::string& where, const std::string& location,
                    const std::string& what) {
    if (!value.is_number()) {
        throw FormatError(where, location, what + " is not a number (" + value.dump() + ")");
    }
    const double x = value.get<double>();
    if (!std::isfinite(x)) throw FormatError(where, location, what + " is not finite");
    return x;
}

Eigen::Vector3d vector3(const json& value, const std::string& where, const std::string& location,
                        const std::string& what) {
    if (!value.is_array() || value.size() != 3) {
        throw FormatError(where, location, what + " must be an array of three numbers");
    }
    Eigen::Vector3d v;
    for (int i = 0; i < 3; ++i) {
        v[i] = finiteNumber(value[static_cast<std::size_t>(i)], where, location, what);
    }
    return v;
}

Lattice latticeFromDict(const json& dict, const std::string& where) {
    const auto it = dict.find("lattice");
    if (it == dict.end() || it->is_null()) {
        throw FormatError(where, "lattice", "missing lattice (not a periodic structure)");
    }
    if (!it->is_object()) throw FormatError(where, "lattice", "lattice must be an object");
    try {
        if (const auto matrix = it->find("matrix"); matrix != it->end()) {
            if (!matrix->is_array() || matrix->size() != 3) {
                throw FormatError(where, "lattice.matrix", "must hold three rows a, b, c");
            }
            Eigen::Matrix3d rows;
            for (int r = 0; r < 3; ++r) {
                rows.row(r) = vector3((*matrix)[static_cast<std::size_t>(r)], where,
                                      "lattice.matrix", "row " + std::to_string(r))
                                  .transpose();
            }
            return Lattice(rows);
        }
        // pymatgen's Lattice.from_dict also accepts bare parameters.
        LatticeParameters p;
        const char* names[] = {"a", "b", "c", "alpha", "beta", "gamma"};
        double* fields[] = {&p.a, &p.b, &p.c, &p.alpha, &p.beta, &p.gamma};
        for (int i = 0; i < 6; ++i) {
            const auto value = it->find(names[i]);
            if (value == it->end()) {
                throw FormatError(where, "lattice", "missing lattice.matrix (and parameters)");
            }
            *fields[i] = finiteNumber(*value, where, "lattice", names[i]);
        }
        return Lattice::fromParameters(p);
    } catch (const ValueError& e) {
        throw FormatError(where, "lattice", e.what());
    }
}

}  // namespace

Structure structureFromPymatgenDict(const nlohmann::json& dict, const std::string& where) {
    if (!dict.is_object()) {
        throw FormatError(where, "", "not a pymatgen Structure dict (expected a JSON object)");
    }
    Structure structure(latticeFromDict(dict, where), {});
    const auto sites = dict.find("sites");
    if (sites == dict.end() || !sites->is_array()) {
        throw FormatError(where, "sites", "missing sites array");
    }
    structure.sites().reserve(sites->size());
    for (std::size_t i = 0; i < sites->size(); ++i) {
        const json& site = (*sites)[i];
        const std::string location = "sites[" + std::to_string(i) + "]";
        if (!site.is_object()) throw FormatError(where, location, "site is not an object");

        Eigen::Vector3d frac;
        if (const auto abc = site.find("abc"); abc != site.end()) {
            frac = vector3(*abc, where, location, "abc");
        } else if (const auto xyz = site.find("xyz"); xyz != site.end()) {
            frac = structure.lattice().toFractional(vector3(*xyz, where, location, "xyz"));
        } else {
            throw FormatError(where, location, "site has neither abc nor xyz coordinates");
        }
        std::string label;
        if (const auto l = site.find("label"); l != site.end() && l->is_string()) {
            label = l->get<std::string>();
        }

        const auto species = site.find("species");
        if (species == site.end() || !species->is_array() || species->empty()) {
            throw FormatError(where, location, "site has no species");
        }
        double total = 0;
        for (const json& entry : *species) {
            const auto element = entry.find("element");
            if (!entry.is_object() || element == entry.end() || !element->is_string()) {
                throw FormatError(where, location, "species entry without an element symbol");
            }
            const std::string symbol = element->get<std::string>();
            const auto z = findAtomicNumber(symbol);
            if (!z) throw FormatError(where, location, "unknown element '" + symbol + "'");
            double occupancy = 1.0;
            if (const auto occu = entry.find("occu"); occu != entry.end()) {
                occupancy = finiteNumber(*occu, where, location, "occupancy of " + symbol);
            }
            if (!(occupancy > 0.0 && occupancy <= 1.0 + 1e-6)) {
                throw FormatError(where, location,
                                  "occupancy of " + symbol + " must be in (0, 1], got " +
                                      std::to_string(occupancy));
            }
            total += occupancy;
            structure.addSite({*z, frac, label.empty() ? symbol : label, std::min(occupancy, 1.0)});
        }
        if (total > 1.0 + 1e-6) {
            throw FormatError(where, location,
                              "occupancies add up to " + std::to_string(total) + " (more than 1)");
        }
    }
    // Newer pymatgen writes structure-level properties; keep the numeric ones.
    if (const auto props = dict.find("properties"); props != dict.end() && props->is_object()) {
        for (const auto& [key, value] : props->items()) {
            if (value.is_number() && std::isfinite(value.get<double>())) {
                structure.setProperty(key, value.get<double>());
            }
        }
    }
    return structure;
}

nlohmann::json structureToPymatgenDict(const Structure& structure) {
    const Lattice& lattice = structure.lattice();
    const LatticeParameters p = lattice.parameters();
    json matrix = json::array();
    for (int r = 0; r < 3; ++r) {
        matrix.push_back({lattice.matrix()(r, 0), lattice.matrix()(r, 1), lattice.matrix()(r, 2)});
    }
    json sites = json::array();
    for (const Site& site : structure.sites()) {
        const char* symbol = element(site.z).symbol;
        const Eigen::Vector3d xyz = lattice.toCartesian(site.frac);
        json species = json::object();
        species["element"] = symbol;
        species["occu"] = site.occupancy;
        sites.push_back({
            {"species", json::array({species})},
            {"abc", {site.frac.x(), site.frac.y(), site.frac.z()}},
            {"xyz", {xyz.x(), xyz.y(), xyz.z()}},
            {"label", site.label.empty() ? std::string(symbol) : site.label},
            {"properties", json::object()},
        });
    }
    json properties = json::object();
    for (const auto& [key, value] : structure.properties()) properties[key] = value;
    return {
        {"@module", "pymatgen.core.structure"},
        {"@class", "Structure"},
        {"charge", 0},
        {"lattice",
         {{"matrix", matrix},
          {"pbc", {true, true, true}},
          {"a", p.a},
          {"b", p.b},
          {"c", p.c},
          {"alpha", p.alpha},
          {"beta", p.beta},
          {"gamma", p.gamma},
          {"volume", lattice.volume()}}},
        {"sites", sites},
        {"properties", properties},
    };
}

}  // namespace cw
