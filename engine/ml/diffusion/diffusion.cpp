#include "ml/diffusion/diffusion.h"

#include <ATen/Context.h>

#include <algorithm>
#include <cmath>
#include <mutex>

#include "core/error.h"

namespace cw::ml {

namespace {

/// ᾱ_t for steps t (any shape, any device) as float32, gathered from the double-precision
/// schedule.
torch::Tensor alphaBarAt(const NoiseSchedule& schedule, const torch::Tensor& t) {
    const auto table = torch::tensor(schedule.alphasCumprod, torch::kFloat64).to(t.device());
    return table.index_select(0, t.reshape({-1}).to(torch::kInt64))
        .reshape(t.sizes())
        .to(torch::kFloat32);
}

/// A generator of `device`'s kind, independent of the global one, seeded with `seed`.
at::Generator seededGenerator(const torch::Device& device, std::uint64_t seed) {
    // Cloning the default generator gives the right implementation (CPU or CUDA) without
    // naming CUDA types, so the file builds against a CPU-only LibTorch.
    auto base = at::globalContext().defaultGenerator(device);
    at::Generator generator;
    {
        std::lock_guard<std::mutex> lock(base.mutex());
        generator = base.clone();
    }
    generator.set_current_seed(seed);
    return generator;
}

/// Puts a module in eval mode and restores its previous mode on scope exit.
class EvalModeGuard {
public:
    explicit EvalModeGuard(UNet& model) : m_model(model), m_wasTraining(model->is_training()) {
        m_model->eval();
    }
    ~EvalModeGuard() { m_model->train(m_wasTraining); }
    EvalModeGuard(const EvalModeGuard&) = delete;
    EvalModeGuard& operator=(const EvalModeGuard&) = delete;

private:
    UNet& m_model;
    bool m_wasTraining;
};

/// A condition tensor moved to `device` with `count` rows (a single row is repeated).
torch::Tensor conditionRows(const torch::Tensor& tensor, int count, const torch::Device& device,
                            const char* name) {
    if (!tensor.defined()) return tensor;
    if (tensor.dim() < 1 || (tensor.size(0) != count && tensor.size(0) != 1)) {
        throw ValueError(std::string("sampling condition '") + name + "' must have " +
                         std::to_string(count) + " rows or one, not shape " +
                         c10::str(tensor.sizes()));
    }
    auto rows = tensor.to(device);
    if (rows.size(0) == 1 && count > 1) {
        std::vector<std::int64_t> shape(rows.sizes().begin(), rows.sizes().end());
        shape[0] = count;
        rows = rows.expand(shape).contiguous();
    }
    return rows;
}

}  // namespace

torch::Tensor predictionTarget(Prediction prediction, const torch::Tensor& x0,
                               const torch::Tensor& noise, const torch::Tensor& alphaBar) {
    switch (prediction) {
        case Prediction::Epsilon:
            return noise;
        case Prediction::X0:
            return x0;
        case Prediction::V:
            return alphaBar.sqrt() * noise - (1.0 - alphaBar).sqrt() * x0;
    }
    return noise;
}

std::pair<torch::Tensor, torch::Tensor> epsilonAndX0(Prediction prediction,
                                                     const torch::Tensor& output,
                                                     const torch::Tensor& xt,
                                                     const torch::Tensor& alphaBar) {
    const auto a = alphaBar.sqrt();
    const auto s = (1.0 - alphaBar).sqrt();
    switch (prediction) {
        case Prediction::Epsilon:
            return {output, (xt - s * output) / a};
        case Prediction::X0:
            return {(xt - a * output) / s, output};
        case Prediction::V:
            return {s * xt + a * output, a * xt - s * output};
    }
    return {output, (xt - s * output) / a};
}

torch::Tensor minSnrWeight(Prediction prediction, const torch::Tensor& alphaBar, double gamma) {
    if (gamma <= 0.0) return torch::ones_like(alphaBar);
    const auto snr = alphaBar / (1.0 - alphaBar);
    const auto clipped = torch::clamp_max(snr, gamma);
    switch (prediction) {
        case Prediction::Epsilon:
            return clipped / snr;
        case Prediction::X0:
            return clipped;
        case Prediction::V:
            return clipped / (snr + 1.0);
    }
    return clipped / snr;
}

torch::Tensor clipPredictedX0(const torch::Tensor& x0, Clipping clipping, double percentile) {
    switch (clipping) {
        case Clipping::None:
            return x0;
        case Clipping::Static:
            return x0.clamp(-1.0, 1.0);
        case Clipping::Dynamic: {
            // kthvalue instead of torch::quantile: quantile refuses inputs above 2^24 elements.
            const auto flat = x0.abs().reshape({x0.size(0), -1});
            const auto n = flat.size(1);
            const auto rank = std::clamp<std::int64_t>(
                static_cast<std::int64_t>(std::ceil(percentile * static_cast<double>(n))), 1, n);
            auto s = std::get<0>(flat.kthvalue(rank, 1)).clamp_min(1.0);
            std::vector<std::int64_t> shape(static_cast<std::size_t>(x0.dim()), 1);
            shape[0] = x0.size(0);
            s = s.reshape(shape);
            return torch::max(torch::min(x0, s), -s) / s;
        }
    }
    return x0;
}

std::vector<int> ddimTimesteps(int timesteps, int steps) {
    steps = std::clamp(steps, 1, std::max(1, timesteps));
    if (steps == 1) return {timesteps - 1};
    std::vector<int> result(static_cast<std::size_t>(steps));
    for (int i = 0; i < steps; ++i) {
        result[static_cast<std::size_t>(i)] =
            static_cast<int>(std::lround(static_cast<double>(i) * (timesteps - 1) / (steps - 1)));
    }
    return result;
}

GaussianDiffusion::GaussianDiffusion(DiffusionConfig config) : m_config(std::move(config)) {
    m_config.validate();
    m_schedule = makeSchedule(m_config.schedule, m_config.timesteps);
}

torch::Tensor GaussianDiffusion::qSample(const torch::Tensor& x0, const torch::Tensor& t,
                                         const torch::Tensor& noise) const {
    const auto alphaBar = alphaBarAt(m_schedule, t.to(x0.device())).to(x0.scalar_type());
    std::vector<std::int64_t> shape(static_cast<std::size_t>(x0.dim()), 1);
    shape[0] = x0.size(0);
    const auto a = alphaBar.reshape(shape);
    return a.sqrt() * x0 + (1.0 - a).sqrt() * noise;
}

torch::Tensor GaussianDiffusion::loss(UNet& model, const torch::Tensor& x0,
                                      const Condition& condition) const {
    const UNetConfig& mc = model->config();
    if (x0.dim() != 4 || x0.size(1) != mc.inChannels || x0.size(2) != mc.imageSize ||
        x0.size(3) != mc.imageSize) {
        throw ValueError("diffusion loss: batch must be [B, " + std::to_string(mc.inChannels) +
                         ", " + std::to_string(mc.imageSize) + ", " + std::to_string(mc.imageSize) +
                         "], not " + c10::str(x0.sizes()));
    }
    const auto batch = x0.size(0);
    // The draw order (t, then ε) is part of the contract: see diffusion.h.
    const auto t = torch::randint(0, m_config.timesteps, {batch},
                                  torch::TensorOptions().dtype(torch::kInt64).device(x0.device()));
    const auto noise = torch::randn_like(x0);
    const auto alphaBar = alphaBarAt(m_schedule, t);
    const auto a = alphaBar.reshape({batch, 1, 1, 1}).to(x0.scalar_type());
    const auto xt = a.sqrt() * x0 + (1.0 - a).sqrt() * noise;
    const auto output =
        model->forward(xt, t, condition.classes, condition.vectors, condition.dropped);
    const auto target = predictionTarget(m_config.prediction, x0, noise, a);
    auto perSample = (output.to(torch::kFloat32) - target.to(torch::kFloat32))
                         .pow(2)
                         .mean(std::vector<std::int64_t>{1, 2, 3});
    if (m_config.minSnrGamma > 0.0) {
        perSample = perSample * minSnrWeight(m_config.prediction, alphaBar, m_config.minSnrGamma);
    }
    return perSample.mean();
}

torch::Tensor GaussianDiffusion::sample(UNet& model, int count, const SamplerOptions& options,
                                        const Condition& condition, const SamplerProgress& progress,
                                        const ClassifierGuidance& classifier,
                                        std::stop_token stop) const {
    if (count < 1) throw ConfigError("sampling: count must be ≥ 1, not " + std::to_string(count));
    if (options.kind == SamplerKind::Ddim && options.samplingSteps < 1) {
        throw ConfigError("sampling: DDIM steps must be ≥ 1, not " +
                          std::to_string(options.samplingSteps));
    }
    if (!(options.eta >= 0.0)) throw ConfigError("sampling: eta must be ≥ 0");
    if (!(options.guidanceScale >= 0.0)) throw ConfigError("sampling: guidance must be ≥ 0");
    if (!(classifier.scale >= 0.0)) throw ConfigError("sampling: the classifier-guidance scale must be ≥ 0");
    if (options.clipping == Clipping::Dynamic &&
        !(options.dynamicPercentile > 0.0 && options.dynamicPercentile <= 1.0)) {
        throw ConfigError("sampling: dynamic-thresholding percentile must be in (0, 1]");
    }
    const UNetConfig& mc = model->config();
    const bool guided = options.guidanceScale > 0.0;
    if (guided && (mc.conditioning == Conditioning::None || condition.empty())) {
        throw ConfigError(
            "sampling: classifier-free guidance needs a conditioned model and a "
            "condition (class or property values)");
    }

    torch::NoGradGuard noGrad;
    EvalModeGuard evalMode(model);
    const auto parameters = model->parameters();
    const torch::Device device =
        parameters.empty() ? torch::Device(torch::kCPU) : parameters.front().device();
    const auto floatOptions = torch::TensorOptions().dtype(torch::kFloat32).device(device);
    at::Generator generator = seededGenerator(device, options.seed);

    const auto classes = conditionRows(condition.classes, count, device, "classes");
    const auto vectors = conditionRows(condition.vectors, count, device, "vectors");
    auto dropped = conditionRows(condition.dropped, count, device, "dropped");
    // Guidance runs conditional and unconditional (all dropped) halves as one batch.
    torch::Tensor guidedClasses, guidedVectors, guidedDropped;
    if (guided) {
        if (classes.defined()) guidedClasses = torch::cat({classes, classes});
        if (vectors.defined()) guidedVectors = torch::cat({vectors, vectors});
        const auto boolOptions = torch::TensorOptions().dtype(torch::kBool).device(device);
        const auto kept =
            dropped.defined() ? dropped.to(torch::kBool) : torch::zeros({count}, boolOptions);
        guidedDropped = torch::cat({kept, torch::ones({count}, boolOptions)});
    }
    const auto modelOutput = [&](const torch::Tensor& x, int step) {
        const auto t =
            torch::full({count}, step, torch::TensorOptions().dtype(torch::kInt64).device(device));
        if (!guided) return model->forward(x, t, classes, vectors, dropped);
        const auto both = model->forward(torch::cat({x, x}), torch::cat({t, t}), guidedClasses,
                                         guidedVectors, guidedDropped);
        const auto conditional = both.narrow(0, 0, count);
        const auto unconditional = both.narrow(0, count, count);
        // The prediction types are affine in the output at fixed x_t, so guiding the raw output
        // equals guiding ε: ε = ε_c + w (ε_c − ε_∅).
        return conditional + options.guidanceScale * (conditional - unconditional);
    };
    const auto predictX0 = [&](const torch::Tensor& x, int step, double alphaBar) {
        const auto ab = torch::full({1}, alphaBar, floatOptions);
        auto [eps, x0] = epsilonAndX0(m_config.prediction, modelOutput(x, step), x, ab);
        if (classifier.active()) {
            const auto t = torch::full({count}, step,
                                       torch::TensorOptions().dtype(torch::kInt64).device(device));
            const auto gradient = classifier.gradient(x, t).to(eps.scalar_type());
            const double noise = std::sqrt(1.0 - alphaBar);
            eps = eps - classifier.scale * noise * gradient;
            x0 = (x - noise * eps) / std::sqrt(alphaBar);
        }
        x0 = clipPredictedX0(x0, options.clipping, options.dynamicPercentile);
        return std::make_pair(eps, x0);
    };

    const auto& alphasCumprod = m_schedule.alphasCumprod;
    auto x =
        torch::randn({count, mc.inChannels, mc.imageSize, mc.imageSize}, generator, floatOptions);
    if (options.kind == SamplerKind::Ddpm) {
        // Ancestral sampling from the posterior q(x_{t−1} | x_t, x₀) (Ho et al. 2020, eqs. 6–7).
        const int total = m_config.timesteps;
        for (int step = total - 1; step >= 0; --step) {
            const double alphaBar = alphasCumprod[static_cast<std::size_t>(step)];
            const double alphaBarPrev =
                step > 0 ? alphasCumprod[static_cast<std::size_t>(step - 1)] : 1.0;
            const double beta = m_schedule.betas[static_cast<std::size_t>(step)];
            const auto x0 = predictX0(x, step, alphaBar).second;
            const double meanX0 = beta * std::sqrt(alphaBarPrev) / (1.0 - alphaBar);
            const double meanXt = (1.0 - alphaBarPrev) * std::sqrt(1.0 - beta) / (1.0 - alphaBar);
            x = meanX0 * x0 + meanXt * x;
            if (step > 0) {
                const double variance = beta * (1.0 - alphaBarPrev) / (1.0 - alphaBar);
                x = x + std::sqrt(variance) * torch::randn(x.sizes(), generator, floatOptions);
            }
            if (progress) progress(total - step, total);
            if (stop.stop_requested()) return {};
        }
    } else {
        // DDIM (Song et al. 2021, eq. 12) over an evenly spaced subset of the steps.
        const auto steps = ddimTimesteps(m_config.timesteps, options.samplingSteps);
        const int total = static_cast<int>(steps.size());
        for (int k = total - 1; k >= 0; --k) {
            const int step = steps[static_cast<std::size_t>(k)];
            const double alphaBar = alphasCumprod[static_cast<std::size_t>(step)];
            const double alphaBarPrev = k > 0 ? alphasCumprod[static_cast<std::size_t>(
                                                    steps[static_cast<std::size_t>(k - 1)])]
                                              : 1.0;
            auto [eps, x0] = predictX0(x, step, alphaBar);
            if (options.clipping != Clipping::None) {
                // Keep ε consistent with the clipped x₀ so the step stays on the DDIM path.
                eps = (x - std::sqrt(alphaBar) * x0) / std::sqrt(1.0 - alphaBar);
            }
            const double sigma = options.eta * std::sqrt((1.0 - alphaBarPrev) / (1.0 - alphaBar)) *
                                 std::sqrt(std::max(0.0, 1.0 - alphaBar / alphaBarPrev));
            const double direction = std::sqrt(std::max(0.0, 1.0 - alphaBarPrev - sigma * sigma));
            x = std::sqrt(alphaBarPrev) * x0 + direction * eps;
            if (sigma > 0.0) x = x + sigma * torch::randn(x.sizes(), generator, floatOptions);
            if (progress) progress(total - k, total);
            if (stop.stop_requested()) return {};
        }
    }
    return x.clamp(-1.0, 1.0);
}

}  // namespace cw::ml
