// cwb bench diffusion: training and sampling images/s of the diffusion UNet on synthetic data,
// for any size and device (docs/benchmarks.md). Prints figures only; nothing here is a test.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "commands/command.h"

#ifdef CW_WITH_TORCH
#include "ml/device.h"
#include "ml/diffusion/diffusion_bench.h"
#endif

namespace cw::cli {
namespace {

struct BenchDiffusionOptions {
    std::vector<int> sizes{64};
    int channels = 1, base = 64, batch = 4, steps = 10, samples = 4, samplingSteps = 50, threads = 0;
    std::string mults = "1,2,4", attention = "16", device = "auto";
    bool noAmp = false;
};

int runBenchDiffusion(const BenchDiffusionOptions& o) {
#ifdef CW_WITH_TORCH
    std::printf("LibTorch %s, device %s\n", ml::torchVersion().c_str(), ml::resolveDevice(o.device).c_str());
    std::printf("%6s %4s %6s %12s %5s %12s %10s %10s %12s\n", "size", "C", "base", "parameters", "batch",
                "train img/s", "step ms", "sample/s", "UNet img/s");
    for (int size : o.sizes) {
        ml::DiffusionBenchOptions b;
        b.model.imageSize = size;
        b.model.inChannels = o.channels;
        b.model.baseChannels = o.base;
        b.model.channelMults = ml::parseIntList(o.mults, "--mults");
        b.model.attentionResolutions = ml::parseIntList(o.attention, "--attention");
        b.batchSize = o.batch;
        b.trainSteps = o.steps;
        b.sampleCount = o.samples;
        b.samplingSteps = o.samplingSteps;
        b.device = o.device;
        b.threads = o.threads;
        b.mixedPrecision = !o.noAmp;
        const ml::DiffusionBenchResult r = ml::benchmarkDiffusion(b);
        std::printf("%6d %4d %6d %12lld %5d %12.2f %10.1f %10.3f %12.1f\n", size, o.channels, o.base,
                    static_cast<long long>(r.parameters), o.batch, r.trainImagesPerSecond,
                    r.trainStepMilliseconds, r.sampleImagesPerSecond, r.unetForwardsPerSecond);
        std::fflush(stdout);
    }
    std::printf("train: forward + backward + AdamW + clipping + EMA per image; sample/s: complete "
                "%d-step DDIM samples per second (batch %d)\n",
                o.samplingSteps, o.samples);
    return kExitOk;
#else
    (void)o;
    std::fprintf(stderr, "cwb: this cwb was built without LibTorch (CW_WITH_TORCH=OFF)\n");
    return kExitUsage;
#endif
}

}  // namespace

void addBenchDiffusionCommand(CLI::App& bench) {
    auto o = std::make_shared<BenchDiffusionOptions>();
    CLI::App* cmd = bench.add_subcommand("diffusion", "Diffusion UNet training and sampling images/s");
    cmd->add_option("--size", o->sizes, "Image sizes in pixels (several: --size 64 128 256)")->capture_default_str();
    cmd->add_option("--channels", o->channels, "1 (slices) or 4 (CrysTens)")->capture_default_str();
    cmd->add_option("--base", o->base, "UNet base channels")->capture_default_str();
    cmd->add_option("--mults", o->mults, "Channel multipliers")->capture_default_str();
    cmd->add_option("--attention", o->attention, "Feature-map sizes with attention")->capture_default_str();
    cmd->add_option("--batch", o->batch, "Training batch size")->capture_default_str();
    cmd->add_option("--steps", o->steps, "Timed training steps")->capture_default_str();
    cmd->add_option("--samples", o->samples, "Images sampled in one batch")->capture_default_str();
    cmd->add_option("--sampling-steps", o->samplingSteps, "DDIM steps")->capture_default_str();
    cmd->add_option("--device", o->device, "auto, cpu, cuda or cuda:N")->capture_default_str();
    cmd->add_option("--threads", o->threads, "CPU threads (0: the cores free of other work)")->capture_default_str();
    cmd->add_flag("--no-amp", o->noAmp, "No bfloat16 autocast on CUDA");
    setAction(cmd, [o] { return runBenchDiffusion(*o); });
}

}  // namespace cw::cli
