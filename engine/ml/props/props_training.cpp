// trainProps: the epoch loop of property prediction (props_model.h).
#include <ATen/CPUGeneratorImpl.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numeric>
#include <optional>
#include <random>
#include <sstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "ml/device.h"
#include "ml/diffusion/checkpoint.h"
#include "ml/diffusion/diffusion.h"
#include "ml/diffusion/training_config.h"
#include "ml/props/props_data.h"
#include "ml/props/props_model.h"
#include "ml/props/props_network.h"
#include "ml/props/props_run.h"
#include "ml/props/regression_metrics.h"
#include "ml/run_directory.h"
#include "ml/run_log.h"
#include "ml/weight_average.h"

namespace cw::ml {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string shortNumber(double value) {
    std::ostringstream out;
    out.precision(4);
    out << value;
    return out.str();
}

// The resolved config of a diffusion run (a guide's --noisy-for). Throws ConfigError.
DiffusionTrainingConfig diffusionRunConfig(const std::string& diffusionRun) {
    const std::string path = runConfigPath(diffusionRun);
    if (!fs::is_regular_file(path) || !fs::is_regular_file(runDataInfoPath(diffusionRun)))
        throw ConfigError("--noisy-for " + diffusionRun +
                          ": not a diffusion run directory (no config.json and data.json; see cwb diffusion train)");
    const DiffusionTrainingConfig defaults;
    return diffusionTrainingConfigFromJson(readFileToString(path), defaults, path);
}

PropsConfig resolveConfig(const PropsConfig& request, const std::string& runDir, bool resume) {
    if (!resume) {
        requireNewRunDirectory(runDir);
        PropsConfig config = request;
        // A guide learns the diffusion run's data unless told otherwise.
        if (!config.noisyFor.empty() && config.dataDir.empty())
            config.dataDir = diffusionRunConfig(config.noisyFor).dataDir;
        return config;
    }
    const std::string configPath = resumableRunConfigPath(runDir);
    PropsConfig stored = propsConfigFromJson(readFileToString(configPath), {}, configPath);
    stored.epochs = std::max(stored.epochs, request.epochs);
    stored.device = request.device;
    stored.threads = request.threads;
    return stored;
}

// Records the forward process of a guide's diffusion run in `info`, after checking that the data
// are what that run was trained on. Throws ConfigError.
void describeNoisyRun(const PropsConfig& config, const ImageSet& images, PropsDataInfo& info) {
    const DiffusionTrainingConfig diffusion = diffusionRunConfig(config.noisyFor);
    const nlohmann::json data = nlohmann::json::parse(readFileToString(runDataInfoPath(config.noisyFor)));
    const std::string kind = data.value("kind", std::string());
    if (kind != imageSetKindName(images.kind()) || diffusion.model.inChannels != images.channels() ||
        diffusion.model.imageSize != images.imageSize())
        throw ConfigError("--noisy-for " + config.noisyFor + ": the diffusion run learnt " + kind + " images of " +
                          std::to_string(diffusion.model.inChannels) + " × " +
                          std::to_string(diffusion.model.imageSize) + "², but " + config.dataDir + " holds " +
                          imageSetKindName(images.kind()) + " images of " + std::to_string(images.channels()) +
                          " × " + std::to_string(images.imageSize()) + "²");
    info.diffusionRun = config.noisyFor;
    info.timesteps = diffusion.diffusion.timesteps;
    info.schedule = scheduleName(diffusion.diffusion.schedule);
}

// The forward process of a guide run, or nothing for an ordinary one.
std::optional<GaussianDiffusion> forwardProcess(const PropsDataInfo& info) {
    if (info.timesteps <= 0) return std::nullopt;
    DiffusionConfig c;
    c.timesteps = info.timesteps;
    c.schedule = parseSchedule(info.schedule);
    return GaussianDiffusion(c);
}

// A split's transformed targets and their mask ([n, T] each; missing labels are 0 in both).
struct SplitTensors {
    torch::Tensor targets, mask;
};

SplitTensors transformTargets(const PropsSplit& split, const TargetScaler& scaler) {
    const auto n = static_cast<std::int64_t>(split.items.size()), dim = static_cast<std::int64_t>(scaler.size());
    SplitTensors t{torch::zeros({n, dim}, torch::kFloat32), torch::zeros({n, dim}, torch::kFloat32)};
    float* y = t.targets.data_ptr<float>();
    float* m = t.mask.data_ptr<float>();
    for (std::int64_t i = 0; i < n * dim; ++i) {
        const double v = split.targets[static_cast<std::size_t>(i)];
        if (std::isnan(v)) continue;
        y[i] = static_cast<float>(scaler.forward(static_cast<std::size_t>(i % dim), v));
        m[i] = 1.0f;
    }
    return t;
}

// The order of epoch `epoch`'s training items: a shuffle that depends on (seed, epoch) only, so
// a resumed run sees the batches an uninterrupted one would.
std::vector<std::size_t> epochOrder(std::size_t n, std::uint64_t seed, int epoch) {
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::seed_seq sequence{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                           static_cast<std::uint32_t>(epoch), 0x70726f70u};
    std::mt19937_64 random(sequence);
    for (std::size_t i = n; i > 1; --i) {
        std::uniform_int_distribution<std::size_t> pick(0, i - 1);
        std::swap(order[i - 1], order[pick(random)]);
    }
    return order;
}

double learningRateAt(const PropsConfig& c, std::int64_t step, std::int64_t stepsPerEpoch) {
    const std::int64_t total = std::max<std::int64_t>(1, stepsPerEpoch * c.epochs);
    const std::int64_t warmup = std::min(stepsPerEpoch, total / 10);
    if (step < warmup) return c.learningRate * static_cast<double>(step + 1) / static_cast<double>(warmup);
    const double progress =
        std::min(1.0, static_cast<double>(step - warmup) / static_cast<double>(std::max<std::int64_t>(1, total - warmup)));
    return c.learningRate * (c.minLrRatio + (1.0 - c.minLrRatio) * 0.5 * (1.0 + std::cos(M_PI * progress)));
}

void setLearningRate(torch::optim::Optimizer& optimizer, double lr) {
    for (auto& group : optimizer.param_groups())
        static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
}

// Network outputs (transformed units) of every kept item of a split, [n, T] on the CPU. With a
// forward process, the inputs are diffused at steps and with noise drawn from a generator seeded
// with `noiseSeed`, the same for every call (comparable validation losses across epochs);
// without, clean inputs at step 0.
torch::Tensor predictSplit(PropsNet& model, const PropsSplit& split, int batchSize,
                           const torch::Device& device, std::stop_token stop,
                           const GaussianDiffusion* diffusion = nullptr,
                           std::uint64_t noiseSeed = 0) {
    torch::NoGradGuard noGrad;
    model->eval();
    at::Generator generator = at::detail::createCPUGenerator(noiseSeed);
    std::vector<torch::Tensor> parts;
    for (std::size_t first = 0; first < split.items.size(); first += static_cast<std::size_t>(batchSize)) {
        if (stop.stop_requested()) return {};
        const std::size_t last = std::min(split.items.size(), first + static_cast<std::size_t>(batchSize));
        torch::Tensor pixels = readPixels(*split.images, split.items, first, last);
        torch::Tensor t;
        if (diffusion) {
            const std::int64_t n = pixels.size(0);
            t = torch::randint(0, diffusion->config().timesteps, {n}, generator, torch::kInt64);
            pixels = diffusion->qSample(pixels, t, torch::randn(pixels.sizes(), generator, torch::kFloat32));
            t = t.to(device);
        }
        parts.push_back(model->forward(pixels.to(device), t).to(torch::kCPU));
    }
    model->train();
    if (parts.empty()) return torch::zeros({0, 0});
    return torch::cat(parts, 0);
}

std::string droppedText(const PropsSplit& s) {
    std::string text;
    for (const auto& [reason, count] : s.dropped) text += (text.empty() ? "" : ", ") + std::to_string(count) + " " + reason;
    return text.empty() ? "none" : text;
}

// predictions.csv rows and per-target metrics of the val and test splits, in original units.
PropsResults evaluate(PropsNet& model, const PropsConfig& config, const TargetScaler& scaler,
                      const std::vector<const PropsSplit*>& splits, const std::vector<std::string>& names,
                      const torch::Device& device, std::vector<PropsPredictionRow>& rows) {
    const std::size_t dim = scaler.size();
    // The mean of each target over the training split: the trivial predictor's reference.
    std::vector<double> trainMean(dim, 0.0);
    {
        const PropsSplit& train = *splits[0];
        for (std::size_t k = 0; k < dim; ++k) {
            double sum = 0;
            std::size_t count = 0;
            for (std::size_t i = 0; i < train.items.size(); ++i) {
                const double v = train.targets[i * dim + k];
                if (!std::isnan(v)) sum += v, ++count;
            }
            trainMean[k] = count ? sum / static_cast<double>(count) : std::nan("");
        }
    }
    PropsResults results;
    for (std::size_t s = 0; s < splits.size(); ++s) {
        const PropsSplit& split = *splits[s];
        const torch::Tensor out = predictSplit(model, split, config.batchSize, device, {})
                                      .to(torch::kFloat64)
                                      .contiguous();
        const double* z = out.data_ptr<double>();
        std::vector<std::vector<double>> truth(dim), predicted(dim), meanPrediction(dim);
        for (std::size_t i = 0; i < split.items.size(); ++i) {
            for (std::size_t k = 0; k < dim; ++k) {
                const double y = split.targets[i * dim + k];
                const double p = scaler.inverse(k, z[i * dim + k]);
                PropsPredictionRow row;
                row.materialId = split.images->materialId(split.items[i]);
                row.split = names[s];
                row.target = scaler.names()[k];
                if (!std::isnan(y)) row.truth = y;
                row.predicted = p;
                rows.push_back(row);
                truth[k].push_back(y);
                predicted[k].push_back(p);
                meanPrediction[k].push_back(trainMean[k]);
            }
        }
        if (s == 0) continue;  // metrics on held-out splits only
        std::vector<PropsTargetMetrics>& list = results.splits[names[s]];
        for (std::size_t k = 0; k < dim; ++k) {
            PropsTargetMetrics t;
            t.target = scaler.names()[k];
            const bool any = std::any_of(truth[k].begin(), truth[k].end(), [](double v) { return !std::isnan(v); });
            if (!any) {
                t.metrics.mae = t.metrics.mse = t.metrics.rmse = t.trainMeanMae = std::nan("");
            } else {
                t.metrics = regressionMetrics(truth[k], predicted[k]);
                t.trainMeanMae = regressionMetrics(truth[k], meanPrediction[k]).mae;
            }
            list.push_back(t);
        }
    }
    return results;
}

}  // namespace

PropsTrainingResult trainProps(const PropsConfig& request, const std::string& runDir, bool resume,
                               std::stop_token stop, ProgressSink& progress,
                               const std::function<void(const std::string&)>& logCallback) {
    PropsConfig config = resolveConfig(request, runDir, resume);
    config.validate();
    fs::create_directories(runDir);
    RunLog log(runDir, logCallback);
    RunStatus status;
    status.totalSteps = config.epochs;
    try {
        setTorchThreads(config.threads);
        const torch::Device device(resolveDevice(config.device));
        const PropsSplit train = loadPropsSplit(config, config.trainSplit);
        const PropsSplit val = loadPropsSplit(config, config.valSplit);
        const PropsSplit test = loadPropsSplit(config, config.testSplit);
        if (train.items.empty()) throw ConfigError("no training item has a value of the targets after the filters");
        if (val.items.empty()) throw ConfigError("no validation item has a value of the targets after the filters");

        PropsDataInfo info;
        if (resume) {
            info = readPropsDataInfo(runDir);
        } else {
            info.kind = imageSetKindName(train.images->kind());
            info.channels = train.images->channels();
            info.imageSize = train.images->imageSize();
            if (train.images->kind() != ImageSetKind::EcdSlices) readEncodingOptions(config.dataDir, info.cell, info.normalized);
            info.scaler = TargetScaler::fit(config.transform, config.targets, train.targets);
            info.trainCount = train.items.size();
            info.valCount = val.items.size();
            info.testCount = test.items.size();
            if (!config.noisyFor.empty()) describeNoisyRun(config, *train.images, info);
            if (config.model == PropsModelKind::Sites && (info.kind != "crystens" || !info.normalized))
                throw ConfigError("the sites model reads normalised CrysTens data sets (cwb crystens build without "
                                  "--raw); " + config.dataDir + " holds " + (info.normalized ? "" : "raw ") +
                                  info.kind + " items");
            writeFileAtomically(runConfigPath(runDir), propsConfigToJson(config));
            writeFileAtomically(propsDataInfoPath(runDir), propsDataInfoToJson(info));
            writeFileAtomically(runMetricsPath(runDir), propsMetricsHeader());
            if (config.model == PropsModelKind::Backbone) {
                // The run keeps its own copy: prediction and resume must not depend on the original.
                if (!fs::is_regular_file(config.backboneFile))
                    throw IoError(config.backboneFile, "no such TorchScript file");
                fs::copy_file(config.backboneFile, propsBackbonePath(runDir), fs::copy_options::overwrite_existing);
            }
        }
        const TargetScaler& scaler = info.scaler;
        const std::optional<GaussianDiffusion> diffusion = forwardProcess(info);
        const std::uint64_t valNoiseSeed = config.seed ^ 0x76616c6e6f697365ull;
        const SplitTensors trainY = transformTargets(train, scaler);
        const SplitTensors valY = transformTargets(val, scaler);

        torch::manual_seed(config.seed);
        // A new run reads the user's file (errors name it), a resumed one its own copy.
        const PropsNetOptions netOptions = propsNetOptions(
            config, info.channels, info.imageSize, resume ? propsBackbonePath(runDir) : config.backboneFile,
            info.timesteps);
        PropsNet model(netOptions);
        model->to(device);
        // With --ema the averaged weights validate and predict; the raw ones train.
        std::optional<PropsNet> ema;
        if (config.emaDecay > 0) {
            ema.emplace(netOptions);
            (*ema)->to(device);
            startWeightAverage(**ema, *model);
        }
        PropsNet& evaluated = ema ? *ema : model;
        torch::optim::AdamW optimizer(model->trainableParameters(),
                                      torch::optim::AdamWOptions(config.learningRate).weight_decay(config.weightDecay));
        PropsCheckpointState state;
        state.bestValLoss = std::numeric_limits<double>::infinity();
        state.configJson = propsConfigToJson(config);
        if (resume) {
            const PropsCheckpointState stored =
                loadPropsCheckpoint(runLatestCheckpointPath(runDir), model, &optimizer, device, ema ? &*ema : nullptr);
            state.epoch = stored.epoch;
            state.bestEpoch = stored.bestEpoch;
            state.bestValLoss = stored.bestValLoss;
            state.epochsSinceBest = stored.epochsSinceBest;
            state.wallSeconds = stored.wallSeconds;
            truncatePropsMetrics(runDir, state.epoch);
            writeFileAtomically(runConfigPath(runDir), state.configJson);
            log.line("resumed after epoch " + std::to_string(state.epoch));
        } else {
            const std::int64_t trainable = [&] {
                std::int64_t n = 0;
                for (const auto& p : model->trainableParameters()) n += p.numel();
                return n;
            }();
            log.line("new run: " + std::string(propsModelName(config.model)) +
                     (diffusion ? " guide for " + config.noisyFor + " (T = " + std::to_string(info.timesteps) + ")"
                                : std::string()) +
                     ", " + std::to_string(model->parameterCount()) + " parameters (" + std::to_string(trainable) +
                     " trainable), device " + device.str() + "; items " +
                     std::to_string(train.items.size()) + " train, " + std::to_string(val.items.size()) + " val, " +
                     std::to_string(test.items.size()) + " test; left out: train " + droppedText(train) + ", val " +
                     droppedText(val) + ", test " + droppedText(test));
        }

        status.state = RunState::Running;
        status.step = state.epoch;
        writeRunStatus(runDir, status);
        std::ofstream metrics(runMetricsPath(runDir), std::ios::app);

        const std::size_t batchSize = static_cast<std::size_t>(config.batchSize);
        const std::int64_t stepsPerEpoch = static_cast<std::int64_t>((train.items.size() + batchSize - 1) / batchSize);
        PropsTrainingResult result;
        const auto sessionStart = Clock::now();
        const double wallBefore = state.wallSeconds;
        bool stoppedEarly = config.patience > 0 && state.epochsSinceBest >= config.patience;
        model->train();
        while (state.epoch < config.epochs && !stoppedEarly && !stop.stop_requested()) {
            const std::vector<std::size_t> order = epochOrder(train.items.size(), config.seed, state.epoch);
            double lossSum = 0, lr = 0;
            std::int64_t batches = 0;
            for (std::size_t first = 0; first < order.size() && !stop.stop_requested();
                 first += batchSize) {
                const std::size_t last = std::min(order.size(), first + batchSize);
                std::vector<std::size_t> batchItems, rows;
                for (std::size_t i = first; i < last; ++i) {
                    batchItems.push_back(train.items[order[i]]);
                    rows.push_back(order[i]);
                }
                const torch::Tensor index = torch::tensor(std::vector<std::int64_t>(rows.begin(), rows.end()), torch::kInt64);
                torch::Tensor pixels = readPixels(*train.images, batchItems, 0, batchItems.size()).to(device);
                torch::Tensor t;
                if (diffusion) {
                    // Steps, then noise, from the global generator (checkpointed with the run).
                    t = torch::randint(0, info.timesteps, {pixels.size(0)},
                                       torch::TensorOptions().dtype(torch::kInt64).device(device));
                    pixels = diffusion->qSample(pixels, t, torch::randn_like(pixels));
                }
                const torch::Tensor y = trainY.targets.index_select(0, index).to(device);
                const torch::Tensor mask = trainY.mask.index_select(0, index).to(device);
                lr = learningRateAt(config, state.epoch * stepsPerEpoch + batches, stepsPerEpoch);
                setLearningRate(optimizer, lr);
                optimizer.zero_grad();
                const torch::Tensor loss = maskedLoss(model->forward(pixels, t), y, mask, config.loss);
                loss.backward();
                if (config.gradClip > 0)
                    torch::nn::utils::clip_grad_norm_(model->trainableParameters(), config.gradClip);
                optimizer.step();
                if (ema)
                    updateWeightAverage(**ema, *model,
                                        warmedEmaDecay(config.emaDecay, state.epoch * stepsPerEpoch + batches));
                const double value = loss.item<double>();
                if (!std::isfinite(value))
                    throw ValueError("the training loss became " + std::to_string(value) + " in epoch " +
                                     std::to_string(state.epoch + 1) + "; lower --lr");
                lossSum += value;
                ++batches;
                progress.report({"props_batch", batches, stepsPerEpoch, {{"loss", value}}});
            }
            if (stop.stop_requested())
                break;  // the unfinished epoch is dropped; latest.pt holds the last whole one

            const torch::Tensor valOut =
                predictSplit(evaluated, val, config.batchSize, device, stop,
                             diffusion ? &*diffusion : nullptr, valNoiseSeed);
            if (stop.stop_requested()) break;
            const double valLoss = maskedLoss(valOut, valY.targets, valY.mask, config.loss).item<double>();
            const double trainLoss = lossSum / static_cast<double>(std::max<std::int64_t>(1, batches));
            ++state.epoch;
            state.wallSeconds = wallBefore + secondsSince(sessionStart);
            if (valLoss < state.bestValLoss) {
                state.bestValLoss = valLoss;
                state.bestEpoch = state.epoch;
                state.epochsSinceBest = 0;
                savePropsCheckpoint(propsBestCheckpointPath(runDir), evaluated, nullptr, state);
            } else {
                ++state.epochsSinceBest;
            }
            stoppedEarly = config.patience > 0 && state.epochsSinceBest >= config.patience;
            savePropsCheckpoint(runLatestCheckpointPath(runDir), model, &optimizer, state, ema ? &*ema : nullptr);
            metrics << propsMetricsRow({state.epoch, trainLoss, valLoss, lr, state.wallSeconds});
            metrics.flush();
            status.step = state.epoch;
            writeRunStatus(runDir, status);
            progress.report({"props", state.epoch, config.epochs,
                             {{"train_loss", trainLoss}, {"val_loss", valLoss}, {"lr", lr}}});
        }

        result.epochsDone = state.epoch;
        result.bestEpoch = state.bestEpoch;
        result.bestValLoss = state.bestValLoss;
        result.stoppedEarly = stoppedEarly && state.epoch < config.epochs;
        if (stop.stop_requested()) {
            result.cancelled = true;
            status.state = RunState::Cancelled;
            writeRunStatus(runDir, status);
            log.line("cancelled after epoch " + std::to_string(state.epoch) + "; resume continues from there");
            return result;
        }

        // The best epoch's weights predict every kept item.
        loadPredictingWeights(propsBestCheckpointPath(runDir), evaluated, device);
        std::vector<PropsPredictionRow> rows;
        PropsResults results = evaluate(evaluated, config, scaler, {&train, &val, &test},
                                        {config.trainSplit, config.valSplit, config.testSplit}, device, rows);
        if (test.items.empty()) results.splits.erase(config.testSplit);
        results.model = propsModelName(config.model);
        results.transform = targetTransformName(config.transform);
        results.dataDir = config.dataDir;
        results.epochsDone = state.epoch;
        results.bestEpoch = state.bestEpoch;
        results.bestValLoss = state.bestValLoss;
        results.stoppedEarly = result.stoppedEarly;
        results.trainCount = train.items.size();
        results.valCount = val.items.size();
        results.testCount = test.items.size();
        writePropsPredictions(propsPredictionsPath(runDir), rows);
        writeFileAtomically(propsResultsPath(runDir), propsResultsToJson(results));
        result.finished = true;
        status.state = RunState::Finished;
        writeRunStatus(runDir, status);
        std::string summary = "finished after epoch " + std::to_string(state.epoch) + " (best " +
                              std::to_string(state.bestEpoch) + ", val loss " + shortNumber(state.bestValLoss) + ")";
        if (const auto it = results.splits.find(config.testSplit); it != results.splits.end())
            for (const PropsTargetMetrics& t : it->second)
                summary += "; test MAE " + t.target + " " + shortNumber(t.metrics.mae) + " (train mean " +
                           shortNumber(t.trainMeanMae) + ")";
        log.line(summary);
        return result;
    } catch (const std::exception& error) {
        recordRunFailure(runDir, status, log, error, "property training");
    }
}

}  // namespace cw::ml
