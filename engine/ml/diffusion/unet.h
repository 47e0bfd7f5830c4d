#pragma once
/// @file The diffusion UNet as a LibTorch module (layout in unet_config.h). Includes torch:
/// use only in ml .cpp files.

#include <torch/torch.h>

#include "ml/diffusion/unet_config.h"

namespace cw::ml {

class UNetImpl : public torch::nn::Module {
public:
    /// Validates the config (throws ConfigError) and builds the layers.
    explicit UNetImpl(UNetConfig config);

    /// x: [B, inChannels, imageSize, imageSize]; t: [B] (or a scalar) int64 or float diffusion
    /// steps; classes: [B] int64 in [0, classes) (Conditioning::Class) or undefined; vectors:
    /// [B, conditionDim] (Conditioning::Vector) or undefined; dropped: [B] bool, true where the
    /// null embedding replaces the condition (undefined = none dropped). A conditioned model
    /// given no condition uses the null embedding for the whole batch. Returns
    /// [B, inChannels, H, W]. Throws ValueError for wrong shapes, out-of-range labels, or a
    /// condition the model was not built for.
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& t,
                          const torch::Tensor& classes = {}, const torch::Tensor& vectors = {},
                          const torch::Tensor& dropped = {});

    const UNetConfig& config() const { return m_config; }
    /// Number of trainable parameters.
    std::int64_t parameterCount() const;

private:
    UNetConfig m_config;
    // Submodules are registered in the constructor; this struct only holds typed handles to
    // them for forward() (see unet.cpp).
    struct Layers;
    std::shared_ptr<Layers> m_layers;
};
TORCH_MODULE(UNet);

}  // namespace cw::ml
