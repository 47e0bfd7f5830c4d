#include "ml/diffusion/training_config.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <set>

#include "core/error.h"

namespace cw::ml {
namespace {

using nlohmann::json;

void require(bool ok, const std::string& field, const std::string& reason) {
    if (!ok) throw ConfigError("training config: " + field + " " + reason);
}

// Reads key `key` of `object` into `value` when present, naming the file and key on a type
// mismatch (nlohmann's own message names neither).
template <typename T>
void readKey(const json& object, const char* key, T& value, const std::string& source) {
    auto it = object.find(key);
    if (it == object.end()) return;
    try {
        value = it->get<T>();
    } catch (const json::exception&) {
        throw ConfigError(source + ": key \"" + key + "\" has the wrong type (" +
                          std::string(it->type_name()) + ")");
    }
}

// Every scalar field once: config.json's key and the member. The nested "model" and
// "diffusion" objects are their own configs' (unet_config.h, diffusion_config.h).
template <class Config, class Visit>
void trainingFields(Config& c, Visit&& visit) {
    visit("data_dir", c.dataDir);
    visit("split", c.split);
    visit("condition", c.condition);
    visit("max_items", c.maxItems);
    visit("augment", c.augment);
    visit("loader_workers", c.loaderWorkers);
    visit("steps", c.steps);
    visit("batch_size", c.batchSize);
    visit("learning_rate", c.learningRate);
    visit("weight_decay", c.weightDecay);
    visit("adam_beta1", c.adamBeta1);
    visit("adam_beta2", c.adamBeta2);
    visit("warmup_steps", c.warmupSteps);
    visit("min_lr_ratio", c.minLrRatio);
    visit("grad_clip", c.gradClip);
    visit("ema_decay", c.emaDecay);
    visit("ema_start_step", c.emaStartStep);
    visit("condition_drop_prob", c.conditionDropProb);
    visit("mixed_precision", c.mixedPrecision);
    visit("device", c.device);
    visit("threads", c.threads);
    visit("seed", c.seed);
    visit("log_every", c.logEvery);
    visit("checkpoint_every", c.checkpointEvery);
    visit("sample_every", c.sampleEvery);
    visit("sample_grid_count", c.sampleGridCount);
    visit("sample_grid_steps", c.sampleGridSteps);
    visit("evaluate_samples", c.evaluateSamples);
    visit("keep_checkpoints", c.keepCheckpoints);
}

}  // namespace

void DiffusionTrainingConfig::validate() const {
    require(!dataDir.empty(), "data_dir", "is empty: name a finished data set");
    require(split == "train" || split == "val" || split == "test" || split == "all", "split",
            "must be train, val, test or all (got \"" + split + "\")");
    require(loaderWorkers >= 0 && loaderWorkers <= 64, "loader_workers", "must be in 0…64");
    require(steps >= 1, "steps", "must be at least 1");
    require(batchSize >= 1, "batch_size", "must be at least 1");
    require(learningRate > 0 && std::isfinite(learningRate), "learning_rate", "must be > 0");
    require(weightDecay >= 0, "weight_decay", "must be ≥ 0");
    require(adamBeta1 >= 0 && adamBeta1 < 1 && adamBeta2 >= 0 && adamBeta2 < 1, "adam_betas",
            "must be in [0, 1)");
    require(warmupSteps >= 0 || warmupSteps == kAutoWarmup, "warmup_steps",
            "must be ≥ 0, or -1 for 5 % of the run");
    require(minLrRatio >= 0 && minLrRatio <= 1, "min_lr_ratio", "must be in [0, 1]");
    require(gradClip >= 0, "grad_clip", "must be ≥ 0 (0 = off)");
    require((emaDecay >= 0 && emaDecay < 1) || emaDecay == kAutoEmaDecay, "ema_decay",
            "must be in [0, 1), or -1 for a horizon of a tenth of the run");
    require(conditionDropProb >= 0 && conditionDropProb <= 1, "condition_drop_prob",
            "must be in [0, 1]");
    require(logEvery >= 1, "log_every", "must be at least 1");
    require(checkpointEvery >= 1, "checkpoint_every", "must be at least 1");
    require(sampleEvery >= 0, "sample_every", "must be ≥ 0 (0 = never)");
    require(sampleGridCount >= 1 && sampleGridCount <= 256, "sample_grid_count", "must be in 1…256");
    require(sampleGridSteps >= 1, "sample_grid_steps", "must be at least 1");
    require(keepCheckpoints >= 0, "keep_checkpoints", "must be ≥ 0 (0 = all)");
    require(diffusion.timesteps >= 2, "diffusion.timesteps", "must be at least 2");
    require(diffusion.minSnrGamma >= 0, "diffusion.min_snr_gamma", "must be ≥ 0 (0 = off)");
}

std::vector<std::string> resolveRunLengthDefaults(DiffusionTrainingConfig& c) {
    std::vector<std::string> warnings;
    if (c.warmupSteps == kAutoWarmup) {
        c.warmupSteps = std::min<std::int64_t>(500, (c.steps + 10) / 20);
    } else if (c.warmupSteps >= c.steps) {
        warnings.push_back("the warm-up (" + std::to_string(c.warmupSteps) +
                           " steps) is not shorter than the run (" + std::to_string(c.steps) +
                           " steps): the learning rate never reaches its peak; leave --warmup "
                           "unset for 5 % of the run");
    }
    if (c.emaDecay == kAutoEmaDecay) {
        c.emaDecay = std::clamp(1.0 - 10.0 / static_cast<double>(c.steps), 0.0, 0.9999);
    } else if (c.emaDecay > 0 && 1.0 / (1.0 - c.emaDecay) > static_cast<double>(c.steps)) {
        warnings.push_back("the EMA horizon 1/(1 − " + std::to_string(c.emaDecay) + ") = " +
                           std::to_string(static_cast<long long>(std::llround(1.0 / (1.0 - c.emaDecay)))) +
                           " steps is longer than the run (" + std::to_string(c.steps) +
                           " steps): the averaged weights used for sampling lag behind the "
                           "model; leave --ema unset for a horizon of a tenth of the run");
    }
    return warnings;
}

double learningRateAt(const DiffusionTrainingConfig& c, std::int64_t step) {
    if (step < c.warmupSteps)
        return c.learningRate * static_cast<double>(step + 1) / static_cast<double>(c.warmupSteps);
    const double span = static_cast<double>(std::max<std::int64_t>(1, c.steps - 1 - c.warmupSteps));
    const double progress = std::min(1.0, static_cast<double>(step - c.warmupSteps) / span);
    const double cosine = 0.5 * (1.0 + std::cos(M_PI * progress));
    return c.learningRate * (c.minLrRatio + (1.0 - c.minLrRatio) * cosine);
}

double warmedEmaDecay(double decay, std::int64_t stepsSinceStart) {
    const double s = static_cast<double>(stepsSinceStart);
    return std::min(decay, (1.0 + s) / (10.0 + s));
}

double emaDecayAt(const DiffusionTrainingConfig& c, std::int64_t step) {
    if (step < c.emaStartStep) return 0.0;
    return warmedEmaDecay(c.emaDecay, step - c.emaStartStep);
}

std::string diffusionTrainingConfigToJson(const DiffusionTrainingConfig& c) {
    json j = json::object();  // keys sorted
    trainingFields(c, [&j](const char* key, const auto& value) { j[key] = value; });
    j["model"] = json::parse(unetConfigToJson(c.model));
    j["diffusion"] = json::parse(diffusionConfigToJson(c.diffusion));
    return j.dump(2) + "\n";
}

DiffusionTrainingConfig diffusionTrainingConfigFromJson(const std::string& jsonText,
                                                        const DiffusionTrainingConfig& base,
                                                        const std::string& source) {
    json j;
    try {
        j = json::parse(jsonText);
    } catch (const json::parse_error& e) {
        throw ConfigError(source + ": not valid JSON (" + e.what() + ")");
    }
    if (!j.is_object()) throw ConfigError(source + ": expected a JSON object");
    std::set<std::string> known = {"model", "diffusion"};
    trainingFields(base, [&known](const char* key, const auto&) { known.insert(key); });
    for (const auto& [key, value] : j.items())
        if (!known.count(key)) throw ConfigError(source + ": unknown key \"" + key + "\"");

    DiffusionTrainingConfig c = base;
    trainingFields(c, [&](const char* key, auto& value) { readKey(j, key, value, source); });
    if (j.contains("model")) {
        // Nested objects are applied over the base's model, so a config file may give only
        // the fields it changes.
        json merged = json::parse(unetConfigToJson(base.model));
        merged.update(j["model"]);
        c.model = unetConfigFromJson(merged.dump());
    }
    if (j.contains("diffusion")) {
        json merged = json::parse(diffusionConfigToJson(base.diffusion));
        merged.update(j["diffusion"]);
        c.diffusion = diffusionConfigFromJson(merged.dump());
    }
    return c;
}

}  // namespace cw::ml
