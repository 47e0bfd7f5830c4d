// cwb info FILE: what a crystal is (formula, lattice, density, space group), as text or JSON;
// one line (JSON Lines) per entry for collections.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "commands/command.h"
#include "core/error.h"
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
    bool json = false;
    bool progress = false;
};

nlohmann::json infoJson(const Structure& s, const SpaceGroupInfo& sg) {
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
        {"space_group",
         {{"number", sg.number}, {"symbol", sg.international}, {"hall_number", sg.hallNumber},
          {"crystal_system", sg.crystalSystem}}},
        {"ordered", s.isOrdered()},
        {"species", species},
        {"frac", frac},
        {"properties", s.properties()}};
    if (!s.isOrdered()) j["occupancy"] = occupancy;
    return j;
}

void printText(const Structure& s, const SpaceGroupInfo& sg) {
    const LatticeParameters p = s.lattice().parameters();
    const Eigen::Matrix3d& m = s.lattice().matrix();
    std::printf("id            %s\n", s.id().c_str());
    std::printf("formula       %s (%s)\n", s.reducedFormula().c_str(), s.fullFormula().c_str());
    std::printf("sites         %zu%s\n", s.size(), s.isOrdered() ? "" : " (disordered)");
    std::printf("lattice       a = %.6f  b = %.6f  c = %.6f Å\n", p.a, p.b, p.c);
    std::printf("              α = %.4f  β = %.4f  γ = %.4f °\n", p.alpha, p.beta, p.gamma);
    for (int i = 0; i < 3; ++i) {
        std::printf("  %c           %12.6f %12.6f %12.6f\n", "abc"[i], m(i, 0), m(i, 1), m(i, 2));
    }
    std::printf("volume        %.6f Å³\n", s.lattice().volume());
    std::printf("density       %.6f g/cm³\n", s.densityGPerCm3());
    std::printf("space group   %s (%d)\n", sg.international.c_str(), sg.number);
    for (const auto& [name, value] : s.properties()) std::printf("%-13s %.10g\n", name.c_str(), value);
    std::printf("sites (fractional)\n");
    for (std::size_t i = 0; i < s.size(); ++i) {
        const Site& site = s.site(i);
        std::printf("  %4zu %-3s %12.8f %12.8f %12.8f", i, element(site.z).symbol, site.frac[0],
                    site.frac[1], site.frac[2]);
        if (site.occupancy != 1.0) std::printf("  occ %.4f", site.occupancy);
        std::printf("\n");
    }
}

void printLine(const Structure& s, const SpaceGroupInfo& sg) {
    std::printf("%-14s %-16s %4zu sites  %-10s %3d  V %10.4f Å³  ρ %8.4f g/cm³\n", s.id().c_str(),
                s.reducedFormula().c_str(), s.size(), sg.international.c_str(), sg.number,
                s.lattice().volume(), s.densityGPerCm3());
}

int runInfo(const InfoOptions& options) {
    ProblemLog problems;
    ProgressLine progress("structures", options.progress);
    std::optional<Structure> first;  // held back: one structure prints in full, several as lines
    std::size_t delivered = 0;
    auto emit = [&](const Structure& s, bool asLine) {
        const SpaceGroupInfo sg = analyzeSpaceGroup(s, options.symmetry);
        if (options.json) std::cout << infoJson(s, sg).dump() << '\n';
        else if (asLine) printLine(s, sg);
        else printText(s, sg);
    };
    forEachStructure(
        options.file,
        [&](Structure&& s, std::size_t index) {
            if (!options.id.empty() && s.id() != options.id) return true;
            ++delivered;
            try {
                if (delivered == 1) first = std::move(s);
                else {
                    if (first) {
                        emit(*first, true);
                        first.reset();
                    }
                    emit(s, true);
                }
            } catch (const Error& e) {
                problems.add(options.file + ":entry " + std::to_string(index), e.what());
            }
            progress.report({"info", static_cast<std::int64_t>(index + 1), 0, {}});
            return options.id.empty();  // an id names one entry: stop at it
        },
        problems);
    progress.finish();
    if (first) emit(*first, false);
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
        std::cerr << "cwb: " << delivered << " structures, " << problems.count() << " skipped\n";
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
    cmd->add_option("--symprec", options->symmetry.symprecA, "spglib distance tolerance (Å)")
        ->capture_default_str();
    cmd->add_option("--angle-tolerance", options->symmetry.angleToleranceDeg,
                    "spglib angle tolerance (degrees; negative: spglib's default)")
        ->capture_default_str();
    cmd->add_flag("--json", options->json, "One JSON object per structure (JSON Lines)");
    cmd->add_flag("--progress", options->progress, "Progress line even when stderr is not a terminal");
    setAction(cmd, [options] { return runInfo(*options); });
}

}  // namespace cw::cli
