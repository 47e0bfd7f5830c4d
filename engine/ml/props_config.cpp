#include "ml/props_config.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <set>

#include "core/error.h"
#include "core/name_list.h"
#include "ml/config_json.h"

namespace cw::ml {
namespace {

void require(bool ok, const std::string& field, const std::string& reason) {
    if (!ok) throw ConfigError("props config: " + field + " " + reason);
}

bool knownSplit(const std::string& name) {
    return name == "train" || name == "val" || name == "test" || name == "all";
}

}  // namespace

const char* propsModelName(PropsModelKind kind) {
    switch (kind) {
        case PropsModelKind::Baseline:
            return "baseline";
        case PropsModelKind::ResNet:
            return "resnet";
        case PropsModelKind::Backbone:
            return "backbone";
        case PropsModelKind::Sites:
            return "sites";
    }
    return "resnet";
}

PropsModelKind parsePropsModel(const std::string& name) {
    if (name == "baseline") return PropsModelKind::Baseline;
    if (name == "resnet") return PropsModelKind::ResNet;
    if (name == "sites") return PropsModelKind::Sites;
    if (name == "backbone" || name.rfind("backbone:", 0) == 0) return PropsModelKind::Backbone;
    throw ConfigError("model '" + name + "': expected baseline, resnet, sites or backbone:FILE.pt");
}

void setPropsModel(PropsConfig& config, const std::string& spec) {
    config.model = parsePropsModel(spec);
    if (spec.rfind("backbone:", 0) == 0) config.backboneFile = spec.substr(9);
    else if (config.model != PropsModelKind::Backbone) config.backboneFile.clear();
}

const char* propsLossName(PropsLoss loss) {
    switch (loss) {
        case PropsLoss::Mse:
            return "mse";
        case PropsLoss::L1:
            return "l1";
        case PropsLoss::Huber:
            return "huber";
    }
    return "mse";
}

PropsLoss parsePropsLoss(const std::string& name) {
    if (name == "mse") return PropsLoss::Mse;
    if (name == "l1" || name == "mae") return PropsLoss::L1;
    if (name == "huber") return PropsLoss::Huber;
    throw ConfigError("loss '" + name + "': expected mse, l1 or huber");
}

const char* targetTransformName(TargetTransform transform) {
    switch (transform) {
        case TargetTransform::None:
            return "none";
        case TargetTransform::Sqrt:
            return "sqrt";
        case TargetTransform::Standardize:
            return "standardize";
        case TargetTransform::SqrtStandardize:
            return "sqrt+standardize";
    }
    return "none";
}

TargetTransform parseTargetTransform(const std::string& name) {
    if (name == "none") return TargetTransform::None;
    if (name == "sqrt") return TargetTransform::Sqrt;
    if (name == "standardize" || name == "standardise") return TargetTransform::Standardize;
    if (name == "sqrt+standardize" || name == "sqrt+standardise")
        return TargetTransform::SqrtStandardize;
    throw ConfigError("transform '" + name +
                      "': expected none, sqrt, standardize or sqrt+standardize");
}

void PropsConfig::validate() const {
    require(!dataDir.empty() || !noisyFor.empty(), "data_dir",
            "is empty: name a finished CrysTens data set");
    require(!targets.empty(), "targets", "is empty: name at least one numeric property column");
    std::set<std::string> seen;
    for (const std::string& t : targets) {
        require(!t.empty(), "targets", "holds an empty name");
        require(seen.insert(t).second, "targets", "names '" + t + "' twice");
    }
    for (const std::string* split : {&trainSplit, &valSplit, &testSplit})
        require(knownSplit(*split), "splits", "must be train, val, test or all (got \"" + *split + "\")");
    require(std::isfinite(maxEAboveHull), "max_e_above_hull", "must be a finite number (eV/atom)");
    require(maxSites >= 0, "max_sites", "must be ≥ 0 (0 = all)");
    if (model == PropsModelKind::Backbone)
        require(!backboneFile.empty(), "backbone_file",
                "is empty: a backbone model needs a TorchScript file (--model backbone:FILE.pt)");
    else
        require(backboneFile.empty(), "backbone_file",
                "is set but the model is " + std::string(propsModelName(model)) + " (use --model backbone:FILE.pt)");
    require(width >= 4 && width <= 512, "width", "must be in 4…512");
    require(blocksPerStage >= 1 && blocksPerStage <= 16, "blocks_per_stage", "must be in 1…16");
    if (model == PropsModelKind::Sites) {
        require(width % 4 == 0, "width", "must be a multiple of 4 for the sites model (4 attention heads)");
        // Its tokens are read by rounding Z and thresholding the header: discrete steps that a
        // noisy x_t scrambles and that pass no gradient to x, which guidance needs.
        require(noisyFor.empty(), "model",
                "sites cannot be a guidance model (--noisy-for): it reads rounded atomic numbers and an "
                "occupancy mask from clean images, and guidance needs a gradient with respect to noisy "
                "pixels; use resnet or baseline");
    }
    require(dropout >= 0 && dropout < 1, "dropout", "must be in [0, 1)");
    require(epochs >= 1, "epochs", "must be at least 1");
    require(patience >= 0, "patience", "must be ≥ 0 (0 = no early stopping)");
    require(batchSize >= 1, "batch_size", "must be at least 1");
    require(learningRate > 0 && std::isfinite(learningRate), "learning_rate", "must be > 0");
    require(weightDecay >= 0, "weight_decay", "must be ≥ 0");
    require(minLrRatio >= 0 && minLrRatio <= 1, "min_lr_ratio", "must be in [0, 1]");
    require(gradClip >= 0, "grad_clip", "must be ≥ 0 (0 = off)");
    require(emaDecay >= 0 && emaDecay < 1, "ema_decay", "must be in [0, 1) (0 = off)");
    require(threads >= 0, "threads", "must be ≥ 0 (0 = all cores)");
}

std::string propsConfigToJson(const PropsConfig& c) {
    nlohmann::ordered_json j;
    j["data_dir"] = c.dataDir;
    j["targets"] = c.targets;
    j["train_split"] = c.trainSplit;
    j["val_split"] = c.valSplit;
    j["test_split"] = c.testSplit;
    j["stable_only"] = c.stableOnly;
    j["max_e_above_hull"] = c.maxEAboveHull;
    j["max_sites"] = c.maxSites;
    j["max_items"] = c.maxItems;
    j["model"] = propsModelName(c.model);
    j["backbone_file"] = c.backboneFile;
    j["freeze_backbone"] = c.freezeBackbone;
    j["width"] = c.width;
    j["blocks_per_stage"] = c.blocksPerStage;
    j["dropout"] = c.dropout;
    j["transform"] = targetTransformName(c.transform);
    j["loss"] = propsLossName(c.loss);
    j["noisy_for"] = c.noisyFor;
    j["epochs"] = c.epochs;
    j["patience"] = c.patience;
    j["batch_size"] = c.batchSize;
    j["learning_rate"] = c.learningRate;
    j["weight_decay"] = c.weightDecay;
    j["min_lr_ratio"] = c.minLrRatio;
    j["grad_clip"] = c.gradClip;
    j["ema_decay"] = c.emaDecay;
    j["device"] = c.device;
    j["threads"] = c.threads;
    j["seed"] = c.seed;
    return j.dump(2) + "\n";
}

PropsConfig propsConfigFromJson(const std::string& jsonText, const PropsConfig& base,
                                const std::string& source) {
    const nlohmann::json j = detail::parseConfigObject(jsonText, source);
    detail::rejectUnknownKeys(
        j,
        {"data_dir", "targets", "train_split", "val_split", "test_split", "stable_only",
         "max_e_above_hull", "max_sites", "max_items", "model", "backbone_file", "freeze_backbone",
         "width", "blocks_per_stage", "dropout", "transform", "loss", "noisy_for", "epochs", "patience",
         "batch_size", "learning_rate", "weight_decay", "min_lr_ratio", "grad_clip", "ema_decay", "device",
         "threads", "seed"},
        source);
    PropsConfig c = base;
    detail::readField(j, "data_dir", c.dataDir, source);
    if (const auto it = j.find("targets"); it != j.end()) {
        // A list of names, or one comma-separated string as on the command line.
        if (it->is_string()) {
            c.targets = splitNameList(it->get<std::string>());
        } else if (it->is_array()) {
            c.targets.clear();
            for (const auto& name : *it) {
                if (!name.is_string())
                    throw ConfigError(source + ": key 'targets' must hold names, not " + name.dump());
                c.targets.push_back(name.get<std::string>());
            }
        } else {
            throw ConfigError(source + ": key 'targets' must be a list of names, not " + it->dump());
        }
    }
    detail::readField(j, "train_split", c.trainSplit, source);
    detail::readField(j, "val_split", c.valSplit, source);
    detail::readField(j, "test_split", c.testSplit, source);
    detail::readField(j, "stable_only", c.stableOnly, source);
    detail::readField(j, "max_e_above_hull", c.maxEAboveHull, source);
    detail::readField(j, "max_sites", c.maxSites, source);
    detail::readField(j, "max_items", c.maxItems, source);
    // "backbone:FILE" sets the file too; an explicit backbone_file wins.
    std::string model = propsModelName(c.model);
    detail::readField(j, "model", model, source);
    setPropsModel(c, model);
    detail::readField(j, "backbone_file", c.backboneFile, source);
    detail::readField(j, "freeze_backbone", c.freezeBackbone, source);
    detail::readField(j, "width", c.width, source);
    detail::readField(j, "blocks_per_stage", c.blocksPerStage, source);
    detail::readField(j, "dropout", c.dropout, source);
    std::string transform = targetTransformName(c.transform);
    detail::readField(j, "transform", transform, source);
    c.transform = parseTargetTransform(transform);
    // Runs written before the option existed trained with mse, the default.
    std::string loss = propsLossName(c.loss);
    detail::readField(j, "loss", loss, source);
    c.loss = parsePropsLoss(loss);
    detail::readField(j, "noisy_for", c.noisyFor, source);
    detail::readField(j, "epochs", c.epochs, source);
    detail::readField(j, "patience", c.patience, source);
    detail::readField(j, "batch_size", c.batchSize, source);
    detail::readField(j, "learning_rate", c.learningRate, source);
    detail::readField(j, "weight_decay", c.weightDecay, source);
    detail::readField(j, "min_lr_ratio", c.minLrRatio, source);
    detail::readField(j, "grad_clip", c.gradClip, source);
    detail::readField(j, "ema_decay", c.emaDecay, source);  // absent in older runs: off
    detail::readField(j, "device", c.device, source);
    detail::readField(j, "threads", c.threads, source);
    detail::readField(j, "seed", c.seed, source);
    return c;
}

}  // namespace cw::ml
