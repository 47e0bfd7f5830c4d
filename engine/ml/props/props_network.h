#pragma once
/// @file The property-prediction networks and their checkpoints (props_model.h's internals).
/// Includes torch: use only in ml .cpp files.

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dataset/image_set.h"
#include "ml/props/props_config.h"
#include "ml/props/props_run.h"

namespace cw::ml {

class SitesNetImpl;  // props_sites.h

struct PropsNetOptions {
    PropsModelKind kind = PropsModelKind::ResNet;
    int inChannels = 4;
    int imageSize = 64;
    int outputs = 1;     ///< one per target
    int width = 32;            ///< resnet: first-stage channels; sites: token width
    int blocksPerStage = 2;    ///< resnet: blocks per stage; sites: attention layers
    double dropout = 0.1;
    std::string backboneFile;   ///< backbone: the TorchScript file to load
    bool freezeBackbone = true;
    /// > 0: a noise-aware model for classifier guidance, taking the diffusion step t ∈ [0,
    /// timesteps) besides the image.
    int timesteps = 0;
};

/// The network options of a run: `config` with the data's channels and image size, the
/// backbone read from `backboneFile` (RUN/backbone.pt of a run) and `timesteps` (0, or the
/// diffusion run's T for a guidance model).
PropsNetOptions propsNetOptions(const PropsConfig& config, int channels, int imageSize,
                                const std::string& backboneFile, int timesteps);

/// baseline: [conv 3×3 → ReLU → max-pool 2] × 3 (32, 64, 128 channels) → dense 256 → ReLU →
/// dropout → dense 64 → ReLU → linear (the seed's Keras model, one linear output per target).
/// resnet: two coordinate channels (row and column in [−1, 1]: a CrysTens pixel's meaning
/// depends on where it sits, which convolutions alone cannot see) → conv 3×3 → 3 stages of
/// pre-activation residual blocks (GroupNorm, SiLU; width, 2·width, 4·width channels; the
/// later stages halve the size) → GroupNorm → SiLU → global average pooling → dense → SiLU →
/// dropout → linear (a multi-task head).
/// backbone: pixels mapped to [0, 1] → (when the module does not take C channels: a learned
/// 1×1 convolution to the 3 or 1 channels it takes, initialised to copy input channel k mod C
/// into output k, trained in both modes) → the TorchScript module → features flattened to
/// [B, F] → LayerNorm → dense 256 → SiLU → dropout → linear. The module's parameters and
/// buffers are registered here (as backbone_<name with '.' → '_'>), so checkpoints hold them;
/// frozen, they do not require grad and the module stays in eval mode.
/// sites: a site-attention network over the CrysTens header rows and pairwise block, with
/// width-wide tokens, blocksPerStage layers and 4 heads (props_sites.h); CrysTens input only
/// (4 × 64 × 64, normalised), and never noise-aware.
/// Noise-aware (timesteps > 0): sinusoidal features of t (64, as the UNet's) → dense 128 →
/// SiLU → dense 128, projected and added to the feature maps after each pooling stage
/// (baseline), after the stem and each residual block (resnet), or to the features (backbone).
/// Input [B, C, S, S] in [−1, 1]; output [B, outputs] in the targets' learnt units.
class PropsNetImpl : public torch::nn::Module {
public:
    /// Throws IoError (backbone file missing), FormatError (not a TorchScript module, or one
    /// that takes none of C, 3 or 1 channels at the image size, or returns no feature tensor),
    /// ConfigError (sites with other images than 4 × 64 × 64 or with timesteps > 0).
    explicit PropsNetImpl(const PropsNetOptions& options);
    /// t: [B] int64 diffusion steps for a noise-aware model (undefined = step 0, clean input);
    /// ignored otherwise.
    torch::Tensor forward(torch::Tensor x, torch::Tensor t = {});
    std::int64_t parameterCount() const;
    /// The parameters that train (a frozen backbone's are left out).
    std::vector<torch::Tensor> trainableParameters() const;
    /// Also switches a fine-tuned backbone's mode (a frozen one stays in eval mode).
    void train(bool on = true) override;
    const PropsNetOptions& options() const { return m_options; }

private:
    struct Backbone;
    PropsNetOptions m_options;
    torch::nn::Sequential m_features{nullptr}, m_head{nullptr};
    torch::nn::Conv2d m_adapter{nullptr};
    std::shared_ptr<Backbone> m_backbone;
    std::shared_ptr<SitesNetImpl> m_sites;
    torch::nn::Sequential m_timeMlp{nullptr};
    /// Projections of the time embedding, one per slot (backbone: one, to the features).
    std::vector<torch::nn::Linear> m_timeProjections;
    std::vector<std::size_t> m_timeSlots;  ///< indices into m_features after which t is added
};
TORCH_MODULE(PropsNet);

/// A trained run ready for inference: its data info, config and network (eval mode, on the
/// device) with the weights of `checkpoint` ("best", "latest" or a .pt path).
struct LoadedPropsRun {
    PropsDataInfo info;
    PropsConfig config;
    PropsNet model{nullptr};
};
/// Throws ConfigError (no data.json or weights yet), IoError, FormatError.
LoadedPropsRun loadPropsRun(const std::string& runDir, const std::string& checkpoint, const torch::Device& device);

/// Mean of (prediction − target)² over the entries where `mask` is 1; entries with mask 0 may
/// hold anything, NaN included (missing labels), and add nothing to the loss or its gradient.
/// 0 when the mask is empty.
torch::Tensor maskedMse(const torch::Tensor& prediction, const torch::Tensor& target, const torch::Tensor& mask);
/// maskedMse's masking with the run's loss: mean squared, absolute or Huber (δ = 1) error.
torch::Tensor maskedLoss(const torch::Tensor& prediction, const torch::Tensor& target, const torch::Tensor& mask,
                         PropsLoss loss);

/// Items `items[first, last)` of `images` as a [n, C, S, S] float tensor (CPU).
torch::Tensor readPixels(const ImageSet& images, const std::vector<std::size_t>& items, std::size_t first,
                         std::size_t last);

/// What a props checkpoint holds besides the weights.
struct PropsCheckpointState {
    int epoch = 0;               ///< epochs finished
    int bestEpoch = 0;
    double bestValLoss = 0;
    int epochsSinceBest = 0;
    double wallSeconds = 0;
    std::string configJson;
};

/// Writes weights, the optimiser (when given), the averaged weights as "ema" (when given), the
/// state and the CPU generator's state via `path.part` and a rename. Throws IoError.
void savePropsCheckpoint(const std::string& path, PropsNet& model, torch::optim::Optimizer* optimizer,
                         const PropsCheckpointState& state, PropsNet* ema = nullptr);
/// Loads what savePropsCheckpoint wrote into a model of the same options (and the optimiser
/// and generator state when `optimizer` is given, the averaged weights when `ema` is given).
/// Throws FormatError naming the file.
PropsCheckpointState loadPropsCheckpoint(const std::string& path, PropsNet& model,
                                         torch::optim::Optimizer* optimizer, const torch::Device& device,
                                         PropsNet* ema = nullptr);
/// Loads the weights that predict: the averaged ones where the checkpoint holds them (latest.pt
/// of a run with an EMA), else its weights (best.pt holds the averaged ones as its weights).
/// Throws FormatError naming the file.
void loadPredictingWeights(const std::string& path, PropsNet& model, const torch::Device& device);

}  // namespace cw::ml
