#include "ml/diffusion/trainer.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>
#include <ATen/autocast_mode.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "dataset/batch_loader.h"
#include "dataset/image_set.h"
#include "ml/device.h"
#include "ml/diffusion/checkpoint.h"
#include "ml/diffusion/diffusion.h"
#include "ml/diffusion/eval_log.h"
#include "ml/diffusion/grid_evaluation.h"
#include "ml/diffusion/sample_images.h"
#include "ml/diffusion/unet.h"
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

// The resolved config of a run: a new run's config with what the data set decides (channels,
// conditioning) filled in, or a resumed run's stored config with the caller's overrides.
DiffusionTrainingConfig resolveConfig(const DiffusionTrainingConfig& request,
                                      const std::string& runDir, bool resume) {
    if (!resume) {
        requireNewRunDirectory(runDir);
        return request;
    }
    const std::string configPath = resumableRunConfigPath(runDir);
    DiffusionTrainingConfig stored =
        diffusionTrainingConfigFromJson(readFileToString(configPath), {}, configPath);
    stored.steps = std::max(stored.steps, request.steps);
    stored.device = request.device;
    stored.threads = request.threads;
    return stored;
}

void fitModelToData(DiffusionTrainingConfig& config, const ImageSet& images) {
    config.model.inChannels = images.channels();
    config.model.imageSize = images.imageSize();
    if (images.classes() > 0) {
        config.model.conditioning = Conditioning::Class;
        config.model.classes = images.classes();
    } else if (images.conditionDim() > 0) {
        config.model.conditioning = Conditioning::Vector;
        config.model.conditionDim = images.conditionDim();
    } else {
        config.model.conditioning = Conditioning::None;
    }
    if (!images.augmentable()) config.augment = false;  // rotations would corrupt CrysTens rows
}

std::string dataInfoJson(const ImageSet& images) {
    nlohmann::json j;
    j["kind"] = imageSetKindName(images.kind());
    j["channels"] = images.channels();
    j["image_size"] = images.imageSize();
    j["items"] = images.size();
    j["classes"] = images.classes();
    j["condition_names"] = images.conditionNames();
    j["condition_means"] = images.conditionMeans();
    j["condition_stds"] = images.conditionStds();
    // How to decode samples of an encoding run (cwb generate, eval crystals).
    if (!images.encodingJson().empty()) j["encoding"] = nlohmann::json::parse(images.encodingJson());
    return j.dump(2) + "\n";
}

// A batch from the loader as tensors on the device; the condition-dropout flags come from the
// default generator, so they are part of the checkpointed random stream.
struct DeviceBatch {
    torch::Tensor pixels;
    Condition condition;
};

DeviceBatch toDevice(const ImageBatch& batch, const DiffusionTrainingConfig& config,
                     const torch::Device& device) {
    DeviceBatch out;
    out.pixels = torch::from_blob(const_cast<float*>(batch.pixels.data()),
                                  {batch.batch, batch.channels, batch.height, batch.width},
                                  torch::kFloat32)
                     .clone()
                     .to(device);
    if (!batch.classLabels.empty())
        out.condition.classes = torch::tensor(batch.classLabels, torch::kInt64).to(device);
    if (!batch.conditions.empty())
        out.condition.vectors = torch::from_blob(const_cast<float*>(batch.conditions.data()),
                                                 {batch.batch, static_cast<std::int64_t>(
                                                                   batch.conditions.size()) / batch.batch},
                                                 torch::kFloat32)
                                    .clone()
                                    .to(device);
    if (!out.condition.empty())
        out.condition.dropped = (torch::rand({batch.batch}) < config.conditionDropProb).to(device);
    return out;
}

void setLearningRate(torch::optim::Optimizer& optimizer, double lr) {
    for (auto& group : optimizer.param_groups())
        static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
}

// Sample grids use their own seed; the training stream must not notice them, so the default
// generators' states are put back afterwards.
ImageStack writeGrid(const std::string& runDir, std::int64_t step, UNet& ema,
                     const GaussianDiffusion& diffusion, const DiffusionTrainingConfig& config,
                     const torch::Device& device) {
    at::Generator cpu = at::globalContext().defaultGenerator(torch::Device(torch::kCPU));
    const torch::Tensor cpuState = cpu.get_state();
    torch::Tensor cudaState;
    if (device.is_cuda()) cudaState = at::globalContext().defaultGenerator(device).get_state();

    ema->eval();
    SamplerOptions options;
    options.kind = SamplerKind::Ddim;
    options.samplingSteps = config.sampleGridSteps;
    options.seed = config.seed;
    Condition condition;  // unconditional grid: the null embedding
    const int n = config.sampleGridCount;
    if (config.model.conditioning != Conditioning::None) {
        condition.dropped = torch::ones({n}, torch::kBool).to(device);
        if (config.model.conditioning == Conditioning::Class)
            condition.classes = torch::zeros({n}, torch::kInt64).to(device);
        else
            condition.vectors = torch::zeros({n, config.model.conditionDim}).to(device);
    }
    torch::Tensor samples = diffusion.sample(ema, n, options, condition);
    cpu.set_state(cpuState);
    if (device.is_cuda()) {
        at::Generator cuda = at::globalContext().defaultGenerator(device);
        cuda.set_state(cudaState);
    }

    samples = ((samples.to(torch::kCPU).to(torch::kFloat32) + 1.0) * 0.5).clamp(0.0, 1.0).contiguous();
    ImageStack stack;
    stack.count = static_cast<int>(samples.size(0));
    stack.channels = static_cast<int>(samples.size(1));
    stack.height = static_cast<int>(samples.size(2));
    stack.width = static_cast<int>(samples.size(3));
    stack.values.assign(samples.data_ptr<float>(), samples.data_ptr<float>() + samples.numel());
    const std::string png = runSampleGridPath(runDir, step);
    writeSampleGrid(png, stack);
    return stack;
}

void pruneStepCheckpoints(const std::string& runDir, int keep) {
    if (keep <= 0) return;
    const std::vector<std::int64_t> steps = checkpointSteps(runDir);
    for (std::size_t i = 0; i + keep < steps.size(); ++i) {
        std::error_code ignored;  // a checkpoint someone else removed is not a failure
        fs::remove(runStepCheckpointPath(runDir, steps[i]), ignored);
    }
}

// latest.pt is the checkpoint of record; step-N.pt is a hard link to it (a copy where links are
// not supported), so keeping history costs no extra disk.
void writeCheckpoints(const std::string& runDir, UNet& model, UNet& ema, torch::optim::Optimizer& optimizer,
                      const CheckpointState& state, const torch::Device& device, int keep) {
    const std::string latest = runLatestCheckpointPath(runDir);
    saveCheckpoint(latest, model, ema, optimizer, state, device);
    const std::string stepPath = runStepCheckpointPath(runDir, state.step);
    std::error_code error;
    fs::remove(stepPath, error);
    fs::create_hard_link(latest, stepPath, error);
    if (error) fs::copy_file(latest, stepPath, fs::copy_options::overwrite_existing);
    pruneStepCheckpoints(runDir, keep);
}

std::string formatDouble(double value) {
    std::ostringstream out;
    out.precision(4);
    out << value;
    return out.str();
}

}  // namespace

TrainingResult trainDiffusion(const DiffusionTrainingConfig& request, const std::string& runDir,
                              bool resume, const TrainingControl& control, ProgressSink& progress,
                              const TrainingCallbacks& callbacks) {
    DiffusionTrainingConfig config = resolveConfig(request, runDir, resume);
    config.validate();
    const std::vector<std::string> warnings = resolveRunLengthDefaults(config);
    fs::create_directories(runDir);
    RunLog log(runDir, callbacks.log);
    for (const std::string& w : warnings) log.line("warning: " + w);
    RunStatus status;
    status.totalSteps = config.steps;
    try {
        setTorchThreads(config.threads);
        const torch::Device device(resolveDevice(config.device));

        ImageSetOptions dataOptions;
        dataOptions.split = config.split;
        dataOptions.imageSize = config.model.imageSize;
        dataOptions.condition = config.condition;
        dataOptions.maxItems = config.maxItems;
        const ImageSet images(config.dataDir, dataOptions);
        fitModelToData(config, images);
        config.model.validate();
        if (!resume) {
            writeFileAtomically(runConfigPath(runDir), diffusionTrainingConfigToJson(config));
            writeFileAtomically(runDataInfoPath(runDir), dataInfoJson(images));
            writeFileAtomically(runMetricsPath(runDir), metricsHeader());
        }

        torch::manual_seed(config.seed);
        UNet model(config.model);
        UNet ema(config.model);
        model->to(device);
        ema->to(device);
        startWeightAverage(*ema, *model);
        torch::optim::AdamW optimizer(model->parameters(),
                                      torch::optim::AdamWOptions(config.learningRate)
                                          .betas({config.adamBeta1, config.adamBeta2})
                                          .weight_decay(config.weightDecay));
        const GaussianDiffusion diffusion(config.diffusion);

        CheckpointState state;
        state.configJson = diffusionTrainingConfigToJson(config);
        if (resume) {
            const std::string latest = runLatestCheckpointPath(runDir);
            const CheckpointState stored = loadCheckpoint(latest, model, ema, optimizer, device);
            state.step = stored.step;
            state.wallSeconds = stored.wallSeconds;
            truncateMetrics(runDir, state.step);
            try {
                truncateEvalLog(runDir, state.step);
            } catch (const Error& error) {  // the evaluation log must not stop training
                log.line(std::string("eval.csv could not be truncated: ") + error.what());
            }
            log.line("resumed at step " + std::to_string(state.step) + " from " + latest);
        } else {
            log.line("new run: " + std::to_string(model->parameterCount()) + " parameters, " +
                     std::to_string(images.size()) + " " + imageSetKindName(images.kind()) +
                     " images of " + std::to_string(images.imageSize()) + " px, device " + device.str());
        }
        log.line("schedule: " + std::to_string(config.steps) + " steps, batch " +
                 std::to_string(config.batchSize) + ", learning rate " + formatDouble(config.learningRate) +
                 " after " + std::to_string(config.warmupSteps) + " warm-up steps, EMA decay " +
                 formatDouble(config.emaDecay) + " (horizon " +
                 std::to_string(static_cast<long long>(std::llround(1.0 / (1.0 - config.emaDecay)))) +
                 " steps)");
        if (config.steps > state.step)
            writeFileAtomically(runConfigPath(runDir), diffusionTrainingConfigToJson(config));

        const bool mixedPrecision = config.mixedPrecision && device.is_cuda();
        BatchLoaderOptions loaderOptions;
        loaderOptions.batchSize = config.batchSize;
        loaderOptions.seed = config.seed;
        loaderOptions.augment = config.augment;
        loaderOptions.workers = config.loaderWorkers;
        loaderOptions.firstStep = state.step;
        BatchLoader loader(images, loaderOptions);

        // A grid, then its evaluation row, then the callback: a listener that re-reads eval.csv
        // on the callback finds the row. A failed evaluation is logged and training goes on.
        SampleGridEvaluator evaluator(images, config.dataDir, config.threads);
        bool smallGridLogged = false;
        auto sampleAndEvaluate = [&](std::int64_t step) {
            const ImageStack samples = writeGrid(runDir, step, ema, diffusion, config, device);
            if (config.evaluateSamples && samples.count < 2 && !smallGridLogged) {
                log.line("sample grids of fewer than 2 images are not evaluated (eval.csv)");
                smallGridLogged = true;
            } else if (config.evaluateSamples && samples.count >= 2) {
                try {
                    appendEvalLogRow(runDir, evaluator.evaluate(step, samples));
                } catch (const std::exception& error) {
                    std::string message = error.what();
                    if (auto newline = message.find('\n'); newline != std::string::npos) message.resize(newline);
                    log.line("evaluation of the samples at step " + std::to_string(step) + " failed: " + message);
                }
            }
            if (callbacks.sampleGrid) callbacks.sampleGrid(runSampleGridPath(runDir, step), step);
        };

        std::ofstream metrics(runMetricsPath(runDir), std::ios::app);
        status.state = RunState::Running;
        status.step = state.step;
        writeRunStatus(runDir, status);

        TrainingResult result;
        const auto sessionStart = Clock::now();
        const std::int64_t firstStep = state.step;
        const double wallBefore = state.wallSeconds;
        auto windowStart = Clock::now();
        std::int64_t windowSteps = 0;
        double windowLoss = 0;
        model->train();
        while (state.step < config.steps) {
            if (control.cancel.stop_requested() || control.pause.stop_requested()) break;
            const ImageBatch batch = loader.next();
            DeviceBatch deviceBatch = toDevice(batch, config, device);
            const double lr = learningRateAt(config, state.step);
            setLearningRate(optimizer, lr);

            optimizer.zero_grad();
            torch::Tensor loss;
            if (mixedPrecision) {
                // bfloat16 autocast keeps float32's exponent range, so no loss scaling is needed
                // (LibTorch 1.13 has no GradScaler).
                at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
                at::autocast::set_enabled(true);
                loss = diffusion.loss(model, deviceBatch.pixels, deviceBatch.condition);
                at::autocast::set_enabled(false);
                at::autocast::clear_cache();
            } else {
                loss = diffusion.loss(model, deviceBatch.pixels, deviceBatch.condition);
            }
            loss.backward();
            if (config.gradClip > 0) torch::nn::utils::clip_grad_norm_(model->parameters(), config.gradClip);
            optimizer.step();
            updateWeightAverage(*ema, *model, emaDecayAt(config, state.step));
            ++state.step;

            const double lossValue = loss.item<double>();
            if (!std::isfinite(lossValue))
                throw ValueError("the loss became " + std::to_string(lossValue) + " at step " +
                                 std::to_string(state.step) + "; lower --lr or enable gradient clipping");
            result.lastLoss = lossValue;
            windowLoss += lossValue;
            ++windowSteps;
            const double sessionSeconds = secondsSince(sessionStart);
            const double imagesPerSecond =
                static_cast<double>((state.step - firstStep) * config.batchSize) / std::max(1e-9, sessionSeconds);
            state.wallSeconds = wallBefore + sessionSeconds;
            progress.report({"train", state.step, config.steps,
                             {{"loss", lossValue}, {"lr", lr}, {"images_per_s", imagesPerSecond}}});

            if (state.step % config.logEvery == 0 || state.step == config.steps) {
                MetricRow row;
                row.step = state.step;
                row.loss = windowLoss / static_cast<double>(windowSteps);
                row.learningRate = lr;
                row.imagesPerSecond = static_cast<double>(windowSteps * config.batchSize) /
                                      std::max(1e-9, secondsSince(windowStart));
                row.wallSeconds = state.wallSeconds;
                metrics << metricsRow(row);
                metrics.flush();
                windowStart = Clock::now();
                windowSteps = 0;
                windowLoss = 0;
            }
            if (state.step % config.checkpointEvery == 0 && state.step < config.steps) {
                writeCheckpoints(runDir, model, ema, optimizer, state, device, config.keepCheckpoints);
                status.step = state.step;
                writeRunStatus(runDir, status);
            }
            if (config.sampleEvery > 0 && state.step % config.sampleEvery == 0) {
                sampleAndEvaluate(state.step);
                model->train();
            }
        }

        writeCheckpoints(runDir, model, ema, optimizer, state, device, config.keepCheckpoints);
        result.stepsDone = state.step;
        result.checkpoint = runLatestCheckpointPath(runDir);
        result.finished = state.step >= config.steps;
        result.cancelled = !result.finished;
        result.imagesPerSecond = static_cast<double>((state.step - firstStep) * config.batchSize) /
                                 std::max(1e-9, secondsSince(sessionStart));
        if (result.finished && config.sampleEvery > 0 && state.step % config.sampleEvery != 0)
            sampleAndEvaluate(state.step);
        status.step = state.step;
        status.state = result.finished ? RunState::Finished
                                       : (control.pause.stop_requested() ? RunState::Paused
                                                                         : RunState::Cancelled);
        writeRunStatus(runDir, status);
        log.line(std::string(runStateName(status.state)) + " at step " + std::to_string(state.step) +
                 ", last loss " + formatDouble(result.lastLoss) + ", " +
                 formatDouble(result.imagesPerSecond) + " images/s");
        return result;
    } catch (const std::exception& error) {
        recordRunFailure(runDir, status, log, error, "training");
    }
}

}  // namespace cw::ml
