#pragma once
/// @file Noise schedules of Gaussian diffusion in closed form (torch-free, double precision):
/// β_t and ᾱ_t = Π_{s≤t}(1 − β_s) for t = 0 … T−1.

#include <string>
#include <vector>

namespace cw::ml {

/// Linear: β from 1e-4·1000/T to 0.02·1000/T (Ho et al. 2020, scaled to T as in Nichol &
/// Dhariwal 2021; clipped to 0.999, which matters only for T ≤ 20). Cosine: ᾱ(t) = f(t)/f(0),
/// f(t) = cos²(((t/T)+s)/(1+s)·π/2), s = 0.008, β clipped to 0.999 (Nichol & Dhariwal 2021).
/// Sigmoid: ᾱ(t) = (σ(end/τ) − σ(((t/T)·(end − start) + start)/τ)) / (σ(end/τ) − σ(start/τ)),
/// start −3, end 3, τ 1 (Jabri et al. 2022, as lucidrains' denoising-diffusion-pytorch's
/// sigmoid_beta_schedule), β clipped to 0.999. For cosine and sigmoid β_t = 1 − ᾱ((t+1)/T)/ᾱ(t/T),
/// so alphasCumprod[t] = ᾱ((t+1)/T) until the clip acts (at the last steps).
enum class ScheduleKind { Linear, Cosine, Sigmoid };

const char* scheduleName(ScheduleKind kind);          ///< "linear", "cosine", "sigmoid"
ScheduleKind parseSchedule(const std::string& name);  ///< throws ConfigError

/// A schedule of T steps: betas[t], alphas[t] = 1 − β_t, alphasCumprod[t] = ᾱ_t (index t is the
/// step t+1 of the papers' 1-based notation).
struct NoiseSchedule {
    ScheduleKind kind = ScheduleKind::Linear;
    std::vector<double> betas;
    std::vector<double> alphasCumprod;
    int steps() const { return static_cast<int>(betas.size()); }
};

/// Builds a schedule of `timesteps` ≥ 1 steps. Throws ConfigError for timesteps < 1.
NoiseSchedule makeSchedule(ScheduleKind kind, int timesteps);

/// The closed-form ᾱ of the continuous schedules at t ∈ [0, 1] (cosine and sigmoid; for linear
/// the product of the discrete β). Used by tests and for DDIM step subsets.
double cosineAlphaBar(double t);
double sigmoidAlphaBar(double t);

}  // namespace cw::ml
