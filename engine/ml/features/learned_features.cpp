#include "ml/features/learned_features.h"

#include <torch/script.h>
#include <torch/torch.h>

#include <filesystem>

#include "core/error.h"
#include "ml/device.h"
#include "ml/features/autoencoder.h"
#include "ml/torchscript_output.h"

namespace cw::ml {
namespace {

namespace fs = std::filesystem;

// Small enough for InceptionV3 at 299² on a modest GPU and on CPU.
constexpr std::int64_t kBatchSize = 16;

std::string firstLine(std::string text) {
    if (auto newline = text.find('\n'); newline != std::string::npos) text.resize(newline);
    return text;
}

// The batch loop, progress and cancellation shared by the learned extractors; subclasses map a
// float [B, C, H, W] batch in [0, 1] on the device to [B, F] features.
class BatchedExtractor : public FeatureExtractor {
public:
    explicit BatchedExtractor(const std::string& device) : m_device(resolveDevice(device)) {}

    Eigen::MatrixXd extract(const EvalImages& images, ProgressSink* progress,
                            std::stop_token stop) override {
        torch::NoGradGuard noGrad;  // grad mode is per thread: the caller's may be on
        const std::int64_t count = static_cast<std::int64_t>(images.count());
        Eigen::MatrixXd features;
        if (count == 0) return Eigen::MatrixXd(0, std::max(0, dimension()));
        if (images.channels < 1 || images.height < 1 || images.width < 1)
            throw ValueError(name() + ": the images have no pixels");
        for (std::int64_t first = 0; first < count; first += kBatchSize) {
            if (stop.stop_requested()) break;
            const std::int64_t n = std::min(kBatchSize, count - first);
            const torch::Tensor batch =
                torch::from_blob(const_cast<float*>(images.item(static_cast<std::size_t>(first))),
                                 {n, images.channels, images.height, images.width}, torch::kFloat32)
                    .to(m_device, /*non_blocking=*/false, /*copy=*/true);
            const torch::Tensor rows = features_(batch).to(torch::kCPU, torch::kFloat64).contiguous();
            if (features.size() == 0) features = Eigen::MatrixXd::Zero(count, rows.size(1));
            if (rows.size(1) != features.cols())
                throw Error(name() + ": the feature dimension changed from " +
                            std::to_string(features.cols()) + " to " + std::to_string(rows.size(1)) +
                            " between batches");
            const double* data = rows.data_ptr<double>();
            for (std::int64_t i = 0; i < n; ++i)
                for (std::int64_t k = 0; k < rows.size(1); ++k)
                    features(first + i, k) = data[i * rows.size(1) + k];
            if (progress) progress->report({"features", first + n, count, {}});
        }
        if (features.size() == 0) features = Eigen::MatrixXd::Zero(count, std::max(0, dimension()));
        return features;
    }

protected:
    virtual torch::Tensor features_(const torch::Tensor& batch) = 0;
    torch::Device m_device;
};

class TorchScriptExtractor final : public BatchedExtractor {
public:
    TorchScriptExtractor(const std::string& path, const std::string& device, int threads)
        : BatchedExtractor(device), m_path(path), m_fileName(fs::path(path).filename().string()) {
        if (!fs::is_regular_file(path)) throw IoError(path, "no such TorchScript file");
        if (threads >= 0) setTorchThreads(threads);
        try {
            m_module = torch::jit::load(path, m_device);
        } catch (const c10::Error& error) {
            throw FormatError(path, "", "not a TorchScript module (export one with torch.jit.trace "
                                        "or torch.jit.script and save it): " +
                                            firstLine(error.what_without_backtrace()));
        }
        m_module.eval();
        // Most feature networks (pytorch-fid's InceptionV3 included) take any image size; one
        // that does not reveals its dimension on the first real batch instead.
        try {
            torch::NoGradGuard noGrad;
            features_(torch::zeros({1, 3, 64, 64}, torch::TensorOptions().device(m_device)));
        } catch (const std::exception&) {
            m_dimension = 0;
        }
    }

    std::string name() const override {
        return "torchscript:" + m_fileName +
               (m_dimension > 0 ? " (" + std::to_string(m_dimension) + "-d)" : "");
    }
    int dimension() const override { return m_dimension; }

protected:
    torch::Tensor features_(const torch::Tensor& batch) override {
        const torch::Tensor input = batch.size(1) == 1 ? batch.repeat({1, 3, 1, 1}) : batch;
        c10::IValue output;
        try {
            output = m_module.forward({input});
        } catch (const c10::Error& error) {
            throw Error(m_path + ": the module failed on a batch of " + tensorShapeText(input) + ": " +
                        firstLine(error.what_without_backtrace()));
        }
        const torch::Tensor rows = torchScriptFeatureRows(output, input.size(0), m_path);
        m_dimension = static_cast<int>(rows.size(1));
        return rows;
    }

private:
    std::string m_path, m_fileName;
    torch::jit::script::Module m_module;
    int m_dimension = 0;
};

class DomainExtractor final : public BatchedExtractor {
public:
    DomainExtractor(const std::string& runDir, const std::string& device, int threads)
        : BatchedExtractor(device), m_runDir(runDir), m_model(readAutoencoderShape(runDir)) {
        fs::path normal = fs::path(runDir).lexically_normal();
        if (normal.filename().empty()) normal = normal.parent_path();  // "RUN/"
        m_runName = normal.filename().string();
        if (threads >= 0) setTorchThreads(threads);
        loadAutoencoderWeights(runDir, m_model, m_device);
        m_model->to(m_device);
        m_model->eval();
    }

    std::string name() const override {
        return "domain:" + m_runName + " (" + std::to_string(dimension()) + "-d, autoencoder)";
    }
    int dimension() const override { return m_model->shape().latentDim; }

protected:
    torch::Tensor features_(const torch::Tensor& batch) override {
        const AutoencoderShape& shape = m_model->shape();
        if (batch.size(1) != shape.channels)
            throw ValueError(name() + ": the encoder takes " + std::to_string(shape.channels) +
                             "-channel images, not " + std::to_string(batch.size(1)) + "-channel ones");
        torch::Tensor x = batch * 2.0 - 1.0;  // the training pixels' range
        const std::int64_t side = shape.imageSize;
        if (x.size(2) != side || x.size(3) != side) {
            namespace F = torch::nn::functional;
            // Area averaging when shrinking matches how data sets are resampled for training.
            if (x.size(2) >= side && x.size(3) >= side)
                x = F::adaptive_avg_pool2d(x, F::AdaptiveAvgPool2dFuncOptions({side, side}));
            else
                x = F::interpolate(x, F::InterpolateFuncOptions()
                                          .size(std::vector<std::int64_t>{side, side})
                                          .mode(torch::kBilinear)
                                          .align_corners(false));
        }
        return m_model->encode(x);
    }

private:
    std::string m_runDir, m_runName;
    Autoencoder m_model;
};

}  // namespace

std::unique_ptr<FeatureExtractor> openLearnedExtractor(const ExtractorSpec& spec,
                                                       const std::string& device, int threads) {
    switch (spec.kind) {
        case ExtractorSpec::Kind::Spectral:
            return makeSpectralExtractor();
        case ExtractorSpec::Kind::TorchScript:
            return std::make_unique<TorchScriptExtractor>(spec.path, device, threads);
        case ExtractorSpec::Kind::Domain:
            if (!fs::is_directory(spec.path))
                throw IoError(spec.path, "no such encoder run folder (domain:RUN names a folder "
                                         "written by cwb eval encoder)");
            return std::make_unique<DomainExtractor>(spec.path, device, threads);
    }
    throw ConfigError("unknown feature extractor kind");
}

}  // namespace cw::ml
