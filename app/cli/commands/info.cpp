// cwb info FILE: what a crystal is (formula, lattice, density, space group), as text or JSON;
// one line (JSON Lines) per entry for collections.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <algorithm>
#include <cmath>

#include "commands/command.h"
#include "core/error.h"
#include "core/parallel.h"
#include "crystal/elements.h"
#include "io/structure_stream.h"
#include "progress_line.h"
#include "symmetry/space_group.h"

namespace cw::cli {
namespace {

struct InfoOptions {
    std::string file;
    std::string id;
    SymmetryOptions symmetry;
    std::string symprec = "0.01";  ///< Å, or "auto": looser tolerances until spglib finds a group
    bool json = false;
    bool progress = false;
    int threads = 0;
};

/// The space group at the first of `symprecs` (Å) where spglib finds one; when none does, the
/// answer at the last, with its failure reason. `used` receives the symprec of the answer.
SpaceGroupInfo spaceGroupAtFirstTolerance(const Structure& s, SymmetryOptions options,
                                          const std::vector<double>& symprecs, double* used) {
    SpaceGroupInfo sg;
    for (double symprec : symprecs) {
        options.symprecA = symprec;
        *used = symprec;
        sg = analyzeSpaceGroup(s, options);
        if (sg.number != 0) break;
    }
    return sg;
}

nlohmann::json spaceGroupJson(const SpaceGroupInfo& sg, double symprec) {
    if (sg.number == 0) return nullptr;
    return {{"number", sg.number}, {"symbol", sg.international}, {"hall_number", sg.hallNumber},
            {"crystal_system", sg.crystalSystem}, {"symprec", symprec}};
}

nlohmann::json infoJson(const Structure& s, const SpaceGroupInfo& sg, double symprec) {
    const LatticeParameters p = s.lattice().parameters();
    nlohmann::json matrix = nlohmann::json::array();
    for (int i = 0; i < 3; ++i) {
        matrix.push_back({s.lattice().matrix()(i, 0), s.lattice().matrix()(i, 1), s.lattice().matrix()(i, 2)});
    }
    nlohmann::json species = nlohmann::json::array(), frac = nlohmann::json::array(),
                   occupancy = nlohmann::json::array();
    for (const Site& site : s.sites()) {
        species.push_back(element(site.z).symbol);
        frac.push_back({site.frac[0], site.frac[1], site.frac[2]});
        occupancy.push_back(site.occupancy);
    }
    nlohmann::json j = {
        {"id", s.id()},
        {"formula", s.reducedFormula()},
        {"full_formula", s.fullFormula()},
        {"nsites", s.size()},
        {"lattice",
         {{"a", p.a}, {"b", p.b}, {"c", p.c}, {"alpha", p.alpha}, {"beta", p.beta}, {"gamma", p.gamma},
          {"matrix", matrix}}},
        {"volume", s.lattice().volume()},
        {"density", s.densityGPerCm3()},
        {"space_group", spaceGroupJson(sg, symprec)},
        {"ordered", s.isOrdered()},
        {"species", species},
        {"frac", frac},
        {"properties", s.properties()}};
    if (!s.isOrdered()) j["occupancy"] = occupancy;
    if (sg.number == 0) j["warning"] = sg.failure;
    return j;
}

/// printf into a std::string (the text output is built off the printing thread).
template <typename... Args>
void appendf(std::string& out, const char* format, Args... args) {
    char buffer[512];
    const int n = std::snprintf(buffer, sizeof buffer, format, args...);
    if (n > 0) out.append(buffer, std::min<std::size_t>(static_cast<std::size_t>(n), sizeof buffer - 1));
}

std::string spaceGroupText(const SpaceGroupInfo& sg, double symprec) {
    if (sg.number == 0) return "none: " + sg.failure;
    char buffer[160];
    std::snprintf(buffer, sizeof buffer, "%s (%d) at symprec %g Å", sg.international.c_str(),
                  sg.number, symprec);
    return buffer;
}

std::string formatText(const Structure& s, const SpaceGroupInfo& sg, double symprec) {
    const LatticeParameters p = s.lattice().parameters();
    const Eigen::Matrix3d& m = s.lattice().matrix();
    std::string out;
    appendf(out, "id            %s\n", s.id().c_str());
    appendf(out, "formula       %s (%s)\n", s.reducedFormula().c_str(), s.fullFormula().c_str());
    appendf(out, "sites         %zu%s\n", s.size(), s.isOrdered() ? "" : " (disordered)");
    appendf(out, "lattice       a = %.6f  b = %.6f  c = %.6f Å\n", p.a, p.b, p.c);
    appendf(out, "              α = %.4f  β = %.4f  γ = %.4f °\n", p.alpha, p.beta, p.gamma);
    for (int i = 0; i < 3; ++i) {
        appendf(out, "  %c           %12.6f %12.6f %12.6f\n", "abc"[i], m(i, 0), m(i, 1), m(i, 2));
    }
    appendf(out, "volume        %.6f Å³\n", s.lattice().volume());
    appendf(out, "density       %.6f g/cm³\n", s.densityGPerCm3());
    out += "space group   " + spaceGroupText(sg, symprec) + "\n";
    for (const auto& [name, value] : s.properties()) appendf(out, "%-13s %.10g\n", name.c_str(), value);
    appendf(out, "sites (fractional)\n");
    for (std::size_t i = 0; i < s.size(); ++i) {
        const Site& site = s.site(i);
        appendf(out, "  %4zu %-3s %12.8f %12.8f %12.8f", i, element(site.z).symbol, site.frac[0],
                    site.frac[1], site.frac[2]);
        if (site.occupancy != 1.0) appendf(out, "  occ %.4f", site.occupancy);
        appendf(out, "\n");
    }
    return out;
}

std::string formatLine(const Structure& s, const SpaceGroupInfo& sg) {
    std::string out;
    const std::string symbol = sg.number == 0 ? "none" : sg.international;
    const std::string number = sg.number == 0 ? "  -" : std::to_string(sg.number);
    appendf(out, "%-14s %-16s %4zu sites  %-10s %3s  V %10.4f Å³  ρ %8.4f g/cm³\n", s.id().c_str(),
                s.reducedFormula().c_str(), s.size(), symbol.c_str(), number.c_str(),
                s.lattice().volume(), s.densityGPerCm3());
    return out;
}

/// One structure waiting for analysis; analysed in parallel, printed in input order.
struct PendingEntry {
    Structure structure;
    std::size_t index = 0;
    std::string output;
    std::string warning;  ///< no space group found: why
    std::string error;
};

/// The symprecs to try (Å): the one given, or with "auto" spglib's default and looser ones.
std::vector<double> symprecLadder(const std::string& text) {
    if (text == "auto") return {0.01, 0.03, 0.1, 0.3};
    std::size_t used = 0;
    double value = 0;
    try {
        value = std::stod(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != text.size() || !(value > 0) || !std::isfinite(value)) {
        throw ConfigError("--symprec must be a positive length in Å or 'auto', got '" + text + "'");
    }
    return {value};
}

std::string render(const Structure& s, const SymmetryOptions& symmetry,
                   const std::vector<double>& symprecs, bool json, bool asLine,
                   std::string* warning) {
    double used = 0;
    const SpaceGroupInfo sg = spaceGroupAtFirstTolerance(s, symmetry, symprecs, &used);
    if (sg.number == 0) *warning = sg.failure;
    if (json) return infoJson(s, sg, used).dump() + "\n";
    if (asLine) return formatLine(s, sg);
    return formatText(s, sg, used);
}

int runInfo(const InfoOptions& options) {
    constexpr std::size_t kBatch = 256;
    const int threads = resolveThreadCount(options.threads);
    const std::vector<double> symprecs = symprecLadder(options.symprec);
    std::size_t noGroup = 0;
    ProblemLog problems;
    ProgressLine progress("structures", options.progress);
    std::vector<PendingEntry> batch;
    std::size_t delivered = 0;
    bool printedAny = false;

    // spglib dominates (~4 ms a structure): analyse a batch on all threads, print in order.
    auto flush = [&](bool asLine) {
        parallelFor(batch.size(), threads, [&](std::size_t i) {
            try {
                batch[i].output = render(batch[i].structure, options.symmetry, symprecs,
                                         options.json, asLine, &batch[i].warning);
            } catch (const Error& e) {
                batch[i].error = e.what();
            }
        });
        for (const PendingEntry& entry : batch) {
            if (!entry.error.empty()) {
                problems.add(options.file + ":entry " + std::to_string(entry.index) + " (" +
                                 entry.structure.id() + ")",
                             entry.error);
            } else {
                std::fputs(entry.output.c_str(), stdout);
                // The text of a lone structure says it already; lines and JSON warn on stderr.
                if (!entry.warning.empty()) {
                    ++noGroup;
                    if (asLine || options.json) {
                        std::cerr << "cwb: warning: " << entry.structure.id() << ": "
                                  << entry.warning << '\n';
                    }
                }
            }
        }
        printedAny = printedAny || !batch.empty();
        batch.clear();
    };
    forEachStructure(
        options.file,
        [&](Structure&& s, std::size_t index) {
            if (!options.id.empty() && s.id() != options.id) return true;
            ++delivered;
            batch.push_back({std::move(s), index, {}, {}, {}});
            if (batch.size() >= kBatch) flush(true);
            progress.report({"info", static_cast<std::int64_t>(index + 1), 0, {}});
            return options.id.empty();  // an id names one entry: stop at it
        },
        problems);
    progress.finish();
    // A lone structure prints in full; a collection prints one line per entry.
    flush(printedAny || batch.size() > 1);
    std::fflush(stdout);
    for (const Problem& p : problems.problems()) {
        std::cerr << "cwb: skipped " << p.where << ": " << p.reason << '\n';
    }
    if (problems.count() > problems.problems().size()) {
        std::cerr << "cwb: … and " << problems.count() - problems.problems().size() << " more\n";
    }
    if (delivered == 0 && !options.id.empty()) {
        throw FormatError(options.file, "", "no entry with id '" + options.id + "'");
    }
    if (delivered == 0 && problems.empty()) throw FormatError(options.file, "", "no structure found");
    if (delivered > 1 || !problems.empty()) {
        std::cerr << "cwb: " << delivered << " structures, " << problems.count() << " skipped";
        if (noGroup > 0) std::cerr << ", " << noGroup << " without a space group";
        std::cerr << '\n';
    }
    return problems.empty() ? kExitOk : kExitBadInput;
}

}  // namespace

void registerInfoCommand(CLI::App& app) {
    auto options = std::make_shared<InfoOptions>();
    CLI::App* cmd = app.add_subcommand("info", "Formula, lattice, density and space group of crystals");
    cmd->add_option("file", options->file, "CIF, POSCAR, pymatgen/MP/Alexandria JSON, XYZ or folder")
        ->required();
    cmd->add_option("--id", options->id, "Only the entry with this id (material id, block, stem)");
    cmd->add_option("--symprec", options->symprec,
                    "spglib distance tolerance (Å), or 'auto': 0.01, then 0.03, 0.1 and 0.3 Å "
                    "until a space group is found")
        ->capture_default_str();
    cmd->add_option("--angle-tolerance", options->symmetry.angleToleranceDeg,
                    "spglib angle tolerance (degrees; negative: spglib's default)")
        ->capture_default_str();
    cmd->add_option("--threads", options->threads, "Worker threads (0: all cores)")
        ->capture_default_str();
    cmd->add_flag("--json", options->json, "One JSON object per structure (JSON Lines)");
    cmd->add_flag("--progress", options->progress, "Progress line even when stderr is not a terminal");
    setAction(cmd, [options] { return runInfo(*options); });
}

}  // namespace cw::cli
