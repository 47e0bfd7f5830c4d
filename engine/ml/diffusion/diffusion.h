#pragma once
/// @file Gaussian diffusion in LibTorch: the forward process q(x_t | x₀), the training loss and
/// the DDPM / DDIM samplers with classifier-free guidance. Includes torch: use only in ml .cpp
/// files.

#include <torch/torch.h>

#include <functional>
#include <optional>
#include <stop_token>
#include <utility>
#include <vector>

#include "ml/diffusion/diffusion_config.h"
#include "ml/diffusion/unet.h"

namespace cw::ml {

/// The conditioning of a batch: class labels (int64, [B]) or vectors (float, [B, D]); for each
/// sample a flag `dropped` ([B] bool) asks for the null embedding (classifier-free guidance
/// training). An empty Condition means unconditional.
struct Condition {
    torch::Tensor classes;
    torch::Tensor vectors;
    torch::Tensor dropped;
    bool empty() const { return !classes.defined() && !vectors.defined(); }
};

/// Called after each sampler step with (steps done, total steps).
using SamplerProgress = std::function<void(int done, int total)>;

/// Classifier guidance (Dhariwal & Nichol 2021, their Algorithm 2's ε form, used for both
/// samplers): `gradient` returns ∇ₓ log p(y | x_t) for a batch x_t ([B, C, H, W]) at steps t
/// ([B] int64), same shape as x_t; it is called with grad mode off and must enable it itself.
/// At each step the sampler uses ε̂ − scale·√(1−ᾱ_t)·∇ₓ log p(y | x_t) in place of the
/// network's ε̂, and x̂₀ = (x_t − √(1−ᾱ_t) ε̂)/√ᾱ_t, before clipping. Inactive (never called)
/// without a function or with scale 0, so such sampling equals unguided sampling bitwise.
struct ClassifierGuidance {
    std::function<torch::Tensor(const torch::Tensor& xt, const torch::Tensor& t)> gradient;
    double scale = 0.0;
    bool active() const { return gradient && scale != 0.0; }
};

/// The regression target of `prediction` for x_t = √ᾱ x₀ + √(1−ᾱ) ε: ε, x₀, or
/// v = √ᾱ ε − √(1−ᾱ) x₀ (Salimans & Ho 2022). `alphaBar` broadcasts against x0 ([B, 1, 1, 1]).
torch::Tensor predictionTarget(Prediction prediction, const torch::Tensor& x0,
                               const torch::Tensor& noise, const torch::Tensor& alphaBar);

/// The (ε, x₀) implied by a network output for x_t at ᾱ: the inverse of predictionTarget.
std::pair<torch::Tensor, torch::Tensor> epsilonAndX0(Prediction prediction,
                                                     const torch::Tensor& output,
                                                     const torch::Tensor& xt,
                                                     const torch::Tensor& alphaBar);

/// Min-SNR-γ loss weights (Hang et al. 2023) for ᾱ of any shape, SNR = ᾱ/(1−ᾱ): min(SNR, γ)/SNR
/// for ε, min(SNR, γ) for x₀, min(SNR, γ)/(SNR + 1) for v; all ones when γ = 0.
torch::Tensor minSnrWeight(Prediction prediction, const torch::Tensor& alphaBar, double gamma);

/// Keeps a predicted x₀ ([B, …]) in [−1, 1]: unchanged, clamped, or Imagen's dynamic
/// thresholding per sample with s = max(1, p-quantile of |x₀|) (nearest rank), x₀ ← clamp(x₀,
/// −s, s)/s.
torch::Tensor clipPredictedX0(const torch::Tensor& x0, Clipping clipping, double percentile);

/// DDIM's step subset: `steps` (clamped to 1 … T) indices evenly spaced from 0 to T−1
/// (rounded), ascending; one step is {T−1}.
std::vector<int> ddimTimesteps(int timesteps, int steps);

class GaussianDiffusion {
public:
    /// Validates the config and builds its schedule. Throws ConfigError.
    explicit GaussianDiffusion(DiffusionConfig config);

    const DiffusionConfig& config() const { return m_config; }
    const NoiseSchedule& schedule() const { return m_schedule; }

    /// x_t = √ᾱ_t x₀ + √(1−ᾱ_t) ε for per-sample steps t ([B] int64).
    torch::Tensor qSample(const torch::Tensor& x0, const torch::Tensor& t,
                          const torch::Tensor& noise) const;

    /// The training loss for a batch x₀ in [−1, 1] ([B, C, H, W]) on the model's device: draws
    /// t ~ U{0, …, T−1} ([B] int64, torch::randint) and then ε ~ N(0, I) (torch::randn_like) from
    /// torch's global default generator of x₀'s device (the CPU generator on CPU), in that order,
    /// so a caller that seeds it (torch::manual_seed) and saves/restores its state reproduces
    /// the draws. Target ε, x₀ or v as configured; MSE per sample (computed in float32) weighted
    /// by min-SNR-γ when configured, averaged over the batch. Returns a scalar tensor with grad.
    /// Throws ValueError for a batch that is not [B, C, H, W] of the model's shape.
    torch::Tensor loss(UNet& model, const torch::Tensor& x0, const Condition& condition) const;

    /// Draws `count` samples of shape [C, H, W] (from the model's config) on the model's
    /// device, in [−1, 1] (clipped at the end). Runs under NoGradGuard with the model in eval
    /// mode (its train/eval mode is restored afterwards). Seeded by options.seed through a
    /// private generator of the model's device, so the global RNG state is untouched and equal
    /// options give equal samples on the same device. The condition's tensors have `count`
    /// rows or one row (broadcast); an empty condition on a conditioned model samples
    /// unconditionally (null embedding). With guidanceScale > 0 the conditional and
    /// unconditional passes run as one doubled batch. DDIM's samplingSteps is clamped to T.
    /// `classifier` adds classifier guidance (see ClassifierGuidance), on top of
    /// classifier-free guidance when both are given.
    /// Returns an undefined tensor when `stop` was requested (checked after each step). Throws
    /// ConfigError for count < 1, samplingSteps < 1, eta < 0, guidanceScale < 0, a negative
    /// classifier scale, dynamicPercentile outside (0, 1], or guidance without a conditioned model
    /// and a condition.
    torch::Tensor sample(UNet& model, int count, const SamplerOptions& options,
                         const Condition& condition = {}, const SamplerProgress& progress = {},
                         const ClassifierGuidance& classifier = {},
                         std::stop_token stop = {}) const;

private:
    DiffusionConfig m_config;
    NoiseSchedule m_schedule;
};

}  // namespace cw::ml
