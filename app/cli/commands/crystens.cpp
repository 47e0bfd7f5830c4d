// cwb crystens build|merge: data sets of CrysTens tensors or xtal2png images from structure
// collections, with a property table and a split by material (docs/encoding-datasets.md).
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <tuple>

#include "build_job.h"
#include "commands/command.h"
#include "core/error.h"
#include "dataset/encoding_builder.h"
#include "dataset/store.h"
#include "progress_line.h"

namespace cw::cli {
namespace {

struct CrystensBuildOptions {
    EncodingDatasetOptions dataset;
    EncodingBuildSettings settings;
    std::string encoding = "crystens";
    std::string cell = "as-is";
    std::string shard = "0/1";
    std::string split = "0.64,0.16,0.20";
    std::string maxEAboveHull = "0.1";
    bool progress = false;
};

/// Passes the "structures" events to the progress line (the "unit" events would reset it).
class StructureEvents final : public ProgressSink {
public:
    explicit StructureEvents(ProgressSink& target) : m_target(target) {}
    void report(const ProgressEvent& event) override {
        if (event.stage == "structures") m_target.report(event);
    }

private:
    ProgressSink& m_target;
};

int runCrystensBuild(CrystensBuildOptions o) {
    EncodingDatasetOptions& d = o.dataset;
    d.setEncodingName(o.encoding);
    d.cell = parseCellChoice(o.cell);
    std::tie(d.shardIndex, d.shardCount) = parseShard(o.shard);
    d.split = parseSplitFractions(o.split);
    d.maxEAboveHull = parseMaxEAboveHull(o.maxEAboveHull);
    d.validate();

    const InterruptToStop interrupt;
    ProgressLine line("structures", o.progress);
    StructureEvents events(line);
    const EncodingBuildResult r = buildEncodingDataset(d, o.settings, events, interrupt.token());
    line.finish();

    if (r.cancelled) return reportInterruptedBuild(r.units, o.settings.outDir);
    std::printf("wrote %zu %s item(s) in %zu shard(s) to %s (%zu resumed)\n", r.rows,
                d.encodingSpec().name.c_str(), r.units, o.settings.outDir.c_str(),
                r.unitsResumed);
    std::printf("split train %zu, val %zu, test %zu\n", r.perSplit[0], r.perSplit[1],
                r.perSplit[2]);
    printSkipSummary(r.skippedByReason);
    return kExitOk;
}

}  // namespace

void registerCrystensCommand(CLI::App& app) {
    CLI::App* cmd = app.add_subcommand(
        "crystens", "Data sets of encoded crystals (CrysTens tensors or xtal2png images)");
    cmd->require_subcommand(1);

    auto build = std::make_shared<CrystensBuildOptions>();
    CLI::App* b = cmd->add_subcommand(
        "build", "Build (or resume) an encoding data set: .npy shards + properties.csv");
    b->add_option("inputs", build->dataset.inputs,
                  "Collections: MP/Alexandria JSON (.gz/.bz2), CIF, POSCAR, XYZ, folders")
        ->required();
    b->add_option("--out", build->settings.outDir, "Data-set directory")->required();
    b->add_option("--encoding", build->encoding,
                  "crystens (64×64×4 float32), xtal2png (64×64 uint8), or their compact "
                  "variants crystens-compact and xtal2png-compact for fewer than 52 sites "
                  "(--max-sites N: side 12 + N padded to a multiple of 16, at least 32)")
        ->capture_default_str();
    b->add_option("--max-sites", build->dataset.maxSites, "Skip structures with more sites (≤ 52); the compact layout's capacity")
        ->capture_default_str();
    b->add_option("--max-e-above-hull", build->maxEAboveHull,
                  "Skip structures above the hull by more (eV/atom), or 'off'")
        ->capture_default_str();
    b->add_option("--threads", build->settings.threads, "Worker threads (0: all cores)")
        ->capture_default_str();
    b->add_option("--shard", build->shard, "Build only entries with index mod N == I (I/N)")
        ->capture_default_str();
    b->add_option("--seed", build->dataset.seed, "Split seed")->capture_default_str();
    b->add_option("--split", build->split, "Train,val,test fractions by material")
        ->capture_default_str();
    b->add_option("--cell", build->cell, "as-is, primitive, conventional or niggli")
        ->capture_default_str();
    b->add_flag("--raw", build->dataset.raw, "CrysTens: store raw values, not normalised");
    b->add_option("--structures-per-shard", build->dataset.structuresPerShard,
                  "Structures per .npy shard (the resume unit)")
        ->capture_default_str();
    b->add_option("--png-dir", build->settings.pngDir,
                  "Also export xtal2png PNGs named as upstream names them");
    b->add_flag("--progress", build->progress, "Draw the progress line even when not a terminal");
    setAction(b, [build] { return runCrystensBuild(*build); });

    auto merge = std::make_shared<std::pair<std::vector<std::string>, std::string>>();
    CLI::App* m = cmd->add_subcommand(
        "merge", "Join the shard directories of one `crystens build --shard I/N` command");
    m->add_option("dirs", merge->first, "Finished shard directories, in order")->required();
    m->add_option("--out", merge->second, "New (empty) data-set directory")->required();
    setAction(m, [merge] {
        const MergeResult r = mergeEncodingDatasets(merge->first, merge->second);
        std::printf("merged %zu item(s) in %zu shard(s) from %zu director%s into %s\n", r.slices,
                    r.shards, r.sources, r.sources == 1 ? "y" : "ies", merge->second.c_str());
        return kExitOk;
    });
}

}  // namespace cw::cli
