#include "ml/generation/sampling.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <set>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/npy.h"
#include "core/png_image.h"
#include "ml/device.h"
#include "ml/diffusion/checkpoint.h"
#include "ml/diffusion/diffusion.h"
#include "ml/diffusion/sample_images.h"
#include "ml/diffusion/training_config.h"
#include "ml/diffusion/unet.h"
#include "ml/props/props_network.h"
#include "ml/run_directory.h"

namespace cw::ml {
namespace {

namespace fs = std::filesystem;

std::string numbered(const char* prefix, int index, const char* suffix) {
    char name[64];
    std::snprintf(name, sizeof name, "%s%05d%s", prefix, index, suffix);
    return name;
}

// The conditioning of a request as tensors for `n` samples; unconditional (the null embedding)
// when the request gives none.
Condition makeCondition(const UNetConfig& model, const SampleRequest& request, const std::string& runDir,
                        int n, const torch::Device& device) {
    Condition condition;
    if (model.conditioning == Conditioning::None) {
        if (request.spaceGroup != 0 || !request.conditionValues.empty())
            throw ConfigError(runDir + ": the run was trained without conditioning; drop --space-group "
                              "and --condition");
        return condition;
    }
    const bool given = request.spaceGroup != 0 || !request.conditionValues.empty();
    condition.dropped = torch::full({n}, !given, torch::kBool).to(device);
    if (model.conditioning == Conditioning::Class) {
        if (!request.conditionValues.empty())
            throw ConfigError(runDir + ": the run is conditioned on the space group; use --space-group");
        if (given && (request.spaceGroup < 1 || request.spaceGroup > model.classes))
            throw ConfigError("--space-group must be in 1…" + std::to_string(model.classes));
        condition.classes = torch::full({n}, std::max(0, request.spaceGroup - 1), torch::kInt64).to(device);
        return condition;
    }
    if (request.spaceGroup != 0)
        throw ConfigError(runDir + ": the run is conditioned on properties; use --condition");
    std::vector<float> standardised(static_cast<std::size_t>(model.conditionDim), 0.0f);
    if (given) {
        const nlohmann::json info = nlohmann::json::parse(readFileToString(runDataInfoPath(runDir)));
        const auto means = info.at("condition_means").get<std::vector<double>>();
        const auto stds = info.at("condition_stds").get<std::vector<double>>();
        if (request.conditionValues.size() != means.size())
            throw ConfigError("--condition needs " + std::to_string(means.size()) + " values (" +
                              info.at("condition_names").dump() + ")");
        for (std::size_t i = 0; i < means.size(); ++i)
            standardised[i] = static_cast<float>((request.conditionValues[i] - means[i]) / stds[i]);
    }
    condition.vectors = torch::tensor(standardised).reshape({1, model.conditionDim}).repeat({n, 1}).to(device);
    return condition;
}

std::string trimmed(std::string text) {
    text.erase(0, text.find_first_not_of(" \t"));
    text.erase(text.find_last_not_of(" \t") + 1);
    return text;
}

// The guide run of a request, loaded and checked against the diffusion run it is to steer.
LoadedPropsRun loadGuide(const SampleRequest& request, const DiffusionTrainingConfig& config,
                         const std::string& runDir, const torch::Device& device) {
    LoadedPropsRun guide = loadPropsRun(request.guideRun, request.guideCheckpoint, device);
    const PropsDataInfo& info = guide.info;
    if (info.timesteps <= 0)
        throw ConfigError("--guide " + request.guideRun +
                          ": not a guidance model (it was trained on clean inputs); train one with "
                          "cwb props train --noisy-for " + runDir);
    const std::string schedule = scheduleName(config.diffusion.schedule);
    if (info.timesteps != config.diffusion.timesteps || info.schedule != schedule)
        throw ConfigError("--guide " + request.guideRun + " was trained on a " + info.schedule + " schedule of " +
                          std::to_string(info.timesteps) + " steps, but " + runDir + " uses " + schedule + " with " +
                          std::to_string(config.diffusion.timesteps) + " steps");
    if (info.channels != config.model.inChannels || info.imageSize != config.model.imageSize)
        throw ConfigError("--guide " + request.guideRun + " takes " + std::to_string(info.channels) + " × " +
                          std::to_string(info.imageSize) + "² images, but " + runDir + " draws " +
                          std::to_string(config.model.inChannels) + " × " + std::to_string(config.model.imageSize) +
                          "² ones");
    for (auto& parameter : guide.model->parameters()) parameter.set_requires_grad(false);
    return guide;
}

// ∇ₓ log p(y* | x_t) with log p = −½ Σ_k mask_k (f_k(x_t, t) − z*_k)², per sample (the guide
// treats each sample on its own: no batch statistics in eval mode).
ClassifierGuidance makeGuidance(const LoadedPropsRun& guide, const SampleRequest& request,
                                const torch::Device& device) {
    const TargetScaler& scaler = guide.info.scaler;
    const std::vector<std::string>& names = scaler.names();
    std::vector<float> target(names.size(), 0.0f), mask(names.size(), 0.0f);
    for (const auto& [name, value] : request.guideTargets) {
        const auto it = std::find(names.begin(), names.end(), name);
        if (it == names.end()) {
            std::string known;
            for (const std::string& n : names) known += (known.empty() ? "" : ", ") + n;
            throw ConfigError("--guide-target " + name + ": the guide " + request.guideRun + " predicts " + known);
        }
        const std::size_t k = static_cast<std::size_t>(it - names.begin());
        target[k] = static_cast<float>(scaler.forward(k, value));
        mask[k] = 1.0f;
    }
    const auto dim = static_cast<std::int64_t>(names.size());
    const torch::Tensor targets = torch::tensor(target).reshape({1, dim}).to(device);
    const torch::Tensor weights = torch::tensor(mask).reshape({1, dim}).to(device);
    PropsNet model = guide.model;
    ClassifierGuidance guidance;
    guidance.scale = request.guideScale;
    guidance.gradient = [model, targets, weights](const torch::Tensor& xt, const torch::Tensor& t) mutable {
        torch::AutoGradMode enable(true);  // the sampler runs under NoGradGuard
        const torch::Tensor x = xt.detach().to(torch::kFloat32).requires_grad_(true);
        const torch::Tensor logP = -0.5 * ((model->forward(x, t) - targets).pow(2) * weights).sum();
        return torch::autograd::grad({logP}, {x})[0];
    };
    return guidance;
}

}  // namespace

std::vector<std::pair<std::string, double>> parseGuideTargets(const std::string& text) {
    std::vector<std::pair<std::string, double>> targets;
    std::set<std::string> seen;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t comma = text.find(',', start);
        if (comma == std::string::npos) comma = text.size();
        const std::string item = trimmed(text.substr(start, comma - start));
        start = comma + 1;
        if (item.empty()) continue;
        const std::size_t equals = item.find('=');
        if (equals == std::string::npos)
            throw ConfigError("--guide-target: \"" + item + "\" is not NAME=VALUE (e.g. band_gap=2.0)");
        const std::string name = trimmed(item.substr(0, equals));
        const std::string number = trimmed(item.substr(equals + 1));
        if (name.empty()) throw ConfigError("--guide-target: \"" + item + "\" has no property name");
        double value = 0;
        std::size_t used = 0;
        try {
            value = std::stod(number, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (number.empty() || used != number.size() || !std::isfinite(value))
            throw ConfigError("--guide-target: \"" + number + "\" (for " + name + ") is not a finite number");
        if (!seen.insert(name).second) throw ConfigError("--guide-target: " + name + " is given twice");
        targets.emplace_back(name, value);
    }
    return targets;
}

SampleResult sampleFromRun(const std::string& runDir, const SampleRequest& request,
                           const std::string& outDir, ProgressSink& progress,
                           std::stop_token stop) {
    if (request.count < 1) throw ConfigError("--n must be at least 1");
    if (request.batchSize < 1) throw ConfigError("--batch must be at least 1");
    const std::string checkpoint = resolveCheckpoint(runDir, request.checkpoint);
    const DiffusionTrainingConfig config =
        diffusionTrainingConfigFromJson(readCheckpointState(checkpoint).configJson, {}, checkpoint);
    setTorchThreads(request.threads);
    const torch::Device device(resolveDevice(request.device));
    UNet model(config.model);
    model->to(device);
    const CheckpointState state = loadWeights(checkpoint, model, request.useEma, device);
    model->eval();
    const GaussianDiffusion diffusion(config.diffusion);
    if (request.guideScale < 0 || !std::isfinite(request.guideScale))
        throw ConfigError("--guide-scale must be ≥ 0");
    if (request.guideRun.empty() && request.guideScale > 0)
        throw ConfigError("--guide-scale needs --guide PROPS_RUN (a guidance model of this run)");
    if (request.guideRun.empty() && !request.guideTargets.empty())
        throw ConfigError("--guide-target needs --guide PROPS_RUN (a guidance model of this run)");
    std::optional<LoadedPropsRun> guide;
    ClassifierGuidance guidance;
    if (!request.guideRun.empty()) {
        if (request.guideTargets.empty())
            throw ConfigError("--guide needs --guide-target NAME=VALUE[,NAME=VALUE…]");
        guide = loadGuide(request, config, runDir, device);
        guidance = makeGuidance(*guide, request, device);
    }
    fs::create_directories(outDir);

    const int channels = config.model.inChannels;
    const int size = config.model.imageSize;
    ImageStack all;
    all.channels = channels;
    all.height = all.width = size;
    SampleResult result;
    const auto start = std::chrono::steady_clock::now();
    // Built once (it reads data.json for property runs): every batch has the same condition.
    const Condition fullBatchCondition = makeCondition(config.model, request, runDir, request.batchSize, device);
    for (int done = 0; done < request.count;) {
        const int n = std::min(request.batchSize, request.count - done);
        SamplerOptions options = request.sampler;
        // Each batch draws its own noise, reproducibly for a given --seed and --batch.
        options.seed = request.sampler.seed + static_cast<std::uint64_t>(done);
        Condition condition = fullBatchCondition;
        if (n < request.batchSize) {  // the last, shorter batch
            if (condition.classes.defined()) condition.classes = condition.classes.narrow(0, 0, n);
            if (condition.vectors.defined()) condition.vectors = condition.vectors.narrow(0, 0, n);
            if (condition.dropped.defined()) condition.dropped = condition.dropped.narrow(0, 0, n);
        }
        // Progress at every denoising step, so that the rate shows from the first batch (a
        // 64-image batch of 50 DDIM steps takes minutes on a CPU): images in flight count by the
        // share of their steps done.
        const auto onStep = [&](int stepsDone, int stepsTotal) {
            const double images = done + n * static_cast<double>(stepsDone) / std::max(1, stepsTotal);
            const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            progress.report(
                {"sample",
                 static_cast<std::int64_t>(images),
                 request.count,
                 {{"images_per_s", images / std::max(1e-9, seconds)}, {"images_written", done}}});
        };
        torch::Tensor samples =
            diffusion.sample(model, n, options, condition, onStep, guidance, stop);
        if (!samples.defined()) {
            result.cancelled = true;
            break;
        }
        samples = ((samples.to(torch::kCPU).to(torch::kFloat32) + 1.0) * 0.5).clamp(0.0, 1.0).contiguous();
        const float* values = samples.data_ptr<float>();
        ImageStack batch;
        batch.count = n;
        batch.channels = channels;
        batch.height = batch.width = size;
        batch.values.assign(values, values + samples.numel());
        for (int i = 0; i < n; ++i) {
            const int index = done + i;
            if (!request.stacked) {
                const std::string path = outDir + "/" + numbered("sample-", index, ".npy");
                std::vector<float> item(values + i * batch.itemSize(), values + (i + 1) * batch.itemSize());
                writeNpy(path, item, {static_cast<std::size_t>(channels), static_cast<std::size_t>(size),
                                      static_cast<std::size_t>(size)});
                result.files.push_back(path);
            }
            if (request.png) {
                const std::string path = outDir + "/" + numbered("sample-", index, ".png");
                writePngGray(path, sampleTile(batch, i), 8);
                result.files.push_back(path);
            }
        }
        all.values.insert(all.values.end(), batch.values.begin(), batch.values.end());
        all.count += n;
        done += n;
        result.written = done;
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        result.imagesPerSecond = done / std::max(1e-9, seconds);
        progress.report({"sample", done, request.count,
                         {{"images_per_s", result.imagesPerSecond}, {"images_written", done}}});
    }
    if (all.count > 0) {
        if (request.stacked) {
            const std::string path = outDir + "/samples.npy";
            writeNpy(path, all.values,
                     {static_cast<std::size_t>(all.count), static_cast<std::size_t>(channels),
                      static_cast<std::size_t>(size), static_cast<std::size_t>(size)});
            result.files.push_back(path);
        }
        if (request.png) {
            const std::string path = outDir + "/grid.png";
            writeSampleGrid(path, all.count > 64 ? ImageStack{64, channels, size, size,
                                                              {all.values.begin(), all.values.begin() + 64 * all.itemSize()}}
                                                 : all);
            result.files.push_back(path);
        }
        nlohmann::json info;
        info["run"] = runDir;
        info["checkpoint"] = checkpoint;
        info["step"] = state.step;
        info["ema"] = request.useEma;
        info["count"] = all.count;
        info["sampler"] = samplerName(request.sampler.kind);
        info["sampling_steps"] = request.sampler.kind == SamplerKind::Ddpm ? config.diffusion.timesteps
                                                                            : request.sampler.samplingSteps;
        info["eta"] = request.sampler.eta;
        info["guidance"] = request.sampler.guidanceScale;
        info["clipping"] = clippingName(request.sampler.clipping);
        info["seed"] = request.sampler.seed;
        info["space_group"] = request.spaceGroup;
        info["condition"] = request.conditionValues;
        if (guide) {
            nlohmann::json targets = nlohmann::json::object();
            for (const auto& [name, value] : request.guideTargets) targets[name] = value;
            info["guide"] = {{"run", request.guideRun},
                             {"checkpoint", request.guideCheckpoint},
                             {"targets", targets},
                             {"scale", request.guideScale}};
        }
        // How to decode the images (cwb eval crystals, cwb generate): the run's data encoding.
        const fs::path dataInfo = runDataInfoPath(runDir);
        if (fs::is_regular_file(dataInfo)) {
            const nlohmann::json data = nlohmann::json::parse(readFileToString(dataInfo.string()), nullptr, false);
            if (data.is_object() && data.contains("encoding")) info["encoding"] = data.at("encoding");
        }
        info["cancelled"] = result.cancelled;
        writeFileAtomically(outDir + "/samples.json", info.dump(2) + "\n");
    }
    return result;
}

}  // namespace cw::ml
