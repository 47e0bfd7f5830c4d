#include "ml/diffusion_config.h"

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "ml/config_json.h"

namespace cw::ml {

namespace {
const std::string kWhat = "diffusion config";
}

const char* predictionName(Prediction prediction) {
    switch (prediction) {
        case Prediction::Epsilon:
            return "eps";
        case Prediction::X0:
            return "x0";
        case Prediction::V:
            return "v";
    }
    return "eps";
}

Prediction parsePrediction(const std::string& name) {
    if (name == "eps") return Prediction::Epsilon;
    if (name == "x0") return Prediction::X0;
    if (name == "v") return Prediction::V;
    throw ConfigError("prediction '" + name + "': expected eps, x0 or v");
}

const char* samplerName(SamplerKind kind) {
    return kind == SamplerKind::Ddpm ? "ddpm" : "ddim";
}

SamplerKind parseSampler(const std::string& name) {
    if (name == "ddpm") return SamplerKind::Ddpm;
    if (name == "ddim") return SamplerKind::Ddim;
    throw ConfigError("sampler '" + name + "': expected ddpm or ddim");
}

const char* clippingName(Clipping clipping) {
    switch (clipping) {
        case Clipping::None:
            return "none";
        case Clipping::Static:
            return "static";
        case Clipping::Dynamic:
            return "dynamic";
    }
    return "none";
}

Clipping parseClipping(const std::string& name) {
    if (name == "none") return Clipping::None;
    if (name == "static") return Clipping::Static;
    if (name == "dynamic") return Clipping::Dynamic;
    throw ConfigError("clipping '" + name + "': expected none, static or dynamic");
}

std::string diffusionConfigToJson(const DiffusionConfig& config) {
    nlohmann::ordered_json j;
    j["timesteps"] = config.timesteps;
    j["schedule"] = scheduleName(config.schedule);
    j["prediction"] = predictionName(config.prediction);
    j["min_snr_gamma"] = config.minSnrGamma;
    return j.dump(2);
}

DiffusionConfig diffusionConfigFromJson(const std::string& jsonText, const DiffusionConfig& base) {
    const nlohmann::json j = detail::parseConfigObject(jsonText, kWhat);
    detail::rejectUnknownKeys(j, {"timesteps", "schedule", "prediction", "min_snr_gamma"}, kWhat);
    DiffusionConfig config = base;
    detail::readField(j, "timesteps", config.timesteps, kWhat);
    std::string schedule = scheduleName(config.schedule);
    detail::readField(j, "schedule", schedule, kWhat);
    config.schedule = parseSchedule(schedule);
    std::string prediction = predictionName(config.prediction);
    detail::readField(j, "prediction", prediction, kWhat);
    config.prediction = parsePrediction(prediction);
    detail::readField(j, "min_snr_gamma", config.minSnrGamma, kWhat);
    return config;
}

void DiffusionConfig::validate() const {
    if (timesteps < 1) {
        throw ConfigError(kWhat + ": timesteps must be ≥ 1, not " + std::to_string(timesteps));
    }
    if (!(minSnrGamma >= 0.0)) {
        throw ConfigError(kWhat + ": min_snr_gamma must be ≥ 0 (0 = off), not " +
                          std::to_string(minSnrGamma));
    }
}

}  // namespace cw::ml
