#pragma once
/// @file The property-prediction networks and their checkpoints (props_model.h's internals).
/// Includes torch: use only in ml .cpp files.

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "dataset/image_set.h"
#include "ml/props_config.h"

namespace cw::ml {

struct PropsNetOptions {
    PropsModelKind kind = PropsModelKind::ResNet;
    int inChannels = 4;
    int imageSize = 64;
    int outputs = 1;     ///< one per target
    int width = 32;
    int blocksPerStage = 2;
    double dropout = 0.1;
};

/// baseline: [conv 3×3 → ReLU → max-pool 2] × 3 (32, 64, 128 channels) → dense 256 → ReLU →
/// dropout → dense 64 → ReLU → linear (the seed's Keras model, one linear output per target).
/// resnet: two coordinate channels (row and column in [−1, 1]: a CrysTens pixel's meaning
/// depends on where it sits, which convolutions alone cannot see) → conv 3×3 → 3 stages of
/// pre-activation residual blocks (GroupNorm, SiLU; width, 2·width, 4·width channels; the
/// later stages halve the size) → GroupNorm → SiLU → global average pooling → dense → SiLU →
/// dropout → linear (a multi-task head). Input [B, C, S, S] in [−1, 1]; output [B, outputs].
class PropsNetImpl : public torch::nn::Module {
public:
    explicit PropsNetImpl(const PropsNetOptions& options);
    torch::Tensor forward(torch::Tensor x);
    std::int64_t parameterCount() const;

private:
    torch::nn::Sequential m_features{nullptr}, m_head{nullptr};
};
TORCH_MODULE(PropsNet);

/// Mean of (prediction − target)² over the entries where `mask` is 1; entries with mask 0 may
/// hold anything, NaN included (missing labels), and add nothing to the loss or its gradient.
/// 0 when the mask is empty.
torch::Tensor maskedMse(const torch::Tensor& prediction, const torch::Tensor& target, const torch::Tensor& mask);

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

/// Writes weights, the optimiser (when given), the state and the CPU generator's state via
/// `path.part` and a rename. Throws IoError.
void savePropsCheckpoint(const std::string& path, PropsNet& model, torch::optim::Optimizer* optimizer,
                         const PropsCheckpointState& state);
/// Loads what savePropsCheckpoint wrote into a model of the same options (and the optimiser
/// and generator state when `optimizer` is given). Throws FormatError naming the file.
PropsCheckpointState loadPropsCheckpoint(const std::string& path, PropsNet& model,
                                         torch::optim::Optimizer* optimizer, const torch::Device& device);

}  // namespace cw::ml
