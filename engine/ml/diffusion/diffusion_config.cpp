#include "ml/diffusion/diffusion_config.h"

#include <nlohmann/json.hpp>

#include "core/enum_names.h"
#include "core/error.h"
#include "ml/config_fields.h"

namespace cw::ml {

namespace {

const std::string kWhat = "diffusion config";

constexpr EnumName<Prediction> kPredictionNames[] = {
    {Prediction::Epsilon, "eps"}, {Prediction::X0, "x0"}, {Prediction::V, "v"}};
constexpr EnumName<SamplerKind> kSamplerNames[] = {{SamplerKind::Ddpm, "ddpm"},
                                                   {SamplerKind::Ddim, "ddim"}};
constexpr EnumName<Clipping> kClippingNames[] = {
    {Clipping::None, "none"}, {Clipping::Static, "static"}, {Clipping::Dynamic, "dynamic"}};

}  // namespace

const char* predictionName(Prediction prediction) {
    return enumName(kPredictionNames, prediction);
}

Prediction parsePrediction(const std::string& name) {
    if (const auto value = enumFromName(kPredictionNames, name)) return *value;
    throw ConfigError("prediction '" + name + "': expected " + enumNameList(kPredictionNames));
}

const char* samplerName(SamplerKind kind) {
    return enumName(kSamplerNames, kind);
}

SamplerKind parseSampler(const std::string& name) {
    if (const auto value = enumFromName(kSamplerNames, name)) return *value;
    throw ConfigError("sampler '" + name + "': expected " + enumNameList(kSamplerNames));
}

const char* clippingName(Clipping clipping) {
    return enumName(kClippingNames, clipping);
}

Clipping parseClipping(const std::string& name) {
    if (const auto value = enumFromName(kClippingNames, name)) return *value;
    throw ConfigError("clipping '" + name + "': expected " + enumNameList(kClippingNames));
}

namespace {
// Every field once: config.json's key and the member.
template <class Config, class Visit>
void diffusionFields(Config& c, Visit&& visit) {
    visit("timesteps", c.timesteps);
    visit("schedule", c.schedule, scheduleName, parseSchedule);
    visit("prediction", c.prediction, predictionName, parsePrediction);
    visit("min_snr_gamma", c.minSnrGamma);
}
}  // namespace

std::string diffusionConfigToJson(const DiffusionConfig& config) {
    nlohmann::ordered_json j;
    diffusionFields(config, detail::FieldWriter<nlohmann::ordered_json>{j});
    return j.dump(2);
}

DiffusionConfig diffusionConfigFromJson(const std::string& jsonText, const DiffusionConfig& base) {
    const nlohmann::json j = detail::parseConfigObject(jsonText, kWhat);
    detail::FieldKeys known;
    diffusionFields(base, known);
    detail::rejectUnknownKeys(j, known.keys, kWhat);
    DiffusionConfig config = base;
    diffusionFields(config, detail::FieldReader{j, kWhat});
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
