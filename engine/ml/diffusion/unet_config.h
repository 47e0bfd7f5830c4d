#pragma once
/// @file The UNet's architecture as plain data (torch-free), with JSON in and out, so the CLI,
/// the GUI and a run directory's config.json share one description.

#include <string>
#include <vector>

namespace cw::ml {

/// How the UNet is conditioned. Class: an integer label in [0, classes) through an embedding
/// table. Vector: `conditionDim` real values (e.g. standardised band gap and density) through a
/// two-layer MLP. Both add a learned null embedding (row `classes` of the table, or a learned
/// vector) used for unconditional passes of classifier-free guidance (Ho & Salimans 2022).
enum class Conditioning { None, Class, Vector };

/// "none", "class", "vector". parseConditioning throws ConfigError for anything else.
const char* conditioningName(Conditioning conditioning);
Conditioning parseConditioning(const std::string& name);

/// A DDPM UNet (Ho et al. 2020; Nichol & Dhariwal 2021's improved layout): a 3×3 input
/// convolution to `baseChannels`, then per level `resBlocksPerLevel` residual blocks (GroupNorm
/// with the largest group count ≤ 32 that divides the channels + SiLU + conv, time embedding
/// added, dropout) at `baseChannels × channelMults[level]` channels, self-attention after each
/// block whose feature map has a size listed in `attentionResolutions` (pixels per side; sizes
/// no level has are ignored), and a stride-2 3×3 down-sampling convolution between levels; a
/// middle block (res, attention, res); the mirrored up path (`resBlocksPerLevel` + 1 blocks per
/// level, each taking one skip connection; nearest up-sampling + 3×3 conv between levels);
/// GroupNorm + SiLU + 3×3 convolution to `inChannels` outputs (zero-initialised). Time enters
/// through a sinusoidal embedding (Vaswani et al. 2017) of `baseChannels` and a two-layer MLP of
/// 4 × baseChannels; the condition's embedding (same width) is added to it.
struct UNetConfig {
    int inChannels = 1;          ///< 1 for ECD slices, 4 for CrysTens, 1 for xtal2png
    int imageSize = 64;          ///< pixels per side; 32–256, divisible by 2^(levels−1)
    int baseChannels = 64;
    std::vector<int> channelMults{1, 2, 4};
    int resBlocksPerLevel = 2;
    std::vector<int> attentionResolutions{16};  ///< feature-map sizes (pixels) with attention
    int attentionHeads = 4;
    double dropout = 0.0;
    Conditioning conditioning = Conditioning::None;
    int classes = 0;        ///< with Conditioning::Class
    int conditionDim = 0;   ///< with Conditioning::Vector

    /// Throws ConfigError naming the field when the combination is invalid (size not in
    /// 32–256 or not divisible by 2^(levels−1), empty or non-positive mults, attention heads
    /// that do not divide the channels of an attended level or of the middle block, dropout
    /// outside [0, 1), missing classes/conditionDim, …).
    void validate() const;
};

/// JSON object text of a config (every field, snake_case keys: in_channels, image_size,
/// base_channels, channel_mults, res_blocks_per_level, attention_resolutions, attention_heads,
/// dropout, conditioning, classes, condition_dim; stable key order, 2-space indent).
std::string unetConfigToJson(const UNetConfig& config);
/// Reads a JSON object over `base`: missing keys keep base's values, unknown keys are a
/// ConfigError naming the key (a typo must not silently train another model), so is a value of
/// the wrong type. Does not validate() the result. Throws ConfigError.
UNetConfig unetConfigFromJson(const std::string& jsonText, const UNetConfig& base = {});

/// "1,2,4" → {1, 2, 4}; "" → {} . Throws ConfigError naming `what` for a bad number.
std::vector<int> parseIntList(const std::string& text, const std::string& what);

}  // namespace cw::ml
