#pragma once
/// @file The domain encoder's autoencoder module (layout in encoder_training.h), shared by its
/// training (encoder_training.cpp) and the feature extractor (learned_features.cpp). Includes
/// torch: use only in ml .cpp files.

#include <torch/torch.h>

#include <string>

namespace cw::ml {

/// The architecture of an encoder run (encoder.json's "architecture").
struct AutoencoderShape {
    int channels = 1;
    int imageSize = 64;  ///< a power of two in 32…256
    int latentDim = 128;
    int baseChannels = 16;

    /// Throws ConfigError naming the field.
    void validate() const;
};

class AutoencoderImpl : public torch::nn::Module {
public:
    explicit AutoencoderImpl(AutoencoderShape shape);

    /// x: [B, channels, imageSize, imageSize] in [−1, 1] → the latent [B, latentDim].
    torch::Tensor encode(const torch::Tensor& x);
    /// latent [B, latentDim] → reconstruction [B, channels, imageSize, imageSize] in [−1, 1].
    torch::Tensor decode(const torch::Tensor& latent);
    torch::Tensor forward(const torch::Tensor& x) { return decode(encode(x)); }

    const AutoencoderShape& shape() const { return m_shape; }

private:
    AutoencoderShape m_shape;
    int m_bottleneckChannels = 0;
    torch::nn::Sequential m_encoder{nullptr};
    torch::nn::Conv2d m_toLatent{nullptr};
    torch::nn::Linear m_fromLatent{nullptr};
    torch::nn::Sequential m_decoder{nullptr};
};
TORCH_MODULE(Autoencoder);

/// Reads the "architecture" object of RUN/encoder.json. Throws IoError, FormatError.
AutoencoderShape readAutoencoderShape(const std::string& runDir);

/// Loads RUN/encoder.pt into `model` (built from the same shape), tensors mapped to `device`.
/// Throws IoError (missing), FormatError naming the file.
void loadAutoencoderWeights(const std::string& runDir, Autoencoder& model, const torch::Device& device);

}  // namespace cw::ml
