// The property networks, their checkpoints, and prediction with a trained run.
#include "ml/props/props_model.h"

#include <ATen/Context.h>
#include <nlohmann/json.hpp>
#include <torch/script.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <numeric>
#include <optional>
#include <set>

#include "core/atomic_file.h"
#include "core/csv_reader.h"
#include "core/error.h"
#include "dataset/encoding_builder.h"
#include "encoding/crystens.h"
#include "io/structure_stream.h"
#include "ml/device.h"
#include "ml/props/props_data.h"
#include "ml/props/props_network.h"
#include "ml/props/props_run.h"
#include "ml/props/props_sites.h"
#include "ml/run_directory.h"
#include "ml/torchscript_output.h"

namespace cw::ml {
namespace {

namespace fs = std::filesystem;
namespace nn = torch::nn;

int groupsFor(int channels) {
    for (int g : {8, 4, 2})
        if (channels % g == 0) return g;
    return 1;
}

// Row and column coordinates in [−1, 1] appended as two channels.
class AddCoordsImpl : public nn::Module {
public:
    torch::Tensor forward(torch::Tensor x) {
        const auto n = x.size(0), h = x.size(2), w = x.size(3);
        const auto options = x.options();
        const torch::Tensor rows = torch::linspace(-1, 1, h, options).view({1, 1, h, 1}).expand({n, 1, h, w});
        const torch::Tensor cols = torch::linspace(-1, 1, w, options).view({1, 1, 1, w}).expand({n, 1, h, w});
        return torch::cat({x, rows, cols}, 1);
    }
};
TORCH_MODULE(AddCoords);

// Pre-activation residual block (He et al. 2016, "Identity mappings") with GroupNorm and SiLU.
class ResBlockImpl : public nn::Module {
public:
    ResBlockImpl(int in, int out, int stride)
        : m_norm1(register_module("norm1", nn::GroupNorm(groupsFor(in), in))),
          m_conv1(register_module("conv1", nn::Conv2d(nn::Conv2dOptions(in, out, 3).stride(stride).padding(1)))),
          m_norm2(register_module("norm2", nn::GroupNorm(groupsFor(out), out))),
          m_conv2(register_module("conv2", nn::Conv2d(nn::Conv2dOptions(out, out, 3).padding(1)))) {
        if (in != out || stride != 1)
            m_skip = register_module("skip", nn::Conv2d(nn::Conv2dOptions(in, out, 1).stride(stride)));
    }
    torch::Tensor forward(torch::Tensor x) {
        torch::Tensor h = m_conv1(torch::silu(m_norm1(x)));
        h = m_conv2(torch::silu(m_norm2(h)));
        return h + (m_skip ? m_skip(x) : x);
    }

private:
    nn::GroupNorm m_norm1;
    nn::Conv2d m_conv1;
    nn::GroupNorm m_norm2;
    nn::Conv2d m_conv2;
    nn::Conv2d m_skip{nullptr};
};
TORCH_MODULE(ResBlock);

class GlobalAveragePoolImpl : public nn::Module {
public:
    torch::Tensor forward(torch::Tensor x) { return x.mean({2, 3}); }
};
TORCH_MODULE(GlobalAveragePool);

class SiLUImpl : public nn::Module {
public:
    torch::Tensor forward(torch::Tensor x) { return torch::silu(x); }
};
TORCH_MODULE(SiLU);

// The sinusoidal step features of unet.cpp (Vaswani et al. 2017): [cos(t·f_i), sin(t·f_i)],
// f_i = 10000^(−i/half), so a guide sees t as the UNet does.
torch::Tensor timestepFeatures(const torch::Tensor& t, int dim) {
    const int half = dim / 2;
    const auto options = torch::TensorOptions().dtype(torch::kFloat32).device(t.device());
    const auto freqs = torch::exp(-std::log(10000.0) * torch::arange(half, options) / static_cast<double>(half));
    const auto args = t.to(torch::kFloat32).unsqueeze(1) * freqs.unsqueeze(0);
    return torch::cat({torch::cos(args), torch::sin(args)}, 1);
}

constexpr int kTimeFeatures = 64, kTimeHidden = 128, kBackboneHidden = 256;

std::string firstLine(std::string text) {
    if (auto newline = text.find('\n'); newline != std::string::npos) text.resize(newline);
    return text;
}

// material_id → split of a data set's table (ImageSet keeps no split per item).
std::map<std::string, std::string> materialSplits(const std::string& dataDir) {
    std::map<std::string, std::string> splits;
    const std::string table = (fs::path(dataDir) / "properties.csv").string();
    if (!fs::exists(table)) return splits;
    CsvReader csv(table);
    std::vector<std::string> fields;
    if (!csv.next(fields)) return splits;
    const auto id = std::find(fields.begin(), fields.end(), "material_id") - fields.begin();
    const auto split = std::find(fields.begin(), fields.end(), "split") - fields.begin();
    const auto width = static_cast<std::ptrdiff_t>(fields.size());
    if (id == width || split == width) return splits;
    while (csv.next(fields))
        if (static_cast<std::ptrdiff_t>(fields.size()) == width) splits[fields[id]] = fields[split];
    return splits;
}

[[noreturn]] void rethrowAsFormatError(const std::string& path, const std::exception& error) {
    std::string reason = error.what();
    if (auto newline = reason.find('\n'); newline != std::string::npos) reason.resize(newline);
    throw FormatError(path, "checkpoint", reason);
}

}  // namespace

struct PropsNetImpl::Backbone {
    torch::jit::Module module;
    std::string path;
    int channels = 0;            // the channel count the module takes
    std::int64_t features = 0;   // F
};

PropsNetImpl::PropsNetImpl(const PropsNetOptions& o) : m_options(o) {
    m_features = nn::Sequential();
    m_head = nn::Sequential();
    // Where the time embedding enters, and the channels there.
    std::vector<std::int64_t> slotChannels;
    if (o.kind == PropsModelKind::Baseline) {
        int in = o.inChannels, size = o.imageSize;
        for (int out : {32, 64, 128}) {
            m_features->push_back(nn::Conv2d(nn::Conv2dOptions(in, out, 3).padding(1)));
            m_features->push_back(nn::ReLU());
            m_features->push_back(nn::MaxPool2d(2));
            m_timeSlots.push_back(m_features->size() - 1);
            slotChannels.push_back(out);
            in = out;
            size /= 2;
        }
        m_features->push_back(nn::Flatten());
        m_head->push_back(nn::Linear(in * size * size, 256));
        m_head->push_back(nn::ReLU());
        m_head->push_back(nn::Dropout(o.dropout));
        m_head->push_back(nn::Linear(256, 64));
        m_head->push_back(nn::ReLU());
        m_head->push_back(nn::Linear(64, o.outputs));
    } else if (o.kind == PropsModelKind::ResNet) {
        m_features->push_back(AddCoords());
        m_features->push_back(nn::Conv2d(nn::Conv2dOptions(o.inChannels + 2, o.width, 3).padding(1)));
        m_timeSlots.push_back(m_features->size() - 1);
        slotChannels.push_back(o.width);
        int in = o.width;
        for (int stage = 0; stage < 3; ++stage) {
            const int out = o.width << stage;
            for (int b = 0; b < o.blocksPerStage; ++b) {
                m_features->push_back(ResBlock(in, out, stage > 0 && b == 0 ? 2 : 1));
                m_timeSlots.push_back(m_features->size() - 1);
                slotChannels.push_back(out);
                in = out;
            }
        }
        m_features->push_back(nn::GroupNorm(groupsFor(in), in));
        m_features->push_back(SiLU());
        m_features->push_back(GlobalAveragePool());
        m_head->push_back(nn::Linear(in, in));
        m_head->push_back(SiLU());
        m_head->push_back(nn::Dropout(o.dropout));
        m_head->push_back(nn::Linear(in, o.outputs));
    } else if (o.kind == PropsModelKind::Sites) {
        if (o.inChannels != kCrysTensChannels || o.imageSize != kCrysTensSide)
            throw ConfigError("the sites model reads CrysTens images (4 × 64 × 64), not " +
                              std::to_string(o.inChannels) + " × " + std::to_string(o.imageSize) + "²");
        if (o.timesteps > 0)
            throw ConfigError("the sites model cannot be a noise-aware guidance model; use resnet or baseline");
        constexpr int kSiteHeads = 4;
        m_sites = register_module("sites", std::make_shared<SitesNetImpl>(o.width, o.blocksPerStage, kSiteHeads,
                                                                         o.outputs, o.dropout));
    } else {
        m_backbone = std::make_shared<Backbone>();
        m_backbone->path = o.backboneFile;
        if (!fs::is_regular_file(o.backboneFile)) throw IoError(o.backboneFile, "no such TorchScript file");
        try {
            m_backbone->module = torch::jit::load(o.backboneFile, torch::Device(torch::kCPU));
        } catch (const c10::Error& error) {
            throw FormatError(o.backboneFile, "", "not a TorchScript module (export one with torch.jit.trace or "
                                                  "torch.jit.script and save it): " +
                                                      firstLine(error.what_without_backtrace()));
        }
        m_backbone->module.eval();
        // Which channel count the module takes: the data's, else 3 (ImageNet networks), else 1.
        std::string lastError;
        {
            torch::NoGradGuard noGrad;
            for (int channels : {o.inChannels, 3, 1}) {
                try {
                    const c10::IValue out =
                        m_backbone->module.forward({torch::zeros({1, channels, o.imageSize, o.imageSize})});
                    m_backbone->features = torchScriptFeatureRows(out, 1, o.backboneFile).size(1);
                    m_backbone->channels = channels;
                    break;
                } catch (const c10::Error& error) {
                    lastError = firstLine(error.what_without_backtrace());
                } catch (const std::exception& error) {
                    lastError = firstLine(error.what());
                }
            }
        }
        if (m_backbone->channels == 0)
            throw FormatError(o.backboneFile, "", "the module takes none of " + std::to_string(o.inChannels) +
                                                      "-, 3- or 1-channel " + std::to_string(o.imageSize) + "² images (" +
                                                      lastError + ")");
        if (m_backbone->channels != o.inChannels) {
            m_adapter = register_module("adapter", nn::Conv2d(nn::Conv2dOptions(o.inChannels, m_backbone->channels, 1)));
            torch::NoGradGuard noGrad;
            m_adapter->weight.zero_();
            m_adapter->bias.zero_();
            for (int k = 0; k < m_backbone->channels; ++k) m_adapter->weight[k][k % o.inChannels] = 1.0;
        }
        std::set<std::string> names;
        auto registeredName = [&](const std::string& name) {
            std::string flat = "backbone_" + name;
            std::replace(flat.begin(), flat.end(), '.', '_');
            if (!names.insert(flat).second)
                throw FormatError(o.backboneFile, name, "two parameters of the module map to the name " + flat);
            return flat;
        };
        for (const auto& p : m_backbone->module.named_parameters(true))
            register_parameter(registeredName(p.name), p.value, !o.freezeBackbone);
        for (const auto& b : m_backbone->module.named_buffers(true)) register_buffer(registeredName(b.name), b.value);
        const std::int64_t f = m_backbone->features;
        m_head->push_back(nn::LayerNorm(nn::LayerNormOptions({f})));
        m_head->push_back(nn::Linear(f, kBackboneHidden));
        m_head->push_back(SiLU());
        m_head->push_back(nn::Dropout(o.dropout));
        m_head->push_back(nn::Linear(kBackboneHidden, o.outputs));
        slotChannels.push_back(f);
    }
    register_module("features", m_features);
    register_module("head", m_head);
    if (o.timesteps > 0) {
        m_timeMlp = register_module("time_mlp", nn::Sequential(nn::Linear(kTimeFeatures, kTimeHidden), SiLU(),
                                                                nn::Linear(kTimeHidden, kTimeHidden)));
        for (std::size_t k = 0; k < slotChannels.size(); ++k)
            m_timeProjections.push_back(register_module("time_proj_" + std::to_string(k),
                                                        nn::Linear(kTimeHidden, slotChannels[k])));
    } else {
        m_timeSlots.clear();
    }
}

torch::Tensor PropsNetImpl::forward(torch::Tensor x, torch::Tensor t) {
    if (m_sites) return m_sites->forward(x);
    torch::Tensor embedding;
    if (m_options.timesteps > 0) {
        if (!t.defined()) t = torch::zeros({x.size(0)}, torch::TensorOptions().dtype(torch::kInt64).device(x.device()));
        if (t.dim() != 1 || t.size(0) != x.size(0))
            throw ValueError("property guide: t must be [" + std::to_string(x.size(0)) + "] steps, not " +
                             tensorShapeText(t));
        embedding = m_timeMlp->forward(timestepFeatures(t.to(x.device()), kTimeFeatures));
    }
    if (m_backbone) {
        torch::Tensor input = (x + 1.0) * 0.5;  // the [0, 1] pixels feature networks take
        if (m_adapter) input = m_adapter(input);
        c10::IValue out;
        {
            // Without an adapter a frozen module needs no graph; with one, gradients pass through it.
            std::optional<torch::NoGradGuard> noGrad;
            if (m_options.freezeBackbone && !m_adapter) noGrad.emplace();
            try {
                out = m_backbone->module.forward({input});
            } catch (const c10::Error& error) {
                throw Error(m_backbone->path + ": the module failed on a batch of " + tensorShapeText(input) + ": " +
                            firstLine(error.what_without_backtrace()));
            }
        }
        torch::Tensor features = torchScriptFeatureRows(out, x.size(0), m_backbone->path);
        if (embedding.defined()) features = features + m_timeProjections[0]->forward(embedding);
        return m_head->forward(features);
    }
    torch::Tensor h = x;
    std::size_t index = 0, slot = 0;
    for (auto& module : *m_features) {
        h = module.forward(h);
        if (embedding.defined() && slot < m_timeSlots.size() && m_timeSlots[slot] == index) {
            h = h + m_timeProjections[slot]->forward(embedding).unsqueeze(-1).unsqueeze(-1);
            ++slot;
        }
        ++index;
    }
    return m_head->forward(h);
}

std::int64_t PropsNetImpl::parameterCount() const {
    std::int64_t n = 0;
    for (const auto& p : parameters()) n += p.numel();
    return n;
}

std::vector<torch::Tensor> PropsNetImpl::trainableParameters() const {
    std::vector<torch::Tensor> out;
    for (const auto& p : parameters())
        if (p.requires_grad()) out.push_back(p);
    return out;
}

void PropsNetImpl::train(bool on) {
    nn::Module::train(on);
    if (m_backbone) m_backbone->module.train(on && !m_options.freezeBackbone);
}

PropsNetOptions propsNetOptions(const PropsConfig& c, int channels, int imageSize, const std::string& backboneFile,
                                int timesteps) {
    PropsNetOptions o;
    o.kind = c.model;
    o.inChannels = channels;
    o.imageSize = imageSize;
    o.outputs = static_cast<int>(c.targets.size());
    o.width = c.width;
    o.blocksPerStage = c.blocksPerStage;
    o.dropout = c.dropout;
    if (c.model == PropsModelKind::Backbone) o.backboneFile = backboneFile;
    o.freezeBackbone = c.freezeBackbone;
    o.timesteps = timesteps;
    return o;
}

torch::Tensor maskedMse(const torch::Tensor& prediction, const torch::Tensor& target, const torch::Tensor& mask) {
    return maskedLoss(prediction, target, mask, PropsLoss::Mse);
}

torch::Tensor maskedLoss(const torch::Tensor& prediction, const torch::Tensor& target, const torch::Tensor& mask,
                         PropsLoss loss) {
    // Missing labels may be NaN: replace them before the difference, because NaN · 0 is NaN in
    // the loss and in its gradient.
    const torch::Tensor present = mask > 0;
    const torch::Tensor clean = torch::where(present, target, torch::zeros_like(target));
    const torch::Tensor error = prediction - clean;
    torch::Tensor perEntry;
    switch (loss) {
        case PropsLoss::Mse:
            perEntry = error.pow(2);
            break;
        case PropsLoss::L1:
            perEntry = error.abs();
            break;
        case PropsLoss::Huber:  // δ = 1: ½e² inside, |e| − ½ outside
            perEntry = torch::where(error.abs() <= 1.0, 0.5 * error.pow(2), error.abs() - 0.5);
            break;
    }
    const torch::Tensor masked = perEntry * present.to(prediction.scalar_type());
    return masked.sum() / present.sum().to(prediction.scalar_type()).clamp_min(1.0);
}

torch::Tensor readPixels(const ImageSet& images, const std::vector<std::size_t>& items, std::size_t first,
                         std::size_t last) {
    const std::int64_t n = static_cast<std::int64_t>(last - first), c = images.channels(), s = images.imageSize();
    torch::Tensor pixels = torch::empty({n, c, s, s}, torch::kFloat32);
    float* out = pixels.data_ptr<float>();
    for (std::size_t i = first; i < last; ++i) images.readItem(items[i], out + (i - first) * c * s * s);
    return pixels;
}

void savePropsCheckpoint(const std::string& path, PropsNet& model, torch::optim::Optimizer* optimizer,
                         const PropsCheckpointState& state, PropsNet* ema) {
    const std::string partial = path + ".part";
    try {
        fs::create_directories(fs::path(path).parent_path());
        torch::serialize::OutputArchive archive, modelArchive;
        model->save(modelArchive);
        archive.write("model", modelArchive);
        if (ema) {
            torch::serialize::OutputArchive emaArchive;
            (*ema)->save(emaArchive);
            archive.write("ema", emaArchive);
        }
        if (optimizer) {
            torch::serialize::OutputArchive optimizerArchive;
            optimizer->save(optimizerArchive);
            archive.write("optimizer", optimizerArchive);
            at::Generator cpu = at::globalContext().defaultGenerator(torch::Device(torch::kCPU));
            std::lock_guard<std::mutex> lock(cpu.mutex());
            archive.write("rng_cpu", cpu.get_state());
        }
        archive.write("epoch", torch::tensor({static_cast<std::int64_t>(state.epoch)}, torch::kInt64));
        archive.write("best_epoch", torch::tensor({static_cast<std::int64_t>(state.bestEpoch)}, torch::kInt64));
        archive.write("epochs_since_best",
                      torch::tensor({static_cast<std::int64_t>(state.epochsSinceBest)}, torch::kInt64));
        archive.write("best_val_loss", torch::tensor({state.bestValLoss}, torch::kFloat64));
        archive.write("wall_seconds", torch::tensor({state.wallSeconds}, torch::kFloat64));
        archive.write("config_json", c10::IValue(state.configJson));
        archive.save_to(partial);
        fs::rename(partial, path);
    } catch (const fs::filesystem_error& error) {
        throw IoError(path, error.code().message());
    } catch (const c10::Error& error) {
        std::error_code ignored;
        fs::remove(partial, ignored);
        throw IoError(path, std::string("cannot write the checkpoint: ") + error.what_without_backtrace());
    }
}

PropsCheckpointState loadPropsCheckpoint(const std::string& path, PropsNet& model, torch::optim::Optimizer* optimizer,
                                         const torch::Device& device, PropsNet* ema) {
    if (!fs::is_regular_file(path)) throw IoError(path, "no such checkpoint");
    PropsCheckpointState state;
    try {
        torch::serialize::InputArchive archive, modelArchive;
        archive.load_from(path, device);
        archive.read("model", modelArchive);
        model->load(modelArchive);
        if (ema) {
            torch::serialize::InputArchive emaArchive;
            if (!archive.try_read("ema", emaArchive))
                throw FormatError(path, "checkpoint", "it holds no averaged (EMA) weights, but the run uses them");
            (*ema)->load(emaArchive);
        }
        if (optimizer) {
            torch::serialize::InputArchive optimizerArchive;
            archive.read("optimizer", optimizerArchive);
            optimizer->load(optimizerArchive);
            torch::Tensor rng;
            archive.read("rng_cpu", rng);
            at::Generator cpu = at::globalContext().defaultGenerator(torch::Device(torch::kCPU));
            std::lock_guard<std::mutex> lock(cpu.mutex());
            cpu.set_state(rng.to(torch::kCPU));
        }
        torch::Tensor epoch, best, since, loss, wall;
        archive.read("epoch", epoch);
        archive.read("best_epoch", best);
        archive.read("epochs_since_best", since);
        archive.read("best_val_loss", loss);
        archive.read("wall_seconds", wall);
        c10::IValue config;
        archive.read("config_json", config);
        state.epoch = static_cast<int>(epoch.item<std::int64_t>());
        state.bestEpoch = static_cast<int>(best.item<std::int64_t>());
        state.epochsSinceBest = static_cast<int>(since.item<std::int64_t>());
        state.bestValLoss = loss.item<double>();
        state.wallSeconds = wall.item<double>();
        state.configJson = config.toStringRef();
    } catch (const Error&) {
        throw;
    } catch (const c10::Error& error) {
        rethrowAsFormatError(path, error);
    } catch (const std::runtime_error& error) {
        rethrowAsFormatError(path, error);
    }
    return state;
}

void loadPredictingWeights(const std::string& path, PropsNet& model, const torch::Device& device) {
    if (!fs::is_regular_file(path)) throw IoError(path, "no such checkpoint");
    try {
        torch::serialize::InputArchive archive, weights;
        archive.load_from(path, device);
        if (!archive.try_read("ema", weights)) archive.read("model", weights);
        model->load(weights);
    } catch (const c10::Error& error) {
        rethrowAsFormatError(path, error);
    } catch (const std::runtime_error& error) {
        rethrowAsFormatError(path, error);
    }
}

std::vector<std::string> propsRunTargets(const std::string& runDir) {
    return readPropsDataInfo(runDir).scaler.names();
}

LoadedPropsRun loadPropsRun(const std::string& runDir, const std::string& which, const torch::Device& device) {
    if (!fs::is_regular_file(propsDataInfoPath(runDir)))
        throw ConfigError(runDir + " is not a props run with a trained model (no data.json)");
    LoadedPropsRun run;
    run.info = readPropsDataInfo(runDir);
    run.config = propsConfigFromJson(readFileToString(runConfigPath(runDir)), {}, runConfigPath(runDir));
    std::string checkpoint = which;
    if (checkpoint == "best") checkpoint = propsBestCheckpointPath(runDir);
    else if (checkpoint == "latest") checkpoint = runLatestCheckpointPath(runDir);
    if (!fs::is_regular_file(checkpoint))
        throw ConfigError("run " + runDir + " has no weights at " + checkpoint + " (train it first)");
    run.model = PropsNet(propsNetOptions(run.config, run.info.channels, run.info.imageSize,
                                         propsBackbonePath(runDir), run.info.timesteps));
    loadPredictingWeights(checkpoint, run.model, device);
    run.model->to(device);
    run.model->eval();
    return run;
}

std::vector<PropsPrediction> predictProps(const std::string& runDir, const std::vector<std::string>& inputs,
                                          const PropsPredictOptions& options) {
    setTorchThreads(options.threads);
    const torch::Device device(resolveDevice(options.device));
    LoadedPropsRun run = loadPropsRun(runDir, options.checkpoint, device);
    const PropsDataInfo& info = run.info;
    PropsNet& model = run.model;
    torch::NoGradGuard noGrad;

    const std::size_t dim = info.scaler.size();
    auto predictBatch = [&](const torch::Tensor& pixels) {
        const torch::Tensor out = model->forward(pixels.to(device)).to(torch::kCPU, torch::kFloat64).contiguous();
        std::vector<std::vector<double>> rows(static_cast<std::size_t>(out.size(0)), std::vector<double>(dim));
        const double* p = out.data_ptr<double>();
        for (std::size_t i = 0; i < rows.size(); ++i)
            for (std::size_t k = 0; k < dim; ++k) rows[i][k] = info.scaler.inverse(k, p[i * dim + k]);
        return rows;
    };

    std::vector<PropsPrediction> predictions;
    const std::size_t batch = static_cast<std::size_t>(std::max(1, options.batchSize));
    for (const std::string& input : inputs) {
        if (fs::is_directory(input)) {
            // A data set: every item of the split, with the truths the table has.
            const std::vector<std::string> columns = propertyTableColumns(input);
            ImageSetOptions setOptions;
            setOptions.split = options.split;
            for (const std::string& name : info.scaler.names())
                if (std::find(columns.begin(), columns.end(), name) != columns.end()) setOptions.properties.push_back(name);
            const ImageSet images(input, setOptions);
            if (images.channels() != info.channels || images.imageSize() != info.imageSize)
                throw ConfigError(input + ": items are " + std::to_string(images.channels()) + " × " +
                                  std::to_string(images.imageSize()) + "² but the run was trained on " +
                                  std::to_string(info.channels) + " × " + std::to_string(info.imageSize) + "²");
            const std::map<std::string, std::string> splitOf = materialSplits(input);
            std::vector<std::size_t> items(images.size());
            std::iota(items.begin(), items.end(), std::size_t{0});
            for (std::size_t first = 0; first < items.size(); first += batch) {
                const std::size_t last = std::min(items.size(), first + batch);
                const auto rows = predictBatch(readPixels(images, items, first, last));
                for (std::size_t i = first; i < last; ++i) {
                    PropsPrediction p;
                    p.source = input;
                    p.id = images.materialId(i);
                    const auto split = splitOf.find(p.id);
                    p.split = split == splitOf.end() ? "" : split->second;
                    p.values = rows[i - first];
                    for (const std::string& name : info.scaler.names())
                        p.truth.push_back(std::find(setOptions.properties.begin(), setOptions.properties.end(), name) !=
                                                  setOptions.properties.end()
                                              ? images.property(i, name)
                                              : std::nullopt);
                    predictions.push_back(std::move(p));
                }
            }
        } else {
            if (info.kind != "crystens")
                throw ConfigError("structure input " + input + ": run " + runDir + " was trained on " + info.kind +
                                  " items; structures can be predicted by CrysTens runs only");
            CrysTensOptions encoding;
            encoding.cell = parseCellChoice(info.cell);
            encoding.normalize = info.normalized;
            const std::vector<Structure> structures = readStructures(input);
            for (std::size_t s = 0; s < structures.size(); ++s) {
                // As the data-set builder encodes: the source's space group where it has one.
                encoding.knownSpaceGroup = knownSpaceGroupOf(structures[s], encoding.cell);
                std::vector<float> pixels = crysTensToChannelsFirst(encodeCrysTens(structures[s], encoding));
                for (float& v : pixels) v = 2.0f * v - 1.0f;  // ImageSet::readItem's mapping
                const torch::Tensor t =
                    torch::from_blob(pixels.data(), {1, kCrysTensChannels, kCrysTensSide, kCrysTensSide}, torch::kFloat32)
                        .clone();
                PropsPrediction p;
                p.source = input;
                p.id = structures[s].id();
                if (p.id.empty()) {
                    p.id = fs::path(input).filename().string();
                    if (structures.size() > 1) p.id += '#' + std::to_string(s);
                }
                p.values = predictBatch(t)[0];
                p.truth.assign(dim, std::nullopt);
                predictions.push_back(std::move(p));
            }
        }
    }
    return predictions;
}

}  // namespace cw::ml
