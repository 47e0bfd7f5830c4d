#pragma once
/// @file Gaussian diffusion and sampler settings as plain data (torch-free), JSON in and out.

#include <cstdint>
#include <string>

#include "ml/diffusion/schedule.h"

namespace cw::ml {

/// What the network predicts: the noise ε (Ho et al. 2020), the clean image x₀, or
/// v = √ᾱ·ε − √(1−ᾱ)·x₀ (Salimans & Ho 2022).
enum class Prediction { Epsilon, X0, V };
const char* predictionName(Prediction prediction);          ///< "eps", "x0", "v"
Prediction parsePrediction(const std::string& name);       ///< throws ConfigError

/// The forward process and the training loss.
struct DiffusionConfig {
    int timesteps = 1000;
    ScheduleKind schedule = ScheduleKind::Linear;
    Prediction prediction = Prediction::Epsilon;
    /// Min-SNR-γ loss weighting (Hang et al. 2023); 0 = plain MSE. The weight per sample is
    /// min(SNR, γ)/SNR for ε, min(SNR, γ) for x₀, min(SNR, γ)/(SNR + 1) for v.
    double minSnrGamma = 0.0;

    /// Throws ConfigError naming the field (timesteps < 1, minSnrGamma < 0 or NaN).
    void validate() const;
};

/// JSON object text (snake_case keys: timesteps, schedule, prediction, min_snr_gamma; stable
/// key order, 2-space indent).
std::string diffusionConfigToJson(const DiffusionConfig& config);
/// Reads a JSON object over `base`: missing keys keep base's values; unknown keys and values of
/// the wrong type are a ConfigError naming the key. Does not validate(). Throws ConfigError.
DiffusionConfig diffusionConfigFromJson(const std::string& jsonText,
                                        const DiffusionConfig& base = {});

/// Ancestral DDPM (all T steps, posterior variance β̃) or DDIM (Song et al. 2021) over
/// `samplingSteps` evenly spaced steps with stochasticity η.
enum class SamplerKind { Ddpm, Ddim };
const char* samplerName(SamplerKind kind);          ///< "ddpm", "ddim"
SamplerKind parseSampler(const std::string& name);  ///< throws ConfigError

/// How the predicted x₀ is kept in the data range [−1, 1] at each step: not at all, clamped,
/// or Imagen's dynamic thresholding (Saharia et al. 2022: s = max(1, percentile_p(|x₀|)),
/// x₀ ← clamp(x₀, −s, s)/s).
enum class Clipping { None, Static, Dynamic };
const char* clippingName(Clipping clipping);          ///< "none", "static", "dynamic"
Clipping parseClipping(const std::string& name);      ///< throws ConfigError

struct SamplerOptions {
    SamplerKind kind = SamplerKind::Ddim;
    int samplingSteps = 50;      ///< DDIM only; DDPM always takes T steps
    double eta = 0.0;            ///< DDIM only; 0 = deterministic, 1 ≈ DDPM
    double guidanceScale = 0.0;  ///< classifier-free guidance w: ε = ε_c + w(ε_c − ε_∅); 0 = off
    Clipping clipping = Clipping::Static;
    double dynamicPercentile = 0.995;
    std::uint64_t seed = 0;
};

}  // namespace cw::ml
