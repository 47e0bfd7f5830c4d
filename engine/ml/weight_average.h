#pragma once
/// @file The exponential moving average of a network's weights, shared by the diffusion trainer
/// and property training: the averaged copy validates, predicts and samples better than the
/// last step's weights, which still carry the noise of the last batches.

#include <torch/nn/module.h>
#include <torch/utils.h>

#include <cstddef>

namespace cw::ml {

/// Starts an average: copies `model`'s parameters and buffers into `average` (a network of the
/// same options) and freezes it.
inline void startWeightAverage(torch::nn::Module& average, const torch::nn::Module& model) {
    torch::NoGradGuard noGrad;
    auto target = average.parameters();
    const auto source = model.parameters();
    for (std::size_t i = 0; i < source.size(); ++i) target[i].copy_(source[i]);
    auto targetBuffers = average.buffers();
    const auto sourceBuffers = model.buffers();
    for (std::size_t i = 0; i < sourceBuffers.size(); ++i) targetBuffers[i].copy_(sourceBuffers[i]);
    for (auto& parameter : target) parameter.set_requires_grad(false);
}

/// average ← decay · average + (1 − decay) · model for the parameters; buffers (running
/// statistics) are copied, not averaged.
inline void updateWeightAverage(torch::nn::Module& average, const torch::nn::Module& model, double decay) {
    torch::NoGradGuard noGrad;
    auto target = average.parameters();
    const auto source = model.parameters();
    for (std::size_t i = 0; i < source.size(); ++i) target[i].mul_(decay).add_(source[i].detach(), 1.0 - decay);
    auto targetBuffers = average.buffers();
    const auto sourceBuffers = model.buffers();
    for (std::size_t i = 0; i < sourceBuffers.size(); ++i) targetBuffers[i].copy_(sourceBuffers[i]);
}

}  // namespace cw::ml
