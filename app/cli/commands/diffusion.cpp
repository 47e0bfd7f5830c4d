// cwb diffusion train|sample: diffusion models on ECD slice and encoding data sets, trained and
// sampled with LibTorch (docs/diffusion.md). Config precedence: defaults < --config < flags.
#include "commands/command.h"

#ifdef CW_WITH_TORCH
#include <array>
#include <cstdio>
#include <memory>
#include <stop_token>

#include "build_job.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "dataset/image_set.h"
#include "ml/diffusion/run_export.h"
#include "ml/diffusion/trainer.h"
#include "ml/diffusion/training_config.h"
#include "ml/generation/sampling.h"
#include "ml/run_directory.h"
#include "progress_line.h"

namespace cw::cli {
namespace {

struct TrainFlags {
    std::string configFile, runDir, dataDir, split, condition, device, mults, attention, schedule,
        prediction;
    int size = 0, channels = 0, base = 0, resBlocks = 0, heads = 0, batch = 0, workers = 0,
        threads = 0, timesteps = 0, gridCount = 0, gridSteps = 0, keep = 0;
    double lr = 0, weightDecay = 0, dropout = 0, gradClip = 0, ema = 0, minSnr = 0, condDrop = 0;
    std::int64_t steps = 0, warmup = 0, logEvery = 0, checkpointEvery = 0, sampleEvery = 0;
    std::uint64_t seed = 0;
    std::size_t maxItems = 0;
    bool resume = false, noAugment = false, noAmp = false, progress = false;
};

// Applies the flags the user typed (count > 0) over `c`; untyped flags keep the config's value.
ml::DiffusionTrainingConfig applyFlags(const CLI::App& cmd, const TrainFlags& f,
                                       ml::DiffusionTrainingConfig c) {
    auto given = [&cmd](const char* name) { return cmd.count(name) > 0; };
    if (given("--data")) c.dataDir = f.dataDir;
    if (given("--split")) c.split = f.split;
    if (given("--condition")) c.condition = f.condition;
    if (given("--max-items")) c.maxItems = f.maxItems;
    if (given("--no-augment")) c.augment = false;
    if (given("--workers")) c.loaderWorkers = f.workers;
    if (given("--size")) c.model.imageSize = f.size;
    if (given("--base")) c.model.baseChannels = f.base;
    if (given("--mults")) c.model.channelMults = ml::parseIntList(f.mults, "--mults");
    if (given("--attention")) c.model.attentionResolutions = ml::parseIntList(f.attention, "--attention");
    if (given("--res-blocks")) c.model.resBlocksPerLevel = f.resBlocks;
    if (given("--heads")) c.model.attentionHeads = f.heads;
    if (given("--dropout")) c.model.dropout = f.dropout;
    if (given("--timesteps")) c.diffusion.timesteps = f.timesteps;
    if (given("--schedule")) c.diffusion.schedule = ml::parseSchedule(f.schedule);
    if (given("--prediction")) c.diffusion.prediction = ml::parsePrediction(f.prediction);
    if (given("--min-snr")) c.diffusion.minSnrGamma = f.minSnr;
    if (given("--steps")) c.steps = f.steps;
    if (given("--batch")) c.batchSize = f.batch;
    if (given("--lr")) c.learningRate = f.lr;
    if (given("--weight-decay")) c.weightDecay = f.weightDecay;
    if (given("--warmup")) c.warmupSteps = f.warmup;
    if (given("--grad-clip")) c.gradClip = f.gradClip;
    if (given("--ema")) c.emaDecay = f.ema;
    if (given("--condition-drop")) c.conditionDropProb = f.condDrop;
    if (given("--no-amp")) c.mixedPrecision = false;
    if (given("--device")) c.device = f.device;
    if (given("--threads")) c.threads = f.threads;
    if (given("--seed")) c.seed = f.seed;
    if (given("--log-every")) c.logEvery = f.logEvery;
    if (given("--checkpoint-every")) c.checkpointEvery = f.checkpointEvery;
    if (given("--sample-every")) c.sampleEvery = f.sampleEvery;
    if (given("--grid-count")) c.sampleGridCount = f.gridCount;
    if (given("--grid-steps")) c.sampleGridSteps = f.gridSteps;
    if (given("--keep-checkpoints")) c.keepCheckpoints = f.keep;
    return c;
}

int runTrain(const CLI::App& cmd, const TrainFlags& f) {
    ml::DiffusionTrainingConfig config;
    if (!f.configFile.empty())
        config = ml::diffusionTrainingConfigFromJson(readFileToString(f.configFile), config,
                                                     f.configFile);
    config = applyFlags(cmd, f, config);
    // An encoding's items are tables that cannot be resampled: its model takes their size.
    if (cmd.count("--size") == 0 && !f.resume) {
        if (const auto side = encodingItemSide(config.dataDir)) config.model.imageSize = *side;
    }
    if (f.resume) {
        // A resumed run keeps its stored config; only --steps (to extend it), --device and
        // --threads apply, and the stored steps win unless --steps asks for more.
        if (config.dataDir.empty()) config.dataDir = "(from the run)";
        if (cmd.count("--steps") == 0) config.steps = 1;
    }
    config.validate();

    const InterruptToStop interrupt;
    ml::TrainingControl control;
    const std::stop_callback onInterrupt(interrupt.token(),
                                         [&control] { control.cancel.request_stop(); });
    ProgressLine line("steps", f.progress);
    ml::TrainingCallbacks callbacks;
    callbacks.log = [&line](const std::string& text) {
        line.finish();
        std::fprintf(stderr, "%s\n", text.c_str());
    };
    const ml::TrainingResult r = ml::trainDiffusion(config, f.runDir, f.resume, control, line, callbacks);
    line.finish();
    if (f.channels > 0) {
        // Checked after the data set decided the channel count; a mismatch means the user
        // pointed at another kind of data set than intended.
        const ml::DiffusionTrainingConfig stored = ml::diffusionTrainingConfigFromJson(
            readFileToString(ml::runConfigPath(f.runDir)), {}, ml::runConfigPath(f.runDir));
        if (stored.model.inChannels != f.channels)
            std::fprintf(stderr, "cwb: warning: --channels %d, but the data set has %d channel(s)\n",
                         f.channels, stored.model.inChannels);
    }
    if (r.cancelled) {
        std::fprintf(stderr,
                     "stopped at step %lld; checkpoint %s kept. Continue with: cwb diffusion train "
                     "--out %s --resume\n",
                     static_cast<long long>(r.stepsDone), r.checkpoint.c_str(), f.runDir.c_str());
        return kExitBadInput;
    }
    std::printf("trained %lld steps into %s: last loss %.4g, %.1f images/s\n",
                static_cast<long long>(r.stepsDone), f.runDir.c_str(), r.lastLoss, r.imagesPerSecond);
    return kExitOk;
}

struct SampleFlags {
    std::string runDir, outDir, sampler = "ddim", clipping = "static", condition, guideTargets;
    ml::SampleRequest request;
    bool perSampleNpy = false, noPng = false, raw = false, progress = false;
};

int runSample(SampleFlags f) {
    ml::SampleRequest& r = f.request;
    r.sampler.kind = ml::parseSampler(f.sampler);
    r.sampler.clipping = ml::parseClipping(f.clipping);
    r.stacked = !f.perSampleNpy;
    r.png = !f.noPng;
    r.useEma = !f.raw;
    r.guideTargets = ml::parseGuideTargets(f.guideTargets);
    if (!f.condition.empty()) {
        std::vector<double> values;
        std::size_t start = 0;
        while (start <= f.condition.size()) {
            const std::size_t comma = f.condition.find(',', start);
            const std::string item = f.condition.substr(start, comma - start);
            try {
                values.push_back(std::stod(item));
            } catch (const std::exception&) {
                throw ConfigError("--condition: \"" + item + "\" is not a number");
            }
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
        r.conditionValues = values;
    }
    const InterruptToStop interrupt;
    ProgressLine line("images", f.progress);
    const ml::SampleResult result =
        ml::sampleFromRun(f.runDir, r, f.outDir, line, interrupt.token());
    line.finish();
    std::printf("wrote %d sample(s) to %s (%.2f images/s)\n", result.written, f.outDir.c_str(),
                result.imagesPerSecond);
    return result.cancelled ? kExitBadInput : kExitOk;
}

void addTrainCommand(CLI::App& parent) {
    auto f = std::make_shared<TrainFlags>();
    CLI::App* t = parent.add_subcommand("train", "Train a diffusion UNet on a data set into a run directory");
    t->add_option("--data", f->dataDir, "A finished ECD or encoding data set (cwb ecd build, cwb crystens build)");
    t->add_option("--out", f->runDir, "Run directory (new, or existing with --resume)")->required();
    t->add_option("--config", f->configFile,
                  "run.json: a DiffusionTrainingConfig (flags override it)");
    t->add_flag("--resume", f->resume, "Continue the run in --out from its latest checkpoint");
    t->add_option("--split", f->split, "train, val, test or all [train]");
    t->add_option("--condition", f->condition, "space_group, or property columns (band_gap,density)");
    t->add_option("--max-items", f->maxItems, "Use at most N items (0: all)");
    t->add_flag("--no-augment", f->noAugment, "No rotations/flips of ECD slices");
    t->add_option("--workers", f->workers, "Data-loading threads [2]");
    t->add_option("--size", f->size, "Image size in pixels (ECD slices are resampled to it; encodings keep their own) [64]");
    t->add_option("--channels", f->channels, "Expected channels (the data set decides; checked)");
    t->add_option("--base", f->base, "UNet base channels [64]");
    t->add_option("--mults", f->mults, "Channel multipliers per level [1,2,4]");
    t->add_option("--attention", f->attention, "Feature-map sizes with self-attention [16]");
    t->add_option("--res-blocks", f->resBlocks, "Residual blocks per level [2]");
    t->add_option("--heads", f->heads, "Attention heads [4]");
    t->add_option("--dropout", f->dropout, "Dropout in residual blocks [0]");
    t->add_option("--timesteps", f->timesteps, "Diffusion steps T [1000]");
    t->add_option("--schedule", f->schedule, "linear, cosine or sigmoid [linear]");
    t->add_option("--prediction", f->prediction, "eps, x0 or v [eps]");
    t->add_option("--min-snr", f->minSnr, "Min-SNR-γ loss weighting (0: off) [0]");
    t->add_option("--steps", f->steps, "Optimiser steps [100000]");
    t->add_option("--batch", f->batch, "Batch size [4]");
    t->add_option("--lr", f->lr, "Peak learning rate [1e-4]");
    t->add_option("--weight-decay", f->weightDecay, "AdamW weight decay [0]");
    t->add_option("--warmup", f->warmup, "Warm-up steps [5 % of --steps, at most 500]");
    t->add_option("--grad-clip", f->gradClip, "Max gradient norm (0: off) [1]");
    t->add_option("--ema", f->ema, "EMA decay [1 − 10/steps, at most 0.9999]");
    t->add_option("--condition-drop", f->condDrop, "Probability of the null condition [0.1]");
    t->add_flag("--no-amp", f->noAmp, "No bfloat16 autocast on CUDA");
    t->add_option("--device", f->device, "auto, cpu, cuda or cuda:N [auto]");
    t->add_option("--threads", f->threads, "CPU threads for LibTorch (0: the cores free of other work) [0]");
    t->add_option("--seed", f->seed, "Seed of weights, batches and noise [0]");
    t->add_option("--log-every", f->logEvery, "metrics.csv row every N steps [10]");
    t->add_option("--checkpoint-every", f->checkpointEvery, "Checkpoint every N steps [1000]");
    t->add_option("--sample-every", f->sampleEvery, "Sample grid every N steps (0: never) [5000]");
    t->add_option("--grid-count", f->gridCount, "Images per sample grid [16]");
    t->add_option("--grid-steps", f->gridSteps, "DDIM steps for sample grids [50]");
    t->add_option("--keep-checkpoints", f->keep, "Step checkpoints kept besides latest (0: all) [3]");
    t->add_flag("--progress", f->progress, "Progress line even when stderr is not a terminal");
    setAction(t, [t, f] { return runTrain(*t, *f); });
}

void addSampleCommand(CLI::App& parent) {
    auto f = std::make_shared<SampleFlags>();
    CLI::App* s = parent.add_subcommand("sample", "Draw samples from a trained run");
    s->add_option("--run", f->runDir, "Run directory")->required();
    s->add_option("--out", f->outDir, "Output directory")->required();
    s->add_option("--checkpoint", f->request.checkpoint, "latest, a step number, or a path")->capture_default_str();
    s->add_option("--n", f->request.count, "Number of samples")->capture_default_str();
    s->add_option("--batch", f->request.batchSize, "Samples per forward batch")->capture_default_str();
    s->add_option("--sampler", f->sampler, "ddim or ddpm")->capture_default_str();
    s->add_option("--sampling-steps", f->request.sampler.samplingSteps, "DDIM steps")->capture_default_str();
    s->add_option("--eta", f->request.sampler.eta, "DDIM η (0: deterministic)")->capture_default_str();
    s->add_option("--guidance", f->request.sampler.guidanceScale, "Classifier-free guidance scale w")
        ->capture_default_str();
    s->add_option("--clip", f->clipping, "none, static or dynamic (Imagen thresholding)")->capture_default_str();
    s->add_option("--percentile", f->request.sampler.dynamicPercentile, "Dynamic thresholding percentile")
        ->capture_default_str();
    s->add_option("--seed", f->request.sampler.seed, "Noise seed")->capture_default_str();
    s->add_option("--space-group", f->request.spaceGroup, "Space group 1–230 (space-group runs)");
    s->add_option("--condition", f->condition, "Property values in data units (property runs)");
    s->add_option("--guide", f->request.guideRun,
                  "Props run trained with cwb props train --noisy-for this run: classifier guidance");
    s->add_option("--guide-target", f->guideTargets, "Guided property values in data units: band_gap=2.0[,…]");
    s->add_option("--guide-scale", f->request.guideScale, "Classifier-guidance scale S (0: off)")
        ->capture_default_str();
    s->add_option("--guide-checkpoint", f->request.guideCheckpoint, "Guide weights: best, latest or a .pt file")
        ->capture_default_str();
    s->add_flag("--raw-weights", f->raw, "Use the raw weights instead of the EMA");
    s->add_flag("--per-sample-npy", f->perSampleNpy, "sample-NNNNN.npy each instead of samples.npy");
    s->add_flag("--no-png", f->noPng, "No PNG per sample and no grid.png");
    s->add_option("--device", f->request.device, "auto, cpu, cuda or cuda:N")->capture_default_str();
    s->add_option("--threads", f->request.threads, "CPU threads (0: the cores free of other work)")->capture_default_str();
    s->add_flag("--progress", f->progress, "Progress line even when stderr is not a terminal");
    setAction(s, [f] { return runSample(*f); });
}

void addExportCommand(CLI::App& parent) {
    auto f = std::make_shared<std::array<std::string, 3>>();  // run, checkpoint, out
    (*f)[1] = "latest";
    CLI::App* e = parent.add_subcommand(
        "export", "Reduce a run to a sampling model: configs and the EMA weights only (a quarter of a checkpoint)");
    e->add_option("--run", (*f)[0], "Run directory")->required();
    e->add_option("--checkpoint", (*f)[1], "latest, a step number, or a path")->capture_default_str();
    e->add_option("--out", (*f)[2], "New folder for the model")->required();
    setAction(e, [f] {
        const ml::ExportedModel m = ml::exportSamplingModel((*f)[0], (*f)[1], (*f)[2]);
        std::printf("exported step %lld of %s to %s (%.1f MB)\n", static_cast<long long>(m.step),
                    (*f)[0].c_str(), m.checkpoint.c_str(), m.bytes / 1e6);
        return kExitOk;
    });
}

}  // namespace

void registerDiffusionCommand(CLI::App& app) {
    CLI::App* cmd = app.add_subcommand("diffusion", "Diffusion models: train and sample (LibTorch)");
    cmd->require_subcommand(1);
    addTrainCommand(*cmd);
    addSampleCommand(*cmd);
    addExportCommand(*cmd);
}

}  // namespace cw::cli

#else
#include <cstdio>

namespace cw::cli {

void registerDiffusionCommand(CLI::App& app) {
    CLI::App* cmd = app.add_subcommand("diffusion", torchCommandHelp("Diffusion models: train and sample (LibTorch)"));
    cmd->allow_extras();
    setAction(cmd, [] {
        std::fprintf(stderr, "cwb: this cwb was built without LibTorch (CW_WITH_TORCH=OFF); "
                             "rebuild with the default preset to train or sample\n");
        return kExitUsage;
    });
}

}  // namespace cw::cli

#endif
