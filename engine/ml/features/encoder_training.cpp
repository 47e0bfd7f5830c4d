#include "ml/features/encoder_training.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <filesystem>
#include <numeric>

#include "core/atomic_file.h"
#include "core/error.h"
#include "dataset/batch_loader.h"
#include "dataset/image_set.h"
#include "ml/device.h"
#include "ml/features/autoencoder.h"

namespace cw::ml {
namespace {

namespace fs = std::filesystem;

constexpr int kBottleneckSide = 4;
constexpr int kMaxChannels = 256;
constexpr const char* kFormat = "cw-encoder";
constexpr int kFormatVersion = 1;

bool isPowerOfTwo(int n) {
    return n > 0 && (n & (n - 1)) == 0;
}

// Up to 8 groups, and always a divisor of the channel count.
torch::nn::GroupNorm groupNorm(int channels) {
    return torch::nn::GroupNorm(torch::nn::GroupNormOptions(std::gcd(8, channels), channels));
}

int stageChannels(const AutoencoderShape& shape, int stage) {
    return std::min(kMaxChannels, shape.baseChannels << std::min(stage, 16));
}

int levels(const AutoencoderShape& shape) {
    int n = 0;
    for (int side = shape.imageSize; side > kBottleneckSide; side /= 2) ++n;
    return n;
}

nlohmann::json shapeToJson(const AutoencoderShape& s) {
    return {{"channels", s.channels},
            {"image_size", s.imageSize},
            {"latent_dim", s.latentDim},
            {"base_channels", s.baseChannels}};
}

nlohmann::json configToJson(const EncoderTrainingConfig& c) {
    return {{"data_dir", c.dataDir},         {"split", c.split},
            {"max_items", c.maxItems},       {"image_size", c.imageSize},
            {"latent_dim", c.latentDim},     {"base_channels", c.baseChannels},
            {"steps", c.steps},              {"batch_size", c.batchSize},
            {"learning_rate", c.learningRate}, {"weight_decay", c.weightDecay},
            {"augment", c.augment},          {"loader_workers", c.loaderWorkers},
            {"seed", c.seed},                {"device", c.device},
            {"threads", c.threads}};
}

void saveWeights(const std::string& path, Autoencoder& model) {
    const std::string partial = path + ".part";
    try {
        torch::serialize::OutputArchive archive;
        model->save(archive);
        archive.save_to(partial);
        fs::rename(partial, path);
    } catch (const fs::filesystem_error& error) {
        throw IoError(path, error.code().message());
    } catch (const c10::Error& error) {
        std::error_code ignored;
        fs::remove(partial, ignored);
        throw IoError(path, std::string("cannot write the weights: ") + error.what_without_backtrace());
    }
}

}  // namespace

void AutoencoderShape::validate() const {
    if (channels < 1 || channels > 16) throw ConfigError("encoder: channels must be in 1…16");
    if (!isPowerOfTwo(imageSize) || imageSize < 32 || imageSize > 256)
        throw ConfigError("encoder: the image size must be a power of two in 32…256 (got " +
                          std::to_string(imageSize) + "); pass --image-size 32, 64, 128 or 256");
    if (latentDim < 2 || latentDim > 4096) throw ConfigError("encoder: latent_dim must be in 2…4096");
    if (baseChannels < 4 || baseChannels > kMaxChannels)
        throw ConfigError("encoder: base_channels must be in 4…256");
}

AutoencoderImpl::AutoencoderImpl(AutoencoderShape shape) : m_shape(shape) {
    m_shape.validate();
    namespace nn = torch::nn;
    const int n = levels(m_shape);
    nn::Sequential encoder;
    encoder->push_back(nn::Conv2d(nn::Conv2dOptions(m_shape.channels, m_shape.baseChannels, 3).padding(1)));
    encoder->push_back(groupNorm(m_shape.baseChannels));
    encoder->push_back(nn::SiLU());
    for (int i = 0; i < n; ++i) {
        const int in = stageChannels(m_shape, i), out = stageChannels(m_shape, i + 1);
        encoder->push_back(nn::Conv2d(nn::Conv2dOptions(in, out, 3).stride(2).padding(1)));
        encoder->push_back(groupNorm(out));
        encoder->push_back(nn::SiLU());
    }
    m_bottleneckChannels = stageChannels(m_shape, n);
    m_encoder = register_module("encoder", encoder);
    m_toLatent = register_module(
        "to_latent", nn::Conv2d(nn::Conv2dOptions(m_bottleneckChannels, m_shape.latentDim, 1)));
    m_fromLatent = register_module(
        "from_latent",
        nn::Linear(m_shape.latentDim, m_bottleneckChannels * kBottleneckSide * kBottleneckSide));

    nn::Sequential decoder;
    decoder->push_back(nn::SiLU());
    for (int i = n; i > 0; --i) {
        const int in = stageChannels(m_shape, i), out = stageChannels(m_shape, i - 1);
        decoder->push_back(nn::Upsample(
            nn::UpsampleOptions().scale_factor(std::vector<double>{2.0, 2.0}).mode(torch::kNearest)));
        decoder->push_back(nn::Conv2d(nn::Conv2dOptions(in, out, 3).padding(1)));
        decoder->push_back(groupNorm(out));
        decoder->push_back(nn::SiLU());
    }
    decoder->push_back(nn::Conv2d(nn::Conv2dOptions(m_shape.baseChannels, m_shape.channels, 3).padding(1)));
    decoder->push_back(nn::Tanh());
    m_decoder = register_module("decoder", decoder);
}

torch::Tensor AutoencoderImpl::encode(const torch::Tensor& x) {
    if (x.dim() != 4 || x.size(1) != m_shape.channels || x.size(2) != m_shape.imageSize ||
        x.size(3) != m_shape.imageSize)
        throw ValueError("encoder: expected [B, " + std::to_string(m_shape.channels) + ", " +
                         std::to_string(m_shape.imageSize) + ", " + std::to_string(m_shape.imageSize) +
                         "] images");
    return m_toLatent(m_encoder->forward(x)).mean({2, 3});
}

torch::Tensor AutoencoderImpl::decode(const torch::Tensor& latent) {
    const torch::Tensor grid = m_fromLatent(latent).view(
        {latent.size(0), m_bottleneckChannels, kBottleneckSide, kBottleneckSide});
    return m_decoder->forward(grid);
}

AutoencoderShape readAutoencoderShape(const std::string& runDir) {
    const std::string path = encoderConfigPath(runDir);
    if (!fs::is_regular_file(path))
        throw IoError(path, "no encoder here (train one with: cwb eval encoder --data DATASET --out " +
                                runDir + ")");
    try {
        const nlohmann::json j = nlohmann::json::parse(readFileToString(path));
        if (j.value("format", std::string()) != kFormat)
            throw FormatError(path, "format", std::string("not a \"") + kFormat + "\" file");
        const nlohmann::json& a = j.at("architecture");
        AutoencoderShape shape;
        shape.channels = a.at("channels").get<int>();
        shape.imageSize = a.at("image_size").get<int>();
        shape.latentDim = a.at("latent_dim").get<int>();
        shape.baseChannels = a.at("base_channels").get<int>();
        try {
            shape.validate();
        } catch (const ConfigError& error) {
            throw FormatError(path, "architecture", error.what());
        }
        return shape;
    } catch (const nlohmann::json::exception& error) {
        throw FormatError(path, "", std::string("malformed encoder description: ") + error.what());
    }
}

void loadAutoencoderWeights(const std::string& runDir, Autoencoder& model, const torch::Device& device) {
    const std::string path = encoderWeightsPath(runDir);
    if (!fs::is_regular_file(path)) throw IoError(path, "the encoder weights are missing");
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(path, device);
        model->load(archive);
    } catch (const c10::Error& error) {
        std::string reason = error.what_without_backtrace();
        if (auto newline = reason.find('\n'); newline != std::string::npos) reason.resize(newline);
        throw FormatError(path, "weights", reason);
    }
}

std::string encoderConfigPath(const std::string& runDir) {
    return (fs::path(runDir) / "encoder.json").string();
}

std::string encoderWeightsPath(const std::string& runDir) {
    return (fs::path(runDir) / "encoder.pt").string();
}

void EncoderTrainingConfig::validate() const {
    auto require = [](bool ok, const std::string& message) {
        if (!ok) throw ConfigError("encoder training: " + message);
    };
    require(!dataDir.empty(), "data_dir is empty: name a finished data set");
    require(split == "train" || split == "val" || split == "test" || split == "all",
            "split must be train, val, test or all (got \"" + split + "\")");
    require(imageSize == 0 || (isPowerOfTwo(imageSize) && imageSize >= 32 && imageSize <= 256),
            "image_size must be a power of two in 32…256 (got " + std::to_string(imageSize) + ")");
    require(latentDim >= 2 && latentDim <= 4096, "latent_dim must be in 2…4096");
    require(baseChannels >= 4 && baseChannels <= kMaxChannels, "base_channels must be in 4…256");
    require(steps >= 1, "steps must be at least 1");
    require(batchSize >= 1, "batch_size must be at least 1");
    require(learningRate > 0 && std::isfinite(learningRate), "learning_rate must be > 0");
    require(weightDecay >= 0, "weight_decay must be ≥ 0");
    require(loaderWorkers >= 0 && loaderWorkers <= 64, "loader_workers must be in 0…64");
}

EncoderTrainingResult trainEncoder(const EncoderTrainingConfig& config, const std::string& runDir,
                                   ProgressSink& progress, std::stop_token stop) {
    config.validate();
    if (fs::exists(runDir) && !fs::is_empty(runDir))
        throw ConfigError(runDir + ": the encoder run folder is not empty; choose a new folder");
    try {
        setTorchThreads(config.threads);
        const torch::Device device(resolveDevice(config.device));

        ImageSetOptions dataOptions;
        dataOptions.split = config.split;
        dataOptions.imageSize = config.imageSize;
        dataOptions.maxItems = config.maxItems;
        const ImageSet images(config.dataDir, dataOptions);
        AutoencoderShape shape;
        shape.channels = images.channels();
        shape.imageSize = images.imageSize();
        shape.latentDim = config.latentDim;
        shape.baseChannels = config.baseChannels;
        shape.validate();

        torch::manual_seed(config.seed);
        Autoencoder model(shape);
        model->to(device);
        torch::optim::AdamW optimizer(
            model->parameters(),
            torch::optim::AdamWOptions(config.learningRate).weight_decay(config.weightDecay));

        BatchLoaderOptions loaderOptions;
        loaderOptions.batchSize = config.batchSize;
        loaderOptions.seed = config.seed;
        loaderOptions.augment = config.augment;
        loaderOptions.workers = config.loaderWorkers;
        BatchLoader loader(images, loaderOptions);

        EncoderTrainingResult result;
        result.channels = shape.channels;
        result.imageSize = shape.imageSize;
        std::deque<double> recent;  // the losses that make finalLoss
        model->train();
        while (result.stepsDone < config.steps) {
            if (stop.stop_requested()) {
                result.cancelled = true;
                break;
            }
            const ImageBatch batch = loader.next();
            const torch::Tensor x =
                torch::from_blob(const_cast<float*>(batch.pixels.data()),
                                 {batch.batch, batch.channels, batch.height, batch.width}, torch::kFloat32)
                    .clone()
                    .to(device);
            optimizer.zero_grad();
            const torch::Tensor loss = torch::mse_loss(model->forward(x), x);
            loss.backward();
            optimizer.step();
            ++result.stepsDone;
            const double value = loss.item<double>();
            if (!std::isfinite(value))
                throw ValueError("the encoder's loss became " + std::to_string(value) + " at step " +
                                 std::to_string(result.stepsDone) + "; lower --lr");
            if (result.stepsDone == 1) result.firstLoss = value;
            recent.push_back(value);
            if (recent.size() > 50) recent.pop_front();
            progress.report({"encoder", result.stepsDone, config.steps, {{"loss", value}}});
        }
        if (result.stepsDone == 0) return result;  // cancelled before any step: nothing to keep
        result.finalLoss = std::accumulate(recent.begin(), recent.end(), 0.0) / static_cast<double>(recent.size());

        fs::create_directories(runDir);
        model->to(torch::kCPU);  // weights load onto any device later
        saveWeights(encoderWeightsPath(runDir), model);
        nlohmann::json j;
        j["format"] = kFormat;
        j["format_version"] = kFormatVersion;
        j["architecture"] = shapeToJson(shape);
        j["config"] = configToJson(config);
        j["data_dir"] = fs::absolute(config.dataDir).lexically_normal().string();
        j["kind"] = imageSetKindName(images.kind());
        j["items"] = images.size();
        j["channels"] = shape.channels;
        j["image_size"] = shape.imageSize;
        j["latent_dim"] = shape.latentDim;
        j["steps"] = result.stepsDone;
        j["cancelled"] = result.cancelled;
        j["first_loss"] = result.firstLoss;
        j["final_loss"] = result.finalLoss;
        writeFileAtomically(encoderConfigPath(runDir), j.dump(2) + "\n");
        return result;
    } catch (const Error&) {
        throw;
    } catch (const std::exception& error) {
        std::string message = error.what();
        if (auto newline = message.find('\n'); newline != std::string::npos) message.resize(newline);
        throw Error("encoder training failed: " + message);
    }
}

}  // namespace cw::ml
