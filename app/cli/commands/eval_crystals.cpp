// cwb eval crystals: generated crystals judged as the crystal-generation field judges them
// (docs/spec/crystal-generation.md): validity, uniqueness, novelty, coverage, property
// statistics and space groups, as a printed table, report.json and a folder of files.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands/command.h"
#include "commands/crystal_summary.h"
#include "core/error.h"
#include "crystal_eval/crystal_images.h"
#include "crystal_eval/crystal_report.h"
#include "crystal_eval/crystal_report_files.h"
#include "io/structure_stream.h"
#include "progress_line.h"

namespace cw::cli {
namespace {

struct CrystalsOptions {
    std::string generated, reference, training, dataset, out;
    int threads = 0;
    std::size_t sampleSize = 1000;
    std::uint64_t seed = 0;
    bool noNearest = false;
    bool json = false;
    bool progress = false;
    EncodingDecodeSettings decode;
};

/// Every structure of an input; bad entries are reported on stderr and counted.
std::vector<Structure> readAll(const std::string& path, const std::string& role,
                               std::size_t* skipped) {
    ProblemLog problems;
    std::vector<Structure> structures = readStructures(path, &problems);
    for (const Problem& p : problems.problems()) {
        std::cerr << "cwb: skipped " << role << " " << p.where << ": " << p.reason << '\n';
    }
    *skipped += problems.count();
    if (structures.empty()) throw FormatError(path, "", "no " + role + " crystal could be read");
    return structures;
}

int runCrystals(const CrystalsOptions& o) {
    std::size_t skipped = 0;
    ProblemLog undecodable;
    std::vector<GeneratedCrystal> generated;
    if (auto images = readCrystalImages(o.generated, o.decode, undecodable)) {
        generated = std::move(*images);
    } else {
        for (const Structure& s : readAll(o.generated, "generated", &skipped)) {
            generated.push_back(toGeneratedCrystal(s));
        }
    }
    // A reference or training set given as a data set is its crystals through encode → decode.
    auto readSet = [&](const std::string& path, const char* role) {
        ProblemLog failed;
        if (auto images = readCrystalImages(path, o.decode, failed)) {
            std::vector<Structure> structures;
            for (const GeneratedCrystal& c : *images) {
                try {
                    structures.push_back(toStructure(c));
                } catch (const Error&) {
                    ++skipped;
                }
            }
            return structures;
        }
        return readAll(path, role, &skipped);
    };
    const std::vector<Structure> reference = readSet(o.reference, "reference");
    std::vector<Structure> training;
    if (!o.training.empty()) training = readSet(o.training, "training");
    for (const Problem& p : undecodable.problems())
        std::fprintf(stderr, "cwb: %s %s\n", p.where.c_str(), p.reason.c_str());
    if (!undecodable.empty()) {
        std::fprintf(stderr, "cwb: %zu of %zu generated images could not be decoded (invalid)\n",
                     undecodable.count(), generated.size());
    }
    CrystalReportOptions options;
    if (o.dataset.empty()) {
        options.coverage.reset();
    } else {
        options.coverage = coverageCutoffsFor(o.dataset);
    }
    options.properties.sampleSize = o.sampleSize;
    options.properties.seed = o.seed;
    options.nearestTraining = !o.noNearest;
    options.threads = o.threads;
    ProgressLine progress("crystals", o.progress);
    const CrystalReport report =
        evaluateGeneratedCrystals(generated, reference, training, options, &progress);
    progress.finish();

    if (!o.out.empty()) writeCrystalReport(o.out, report, reference, o.dataset);
    if (o.json) {
        std::fputs(crystalReportJson(report, o.dataset).c_str(), stdout);
    } else {
        printCrystalReportSummary(report, o.dataset);
        if (o.dataset.empty()) {
            std::printf("no coverage: name the data set (--dataset mp20|perov5|carbon24) for its cutoffs\n");
        }
        if (!o.out.empty()) std::printf("written to %s\n", o.out.c_str());
    }
    std::fflush(stdout);
    return skipped ? kExitBadInput : kExitOk;
}

}  // namespace

void addEvalCrystalsCommand(CLI::App& eval) {
    auto o = std::make_shared<CrystalsOptions>();
    CLI::App* cmd = eval.add_subcommand(
        "crystals",
        "Generated crystals as the field judges them: validity, uniqueness, novelty, coverage, "
        "property statistics");
    cmd->add_option("generated", o->generated,
                    "Generated crystals: a folder of CIF/POSCAR files, a collection (MP/Alexandria "
                    "JSON, a CDVAE CSV with a cif column), extended XYZ; or images decoded here: "
                    "a samples.npy (N × 4 × 64 × 64 CrysTens or N × 1 × 64 × 64 xtal2png, "
                    "values in [0, 1]; compact encodings described by the samples.json beside "
                    "it), a folder holding one, or a CrysTens/xtal2png data set")
        ->required();
    cmd->add_option("--reference", o->reference, "The reference (test) set, in the same formats")
        ->required();
    cmd->add_option("--training", o->training,
                    "The training set: novelty and each crystal's nearest training crystal");
    cmd->add_option("--dataset", o->dataset,
                    "The benchmark whose coverage cutoffs and published rows apply")
        ->check(CLI::IsMember({"mp20", "perov5", "carbon24"}));
    cmd->add_option("--out", o->out,
                    "Folder for report.json, crystals.csv, valid/ unique/ novel/ CIFs and figures");
    cmd->add_option("--sample-size", o->sampleSize,
                    "Valid crystals drawn for the property statistics (0: all; the field: 1000)")
        ->capture_default_str();
    cmd->add_option("--seed", o->seed, "Seed of that draw")->capture_default_str();
    cmd->add_option("--symmetrize", o->decode.symmetrizeA,
                    "Images: replace each decoded cell by spglib's standardised cell at this "
                    "symprec (Å); 0: keep the decoded P1 cell")
        ->capture_default_str();
    cmd->add_flag("--refine", o->decode.refine,
                  "xtal2png images: fit the coordinates to the decoded distance block");
    cmd->add_flag("--no-nearest", o->noNearest,
                  "Skip each crystal's nearest training crystal (novelty is still computed)");
    cmd->add_option("--threads", o->threads, "Worker threads (0: all cores)")->capture_default_str();
    cmd->add_flag("--json", o->json, "Print report.json instead of the table");
    cmd->add_flag("--progress", o->progress, "Progress line even when stderr is not a terminal");
    setAction(cmd, [o] { return runCrystals(*o); });
}

}  // namespace cw::cli
