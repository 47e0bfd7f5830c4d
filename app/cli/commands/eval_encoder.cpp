// cwb eval encoder: trains the domain encoder whose latent serves as FID/KID features with
// `--extractor domain:RUN` (docs/evaluation.md, "Feature extractors"). Needs LibTorch.
#include "commands/command.h"

#ifdef CW_WITH_TORCH
#include <cstdio>
#include <memory>
#include <stop_token>

#include "build_job.h"
#include "ml/features/encoder_training.h"
#include "progress_line.h"

namespace cw::cli {
namespace {

struct EncoderFlags {
    ml::EncoderTrainingConfig config;
    std::string runDir;
    bool noAugment = false, progress = false;
};

int runEncoder(EncoderFlags f) {
    if (f.noAugment) f.config.augment = false;
    f.config.validate();
    const InterruptToStop interrupt;
    ProgressLine line("steps", f.progress);
    const ml::EncoderTrainingResult r =
        ml::trainEncoder(f.config, f.runDir, line, interrupt.token());
    line.finish();
    if (r.cancelled) {
        if (r.stepsDone == 0) {
            std::fprintf(stderr, "stopped before the first step; nothing written\n");
        } else {
            std::fprintf(stderr, "stopped at step %lld; the encoder so far is in %s\n",
                         static_cast<long long>(r.stepsDone), f.runDir.c_str());
        }
        return kExitBadInput;
    }
    std::printf("trained the encoder %lld steps into %s (%d channel(s), %d px): reconstruction "
                "MSE %.4g → %.4g. Use it with --extractor domain:%s\n",
                static_cast<long long>(r.stepsDone), f.runDir.c_str(), r.channels, r.imageSize,
                r.firstLoss, r.finalLoss, f.runDir.c_str());
    return kExitOk;
}

}  // namespace

void addEvalEncoderCommand(CLI::App& eval) {
    auto f = std::make_shared<EncoderFlags>();
    ml::EncoderTrainingConfig& c = f->config;
    CLI::App* cmd = eval.add_subcommand(
        "encoder", "Train a domain encoder (autoencoder) for FID/KID features: --extractor domain:RUN");
    cmd->add_option("--data", c.dataDir, "A finished ECD or encoding data set")->required();
    cmd->add_option("--out", f->runDir, "Encoder run folder (new or empty)")->required();
    cmd->add_option("--split", c.split, "train, val, test or all")->capture_default_str();
    cmd->add_option("--max-items", c.maxItems, "Use at most N items (0: all)")->capture_default_str();
    cmd->add_option("--steps", c.steps, "Optimiser steps")->capture_default_str();
    cmd->add_option("--batch", c.batchSize, "Batch size")->capture_default_str();
    cmd->add_option("--image-size", c.imageSize, "Image side in pixels: 32, 64, 128 or 256 (0: as stored)")
        ->capture_default_str();
    cmd->add_option("--latent", c.latentDim, "Feature (latent) dimension")->capture_default_str();
    cmd->add_option("--base", c.baseChannels, "Channels of the first convolution")->capture_default_str();
    cmd->add_option("--lr", c.learningRate, "AdamW learning rate")->capture_default_str();
    cmd->add_option("--weight-decay", c.weightDecay, "AdamW weight decay")->capture_default_str();
    cmd->add_flag("--no-augment", f->noAugment, "No rotations/flips of ECD slices");
    cmd->add_option("--workers", c.loaderWorkers, "Data-loading threads")->capture_default_str();
    cmd->add_option("--seed", c.seed, "Seed of weights and batches")->capture_default_str();
    cmd->add_option("--device", c.device, "auto, cpu, cuda or cuda:N")->capture_default_str();
    cmd->add_option("--threads", c.threads, "CPU threads for LibTorch (0: the cores free of other work)")->capture_default_str();
    cmd->add_flag("--progress", f->progress, "Progress line even when stderr is not a terminal");
    setAction(cmd, [f] { return runEncoder(*f); });
}

}  // namespace cw::cli

#else
#include <cstdio>

namespace cw::cli {

void addEvalEncoderCommand(CLI::App& eval) {
    CLI::App* cmd = eval.add_subcommand("encoder", torchCommandHelp("Train a domain encoder"));
    cmd->allow_extras();
    setAction(cmd, [] {
        std::fprintf(stderr, "cwb: this cwb was built without LibTorch (CW_WITH_TORCH=OFF); "
                             "rebuild with the default preset to train a domain encoder\n");
        return kExitUsage;
    });
}

}  // namespace cw::cli

#endif
