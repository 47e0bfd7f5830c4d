#include "ml/diffusion/schedule.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/enum_names.h"
#include "core/error.h"

namespace cw::ml {

namespace {

constexpr double kMaxBeta = 0.999;

// Nichol & Dhariwal 2021, eq. 17, with their offset s = 0.008.
double cosineF(double t) {
    constexpr double s = 0.008;
    const double c = std::cos((t + s) / (1.0 + s) * std::numbers::pi / 2.0);
    return c * c;
}

double sigmoid(double x) {
    return 1.0 / (1.0 + std::exp(-x));
}

// Betas of a continuous ᾱ(t) on t ∈ [0, 1]: β_i = 1 − ᾱ((i+1)/T)/ᾱ(i/T), as improved-diffusion's
// betas_for_alpha_bar and denoising-diffusion-pytorch's cosine and sigmoid schedules.
template <class AlphaBar>
std::vector<double> betasFromAlphaBar(int timesteps, AlphaBar alphaBar) {
    std::vector<double> betas(static_cast<std::size_t>(timesteps));
    for (int i = 0; i < timesteps; ++i) {
        const double t1 = static_cast<double>(i) / timesteps;
        const double t2 = static_cast<double>(i + 1) / timesteps;
        betas[static_cast<std::size_t>(i)] = std::min(1.0 - alphaBar(t2) / alphaBar(t1), kMaxBeta);
    }
    return betas;
}

}  // namespace

namespace {
constexpr EnumName<ScheduleKind> kScheduleNames[] = {{ScheduleKind::Linear, "linear"},
                                                     {ScheduleKind::Cosine, "cosine"},
                                                     {ScheduleKind::Sigmoid, "sigmoid"}};
}  // namespace

const char* scheduleName(ScheduleKind kind) {
    return enumName(kScheduleNames, kind);
}

ScheduleKind parseSchedule(const std::string& name) {
    if (const auto kind = enumFromName(kScheduleNames, name)) return *kind;
    throw ConfigError("schedule '" + name + "': expected " + enumNameList(kScheduleNames));
}

double cosineAlphaBar(double t) {
    return cosineF(t) / cosineF(0.0);
}

double sigmoidAlphaBar(double t) {
    constexpr double start = -3.0, end = 3.0, tau = 1.0;
    const double vStart = sigmoid(start / tau);
    const double vEnd = sigmoid(end / tau);
    const auto raw = [&](double x) {
        return (-sigmoid((x * (end - start) + start) / tau) + vEnd) / (vEnd - vStart);
    };
    return raw(t) / raw(0.0);
}

NoiseSchedule makeSchedule(ScheduleKind kind, int timesteps) {
    if (timesteps < 1) {
        throw ConfigError("diffusion timesteps must be ≥ 1, not " + std::to_string(timesteps));
    }
    NoiseSchedule schedule;
    schedule.kind = kind;
    switch (kind) {
        case ScheduleKind::Linear: {
            // Ho et al.'s 1e-4 … 0.02 for T = 1000, scaled so shorter chains still end near pure
            // noise; for T ≤ 20 the scaled end exceeds 1 and is clipped like the others.
            const double scale = 1000.0 / timesteps;
            const double first = scale * 1e-4, last = scale * 0.02;
            schedule.betas.resize(static_cast<std::size_t>(timesteps));
            for (int i = 0; i < timesteps; ++i) {
                const double beta =
                    timesteps == 1 ? first : first + (last - first) * i / (timesteps - 1);
                schedule.betas[static_cast<std::size_t>(i)] = std::min(beta, kMaxBeta);
            }
            break;
        }
        case ScheduleKind::Cosine:
            schedule.betas = betasFromAlphaBar(timesteps, cosineAlphaBar);
            break;
        case ScheduleKind::Sigmoid:
            schedule.betas = betasFromAlphaBar(timesteps, sigmoidAlphaBar);
            break;
    }
    schedule.alphasCumprod.resize(schedule.betas.size());
    double product = 1.0;
    for (std::size_t i = 0; i < schedule.betas.size(); ++i) {
        product *= 1.0 - schedule.betas[i];
        schedule.alphasCumprod[i] = product;
    }
    return schedule;
}

}  // namespace cw::ml
