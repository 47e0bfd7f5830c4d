// cwb generate: crystals from a trained CrysTens/xtal2png diffusion run (or the shipped
// Perov-5 model) end to end: sample, decode, optionally symmetrise and refine, write CIFs and
// judge them (docs/generate.md). Re-running the same command resumes it.
#include "commands/command.h"

#ifdef CW_WITH_TORCH
#include <cstdio>
#include <memory>
#include <stop_token>

#include "build_job.h"
#include "commands/crystal_summary.h"
#include "core/error.h"
#include "ml/generation/crystal_generation.h"
#include "progress_line.h"

namespace cw::cli {
namespace {

struct GenerateFlags {
    ml::GenerationRequest request;
    std::string outDir, sampler = "ddim", clipping = "static", condition, guideTargets;
    bool raw = false, progress = false, json = false;
};

int runGenerate(GenerateFlags f) {
    ml::GenerationRequest& r = f.request;
    if (r.runDir.empty()) {
        r.runDir = ml::defaultGenerationRun();
        if (r.runDir.empty())
            throw ConfigError("no --run given and no shipped model found (resources/models/perov5-crystens, "
                              "or set CW_MODEL_DIR)");
        std::fprintf(stderr, "cwb: using the shipped model %s\n", r.runDir.c_str());
    }
    ml::SampleRequest& s = r.sample;
    s.sampler.kind = ml::parseSampler(f.sampler);
    s.sampler.clipping = ml::parseClipping(f.clipping);
    s.useEma = !f.raw;
    s.guideTargets = ml::parseGuideTargets(f.guideTargets);
    if (!f.condition.empty()) {
        std::size_t start = 0;
        while (start <= f.condition.size()) {
            const std::size_t comma = f.condition.find(',', start);
            s.conditionValues.push_back(std::stod(f.condition.substr(start, comma - start)));
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }

    const InterruptToStop interrupt;
    ProgressLine line("crystals", f.progress);
    const ml::GenerationResult result = ml::generateCrystals(r, f.outDir, line, interrupt.token());
    line.finish();
    if (result.cancelled) {
        std::fprintf(stderr,
                     "stopped: %zu of %d crystal(s) kept in %s; run the same command again to resume\n",
                     result.generated, s.count, f.outDir.c_str());
        return kExitBadInput;
    }
    for (const std::string& u : result.undecodable) std::fprintf(stderr, "cwb: %s\n", u.c_str());
    for (const std::string& u : result.skipped) std::fprintf(stderr, "cwb: skipped %s\n", u.c_str());
    printCrystalReportSummary(result.report, r.dataset);
    std::printf("decoded %zu of %zu image(s); %zu batch(es) resumed; sampling %.2f images/s, "
                "end to end %.2f crystals/s\nwritten to %s (cifs/, report.json, crystals.csv)\n",
                result.decoded, result.generated, result.batchesResumed, result.imagesPerSecond,
                result.crystalsPerSecond, f.outDir.c_str());
    return kExitOk;
}

}  // namespace

void registerGenerateCommand(CLI::App& app) {
    auto f = std::make_shared<GenerateFlags>();
    ml::GenerationRequest& r = f->request;
    r.sample.count = 100;
    CLI::App* g = app.add_subcommand(
        "generate",
        "Generate crystals end to end: sample a CrysTens/xtal2png run, decode, write CIFs, judge them");
    g->add_option("--run", r.runDir,
                  "A diffusion run trained on an encoding data set; without it the shipped Perov-5 "
                  "model (resources/models/perov5-crystens)");
    g->add_option("--out", f->outDir, "Output folder (new, or the same folder to resume)")->required();
    g->add_option("--reference", r.reference,
                  "The reference (test) crystals: a collection (CDVAE CSV, MP JSON, CIF folder, …) "
                  "or an encoding data set")
        ->required();
    g->add_option("--training", r.training, "The training crystals: novelty and nearest training crystal");
    g->add_option("--dataset", r.dataset, "The benchmark whose coverage cutoffs and published rows apply")
        ->check(CLI::IsMember({"mp20", "perov5", "carbon24"}));
    g->add_option("--n", r.sample.count, "Crystals to generate")->capture_default_str();
    g->add_option("--batch", r.sample.batchSize, "Images per batch (the resume unit)")->capture_default_str();
    g->add_option("--checkpoint", r.sample.checkpoint, "latest, a step number, or a path")->capture_default_str();
    g->add_option("--sampler", f->sampler, "ddim or ddpm")->capture_default_str();
    g->add_option("--sampling-steps", r.sample.sampler.samplingSteps, "DDIM steps")->capture_default_str();
    g->add_option("--eta", r.sample.sampler.eta, "DDIM η (0: deterministic)")->capture_default_str();
    g->add_option("--guidance", r.sample.sampler.guidanceScale, "Classifier-free guidance scale w")
        ->capture_default_str();
    g->add_option("--clip", f->clipping, "none, static or dynamic")->capture_default_str();
    g->add_option("--seed", r.sample.sampler.seed, "Noise seed")->capture_default_str();
    g->add_option("--space-group", r.sample.spaceGroup, "Space group 1–230 (space-group runs)");
    g->add_option("--condition", f->condition, "Property values in data units (property runs)");
    g->add_option("--guide", r.sample.guideRun, "Props run for classifier guidance (cwb props train --noisy-for)");
    g->add_option("--guide-target", f->guideTargets, "Guided property values: band_gap=2.0[,…]");
    g->add_option("--guide-scale", r.sample.guideScale, "Classifier-guidance scale S (0: off)")
        ->capture_default_str();
    g->add_option("--symmetrize", r.decode.symmetrizeA,
                  "Replace each decoded cell by spglib's standardised cell at this symprec (Å); 0: keep P1")
        ->capture_default_str();
    g->add_flag("--refine", r.decode.refine, "xtal2png: fit coordinates to the decoded distance block");
    g->add_flag("--raw-weights", f->raw, "Use the raw weights instead of the EMA");
    g->add_option("--sample-size", r.report.properties.sampleSize,
                  "Valid crystals drawn for the property statistics (0: all)")
        ->capture_default_str();
    g->add_flag("--no-nearest", [&r](std::int64_t) { r.report.nearestTraining = false; },
                "Skip each crystal's nearest training crystal");
    g->add_option("--device", r.sample.device, "auto, cpu, cuda or cuda:N")->capture_default_str();
    g->add_option("--threads", r.sample.threads, "CPU threads for sampling (0: the cores free of other work)")->capture_default_str();
    g->add_flag("--progress", f->progress, "Progress line even when stderr is not a terminal");
    setAction(g, [f] { return runGenerate(*f); });
}

}  // namespace cw::cli

#else
#include <cstdio>

namespace cw::cli {

void registerGenerateCommand(CLI::App& app) {
    CLI::App* cmd = app.add_subcommand("generate", torchCommandHelp("Generate crystals end to end: sample a CrysTens/xtal2png run, decode, write CIFs, judge them"));
    cmd->allow_extras();
    setAction(cmd, [] {
        std::fprintf(stderr, "cwb: this cwb was built without LibTorch (CW_WITH_TORCH=OFF); "
                             "rebuild with the default preset to generate crystals\n");
        return kExitUsage;
    });
}

}  // namespace cw::cli

#endif
