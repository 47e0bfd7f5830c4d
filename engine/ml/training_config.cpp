#include "ml/training_config.h"

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

}  // namespace

void TrainingConfig::validate() const {
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

std::vector<std::string> resolveRunLengthDefaults(TrainingConfig& c) {
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

double learningRateAt(const TrainingConfig& c, std::int64_t step) {
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

double emaDecayAt(const TrainingConfig& c, std::int64_t step) {
    if (step < c.emaStartStep) return 0.0;
    return warmedEmaDecay(c.emaDecay, step - c.emaStartStep);
}

std::string trainingConfigToJson(const TrainingConfig& c) {
    json j = json::object();
    j["data_dir"] = c.dataDir;
    j["split"] = c.split;
    j["condition"] = c.condition;
    j["max_items"] = c.maxItems;
    j["augment"] = c.augment;
    j["loader_workers"] = c.loaderWorkers;
    j["model"] = json::parse(unetConfigToJson(c.model));
    j["diffusion"] = json::parse(diffusionConfigToJson(c.diffusion));
    j["steps"] = c.steps;
    j["batch_size"] = c.batchSize;
    j["learning_rate"] = c.learningRate;
    j["weight_decay"] = c.weightDecay;
    j["adam_beta1"] = c.adamBeta1;
    j["adam_beta2"] = c.adamBeta2;
    j["warmup_steps"] = c.warmupSteps;
    j["min_lr_ratio"] = c.minLrRatio;
    j["grad_clip"] = c.gradClip;
    j["ema_decay"] = c.emaDecay;
    j["ema_start_step"] = c.emaStartStep;
    j["condition_drop_prob"] = c.conditionDropProb;
    j["mixed_precision"] = c.mixedPrecision;
    j["device"] = c.device;
    j["threads"] = c.threads;
    j["seed"] = c.seed;
    j["log_every"] = c.logEvery;
    j["checkpoint_every"] = c.checkpointEvery;
    j["sample_every"] = c.sampleEvery;
    j["sample_grid_count"] = c.sampleGridCount;
    j["sample_grid_steps"] = c.sampleGridSteps;
    j["evaluate_samples"] = c.evaluateSamples;
    j["keep_checkpoints"] = c.keepCheckpoints;
    return j.dump(2) + "\n";
}

TrainingConfig trainingConfigFromJson(const std::string& jsonText, const TrainingConfig& base,
                                      const std::string& source) {
    json j;
    try {
        j = json::parse(jsonText);
    } catch (const json::parse_error& e) {
        throw ConfigError(source + ": not valid JSON (" + e.what() + ")");
    }
    if (!j.is_object()) throw ConfigError(source + ": expected a JSON object");
    static const std::set<std::string> known = {
        "data_dir", "split", "condition", "max_items", "augment", "loader_workers", "model",
        "diffusion", "steps", "batch_size", "learning_rate", "weight_decay", "adam_beta1",
        "adam_beta2", "warmup_steps", "min_lr_ratio", "grad_clip", "ema_decay", "ema_start_step",
        "condition_drop_prob", "mixed_precision", "device", "threads", "seed", "log_every",
        "checkpoint_every", "sample_every", "sample_grid_count", "sample_grid_steps",
        "evaluate_samples", "keep_checkpoints"};
    for (const auto& [key, value] : j.items())
        if (!known.count(key)) throw ConfigError(source + ": unknown key \"" + key + "\"");

    TrainingConfig c = base;
    readKey(j, "data_dir", c.dataDir, source);
    readKey(j, "split", c.split, source);
    readKey(j, "condition", c.condition, source);
    readKey(j, "max_items", c.maxItems, source);
    readKey(j, "augment", c.augment, source);
    readKey(j, "loader_workers", c.loaderWorkers, source);
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
    readKey(j, "steps", c.steps, source);
    readKey(j, "batch_size", c.batchSize, source);
    readKey(j, "learning_rate", c.learningRate, source);
    readKey(j, "weight_decay", c.weightDecay, source);
    readKey(j, "adam_beta1", c.adamBeta1, source);
    readKey(j, "adam_beta2", c.adamBeta2, source);
    readKey(j, "warmup_steps", c.warmupSteps, source);
    readKey(j, "min_lr_ratio", c.minLrRatio, source);
    readKey(j, "grad_clip", c.gradClip, source);
    readKey(j, "ema_decay", c.emaDecay, source);
    readKey(j, "ema_start_step", c.emaStartStep, source);
    readKey(j, "condition_drop_prob", c.conditionDropProb, source);
    readKey(j, "mixed_precision", c.mixedPrecision, source);
    readKey(j, "device", c.device, source);
    readKey(j, "threads", c.threads, source);
    readKey(j, "seed", c.seed, source);
    readKey(j, "log_every", c.logEvery, source);
    readKey(j, "checkpoint_every", c.checkpointEvery, source);
    readKey(j, "sample_every", c.sampleEvery, source);
    readKey(j, "sample_grid_count", c.sampleGridCount, source);
    readKey(j, "sample_grid_steps", c.sampleGridSteps, source);
    readKey(j, "evaluate_samples", c.evaluateSamples, source);
    readKey(j, "keep_checkpoints", c.keepCheckpoints, source);
    return c;
}

}  // namespace cw::ml
