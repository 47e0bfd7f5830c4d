#include "ml/diffusion/diffusion_bench.h"

#include <torch/torch.h>
#include <ATen/autocast_mode.h>

#include <chrono>

#include "ml/device.h"
#include "ml/diffusion/diffusion.h"
#include "ml/diffusion/unet.h"

namespace cw::ml {
namespace {

using Clock = std::chrono::steady_clock;

// GPU work is asynchronous: a timer must wait for the queue to drain.
void synchronize(const torch::Device& device) {
    if (device.is_cuda()) torch::zeros({1}, torch::TensorOptions().device(device)).cpu();
}

}  // namespace

DiffusionBenchResult benchmarkDiffusion(const DiffusionBenchOptions& options) {
    options.model.validate();
    setTorchThreads(options.threads);
    const torch::Device device(resolveDevice(options.device));
    torch::manual_seed(0);
    UNet model(options.model);
    UNet ema(options.model);
    model->to(device);
    ema->to(device);
    torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(1e-4));
    const GaussianDiffusion diffusion(DiffusionConfig{});
    const int size = options.model.imageSize;
    const torch::Tensor images =
        torch::rand({options.batchSize, options.model.inChannels, size, size}, torch::TensorOptions().device(device)) * 2 - 1;
    const bool autocast = options.mixedPrecision && device.is_cuda();

    auto trainStep = [&] {
        optimizer.zero_grad();
        if (autocast) {
            at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
            at::autocast::set_enabled(true);
        }
        torch::Tensor loss = diffusion.loss(model, images, {});
        if (autocast) {
            at::autocast::set_enabled(false);
            at::autocast::clear_cache();
        }
        loss.backward();
        torch::nn::utils::clip_grad_norm_(model->parameters(), 1.0);
        optimizer.step();
        torch::NoGradGuard noGrad;
        auto target = ema->parameters();
        auto source = model->parameters();
        for (std::size_t i = 0; i < source.size(); ++i) target[i].mul_(0.999).add_(source[i], 0.001);
    };

    DiffusionBenchResult result;
    result.device = device.str();
    result.parameters = model->parameterCount();
    model->train();
    for (int i = 0; i < options.warmupSteps; ++i) trainStep();
    synchronize(device);
    auto start = Clock::now();
    for (int i = 0; i < options.trainSteps; ++i) trainStep();
    synchronize(device);
    const double trainSeconds = std::chrono::duration<double>(Clock::now() - start).count();
    result.trainStepMilliseconds = 1000.0 * trainSeconds / options.trainSteps;
    result.trainImagesPerSecond = options.trainSteps * options.batchSize / trainSeconds;

    ema->eval();
    SamplerOptions sampler;
    sampler.kind = SamplerKind::Ddim;
    sampler.samplingSteps = options.samplingSteps;
    diffusion.sample(ema, options.sampleCount, SamplerOptions{SamplerKind::Ddim, 2});  // warm-up
    synchronize(device);
    start = Clock::now();
    diffusion.sample(ema, options.sampleCount, sampler);
    synchronize(device);
    const double sampleSeconds = std::chrono::duration<double>(Clock::now() - start).count();
    result.sampleImagesPerSecond = options.sampleCount / sampleSeconds;
    result.unetForwardsPerSecond = options.sampleCount * static_cast<double>(options.samplingSteps) / sampleSeconds;
    return result;
}

}  // namespace cw::ml
