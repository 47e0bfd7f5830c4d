#include "ml/diffusion/checkpoint.h"

#include <ATen/Context.h>

#include <filesystem>

#include "core/error.h"

namespace cw::ml {
namespace {

// The generator whose state decides the training stream on `device` (CPU for a CPU run).
at::Generator defaultGenerator(const torch::Device& device) {
    return at::globalContext().defaultGenerator(device.is_cuda() ? device : torch::Device(torch::kCPU));
}

torch::Tensor generatorState(const torch::Device& device) {
    at::Generator generator = defaultGenerator(device);
    std::lock_guard<std::mutex> lock(generator.mutex());
    return generator.get_state();
}

void setGeneratorState(const torch::Device& device, const torch::Tensor& state) {
    at::Generator generator = defaultGenerator(device);
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(state.to(torch::kCPU));
}

void writeState(torch::serialize::OutputArchive& archive, const CheckpointState& state) {
    archive.write("step", torch::tensor({state.step}, torch::kInt64));
    archive.write("wall_seconds", torch::tensor({state.wallSeconds}, torch::kFloat64));
    archive.write("config_json", c10::IValue(state.configJson));
}

CheckpointState readState(torch::serialize::InputArchive& archive) {
    CheckpointState state;
    torch::Tensor step, wall;
    archive.read("step", step);
    archive.read("wall_seconds", wall);
    c10::IValue config;
    archive.read("config_json", config);
    state.step = step.item<std::int64_t>();
    state.wallSeconds = wall.item<double>();
    state.configJson = config.toStringRef();
    return state;
}

// LibTorch reports a bad archive as c10::Error with a long backtrace; the user needs the file
// and the first line of the reason.
[[noreturn]] void rethrowAsFormatError(const std::string& path, const std::exception& error) {
    std::string reason = error.what();
    if (auto newline = reason.find('\n'); newline != std::string::npos) reason.resize(newline);
    throw FormatError(path, "checkpoint", reason);
}

/// Builds an archive with `fill` and writes it to `path` through `path.part` and a rename.
template <typename Fill>
void saveArchiveAtomically(const std::string& path, const char* what, Fill fill) {
    const std::string partial = path + ".part";
    try {
        std::filesystem::create_directories(std::filesystem::path(path).parent_path());
        torch::serialize::OutputArchive archive;
        fill(archive);
        archive.save_to(partial);
        std::filesystem::rename(partial, path);
    } catch (const std::filesystem::filesystem_error& error) {
        throw IoError(path, error.code().message());
    } catch (const c10::Error& error) {
        std::filesystem::remove(partial);
        throw IoError(path, std::string("cannot write the ") + what + ": " + error.what_without_backtrace());
    }
}

}  // namespace

void saveCheckpoint(const std::string& path, UNet& model, UNet& ema, torch::optim::Optimizer& optimizer,
                    const CheckpointState& state, const torch::Device& device) {
    saveArchiveAtomically(path, "checkpoint", [&](torch::serialize::OutputArchive& archive) {
        torch::serialize::OutputArchive modelArchive, emaArchive, optimizerArchive;
        model->save(modelArchive);
        ema->save(emaArchive);
        optimizer.save(optimizerArchive);
        archive.write("model", modelArchive);
        archive.write("ema", emaArchive);
        archive.write("optimizer", optimizerArchive);
        writeState(archive, state);
        archive.write("rng_cpu", generatorState(torch::Device(torch::kCPU)));
        if (device.is_cuda()) archive.write("rng_cuda", generatorState(device));
    });
}

void saveSamplingWeights(const std::string& path, UNet& ema, const CheckpointState& state) {
    saveArchiveAtomically(path, "weights", [&](torch::serialize::OutputArchive& archive) {
        torch::serialize::OutputArchive emaArchive;
        ema->save(emaArchive);
        archive.write("ema", emaArchive);
        writeState(archive, state);
    });
}

CheckpointState loadCheckpoint(const std::string& path, UNet& model, UNet& ema,
                               torch::optim::Optimizer& optimizer, const torch::Device& device) {
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(path, device);
        torch::serialize::InputArchive modelArchive, emaArchive, optimizerArchive;
        archive.read("model", modelArchive);
        archive.read("ema", emaArchive);
        archive.read("optimizer", optimizerArchive);
        model->load(modelArchive);
        ema->load(emaArchive);
        optimizer.load(optimizerArchive);
        CheckpointState state = readState(archive);
        torch::Tensor rng;
        archive.read("rng_cpu", rng);
        setGeneratorState(torch::Device(torch::kCPU), rng);
        if (device.is_cuda()) {
            torch::Tensor cudaRng;
            // A run moved from CPU to CUDA has no CUDA state: the stream then restarts.
            if (archive.try_read("rng_cuda", cudaRng)) setGeneratorState(device, cudaRng);
        }
        return state;
    } catch (const c10::Error& error) {
        rethrowAsFormatError(path, error);
    }
}

CheckpointState loadWeights(const std::string& path, UNet& model, bool ema, const torch::Device& device) {
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(path, device);
        torch::serialize::InputArchive weights;
        archive.read(ema ? "ema" : "model", weights);
        model->load(weights);
        return readState(archive);
    } catch (const c10::Error& error) {
        rethrowAsFormatError(path, error);
    }
}

CheckpointState readCheckpointState(const std::string& path) {
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(path, torch::Device(torch::kCPU));
        return readState(archive);
    } catch (const c10::Error& error) {
        rethrowAsFormatError(path, error);
    }
}

}  // namespace cw::ml
