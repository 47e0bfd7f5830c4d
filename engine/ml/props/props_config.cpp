#include "ml/props/props_config.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <set>

#include "core/enum_names.h"
#include "core/error.h"
#include "core/name_list.h"
#include "ml/config_fields.h"

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
    if (spec.rfind("backbone:", 0) == 0)
        config.backboneFile = spec.substr(9);
    else if (config.model != PropsModelKind::Backbone)
        config.backboneFile.clear();
}

namespace {
constexpr EnumName<PropsLoss> kLossNames[] = {{PropsLoss::Mse, "mse"},
                                              {PropsLoss::L1, "l1"},
                                              {PropsLoss::L1, "mae", true},
                                              {PropsLoss::Huber, "huber"}};
constexpr EnumName<TargetTransform> kTransformNames[] = {
    {TargetTransform::None, "none"},
    {TargetTransform::Sqrt, "sqrt"},
    {TargetTransform::Standardize, "standardize"},
    {TargetTransform::Standardize, "standardise", true},
    {TargetTransform::SqrtStandardize, "sqrt+standardize"},
    {TargetTransform::SqrtStandardize, "sqrt+standardise", true}};
}  // namespace

const char* propsLossName(PropsLoss loss) {
    return enumName(kLossNames, loss);
}

PropsLoss parsePropsLoss(const std::string& name) {
    if (const auto value = enumFromName(kLossNames, name)) return *value;
    throw ConfigError("loss '" + name + "': expected " + enumNameList(kLossNames));
}

const char* targetTransformName(TargetTransform transform) {
    return enumName(kTransformNames, transform);
}

TargetTransform parseTargetTransform(const std::string& name) {
    if (const auto value = enumFromName(kTransformNames, name)) return *value;
    throw ConfigError("transform '" + name + "': expected " + enumNameList(kTransformNames));
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
        require(knownSplit(*split), "splits",
                "must be train, val, test or all (got \"" + *split + "\")");
    require(std::isfinite(maxEAboveHull), "max_e_above_hull", "must be a finite number (eV/atom)");
    require(maxSites >= 0, "max_sites", "must be ≥ 0 (0 = all)");
    if (model == PropsModelKind::Backbone)
        require(!backboneFile.empty(), "backbone_file",
                "is empty: a backbone model needs a TorchScript file (--model backbone:FILE.pt)");
    else
        require(backboneFile.empty(), "backbone_file",
                "is set but the model is " + std::string(propsModelName(model)) +
                    " (use --model backbone:FILE.pt)");
    require(width >= 4 && width <= 512, "width", "must be in 4…512");
    require(blocksPerStage >= 1 && blocksPerStage <= 16, "blocks_per_stage", "must be in 1…16");
    if (model == PropsModelKind::Sites) {
        require(width % 4 == 0, "width",
                "must be a multiple of 4 for the sites model (4 attention heads)");
        // Its tokens are read by rounding Z and thresholding the header: discrete steps that a
        // noisy x_t scrambles and that pass no gradient to x, which guidance needs.
        require(
            noisyFor.empty(), "model",
            "sites cannot be a guidance model (--noisy-for): it reads rounded atomic numbers and "
            "an "
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

namespace {
// Every field once: config.json's key and the member. "model" takes "backbone:FILE" too, which
// propsConfigFromJson applies after the fields.
template <class Config, class Visit>
void propsFields(Config& c, Visit&& visit) {
    visit("data_dir", c.dataDir);
    visit("targets", c.targets);
    visit("train_split", c.trainSplit);
    visit("val_split", c.valSplit);
    visit("test_split", c.testSplit);
    visit("stable_only", c.stableOnly);
    visit("max_e_above_hull", c.maxEAboveHull);
    visit("max_sites", c.maxSites);
    visit("max_items", c.maxItems);
    visit("model", c.model, propsModelName, parsePropsModel);
    visit("backbone_file", c.backboneFile);
    visit("freeze_backbone", c.freezeBackbone);
    visit("width", c.width);
    visit("blocks_per_stage", c.blocksPerStage);
    visit("dropout", c.dropout);
    visit("transform", c.transform, targetTransformName, parseTargetTransform);
    visit("loss", c.loss, propsLossName, parsePropsLoss);  // absent in older runs: mse
    visit("noisy_for", c.noisyFor);
    visit("epochs", c.epochs);
    visit("patience", c.patience);
    visit("batch_size", c.batchSize);
    visit("learning_rate", c.learningRate);
    visit("weight_decay", c.weightDecay);
    visit("min_lr_ratio", c.minLrRatio);
    visit("grad_clip", c.gradClip);
    visit("ema_decay", c.emaDecay);  // absent in older runs: off
    visit("device", c.device);
    visit("threads", c.threads);
    visit("seed", c.seed);
}
}  // namespace

std::string propsConfigToJson(const PropsConfig& c) {
    nlohmann::ordered_json j;
    propsFields(c, detail::FieldWriter<nlohmann::ordered_json>{j});
    return j.dump(2) + "\n";
}

PropsConfig propsConfigFromJson(const std::string& jsonText, const PropsConfig& base,
                                const std::string& source) {
    const nlohmann::json j = detail::parseConfigObject(jsonText, source);
    detail::FieldKeys known;
    propsFields(base, known);
    detail::rejectUnknownKeys(j, known.keys, source);
    PropsConfig c = base;
    propsFields(c, detail::FieldReader{j, source});
    // "backbone:FILE" names the file as well (setPropsModel); an explicit backbone_file wins.
    if (!j.contains("backbone_file")) {
        std::string model = propsModelName(c.model);
        detail::readField(j, "model", model, source);
        setPropsModel(c, model);
    }
    return c;
}

}  // namespace cw::ml
