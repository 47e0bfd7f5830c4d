#include "ml/diffusion/unet.h"

#include <torch/version.h>

#include <cmath>

#include "core/error.h"

namespace cw::ml {

namespace {

namespace nn = torch::nn;

// The largest group count ≤ 32 that divides `channels` (32 for the usual widths).
int groupCount(int channels) {
    int groups = std::min(32, channels);
    while (channels % groups != 0) --groups;
    return groups;
}

nn::GroupNorm groupNorm(int channels) {
    return nn::GroupNorm(nn::GroupNormOptions(groupCount(channels), channels));
}

nn::Conv2d conv3x3(int in, int out, int stride = 1) {
    return nn::Conv2d(nn::Conv2dOptions(in, out, 3).stride(stride).padding(1));
}

/// GroupNorm + SiLU + conv, the time (and condition) embedding added as a per-channel bias,
/// GroupNorm + SiLU + dropout + conv, and a residual connection (1×1 conv when widths differ).
class ResBlockImpl : public nn::Module {
public:
    ResBlockImpl(int in, int out, int embeddingDim, double dropout)
        : m_norm1(register_module("norm1", groupNorm(in))),
          m_conv1(register_module("conv1", conv3x3(in, out))),
          m_embedding(register_module("embedding", nn::Linear(embeddingDim, out))),
          m_norm2(register_module("norm2", groupNorm(out))),
          m_dropout(register_module("dropout", nn::Dropout(dropout))),
          m_conv2(register_module("conv2", conv3x3(out, out))) {
        if (in != out) m_skip = register_module("skip", nn::Conv2d(nn::Conv2dOptions(in, out, 1)));
    }

    /// `embedding` is already through SiLU (shared by all blocks).
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& embedding) {
        auto h = m_conv1(torch::silu(m_norm1(x)));
        h = h + m_embedding(embedding).unsqueeze(-1).unsqueeze(-1);
        h = m_conv2(m_dropout(torch::silu(m_norm2(h))));
        return (m_skip ? m_skip(x) : x) + h;
    }

private:
    nn::GroupNorm m_norm1;
    nn::Conv2d m_conv1;
    nn::Linear m_embedding;
    nn::GroupNorm m_norm2;
    nn::Dropout m_dropout;
    nn::Conv2d m_conv2;
    nn::Conv2d m_skip{nullptr};
};
TORCH_MODULE(ResBlock);

/// Multi-head self-attention over the H·W positions of a feature map (Vaswani et al. 2017),
/// pre-normalised with GroupNorm, with a residual connection.
class AttentionBlockImpl : public nn::Module {
public:
    AttentionBlockImpl(int channels, int heads)
        : m_heads(heads),
          m_norm(register_module("norm", groupNorm(channels))),
          m_qkv(register_module("qkv", nn::Conv2d(nn::Conv2dOptions(channels, 3 * channels, 1)))),
          m_out(register_module("out", nn::Conv2d(nn::Conv2dOptions(channels, channels, 1)))) {}

    torch::Tensor forward(const torch::Tensor& x) {
        const auto b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        const auto headDim = c / m_heads;
        // [B, 3, heads, d, N] → q, k, v as [B, heads, N, d].
        const auto qkv = m_qkv(m_norm(x)).reshape({b, 3, m_heads, headDim, h * w});
        const auto q = qkv.select(1, 0).transpose(-1, -2);
        const auto k = qkv.select(1, 1).transpose(-1, -2);
        const auto v = qkv.select(1, 2).transpose(-1, -2);
#if TORCH_VERSION_MAJOR >= 2
        // Fused (flash / memory-efficient) kernels where the build has them.
        const auto attended = at::scaled_dot_product_attention(q, k, v);
#else
        const auto weights =
            torch::softmax(torch::matmul(q, k.transpose(-1, -2)) / std::sqrt(double(headDim)), -1);
        const auto attended = torch::matmul(weights, v);
#endif
        return x + m_out(attended.transpose(-1, -2).reshape({b, c, h, w}));
    }

private:
    std::int64_t m_heads;
    nn::GroupNorm m_norm;
    nn::Conv2d m_qkv;
    nn::Conv2d m_out;
};
TORCH_MODULE(AttentionBlock);

/// Nearest-neighbour ×2 then a 3×3 conv (avoids the checkerboard of transposed convolutions).
class UpsampleImpl : public nn::Module {
public:
    explicit UpsampleImpl(int channels)
        : m_conv(register_module("conv", conv3x3(channels, channels))) {}
    torch::Tensor forward(const torch::Tensor& x) {
        return m_conv(
            nn::functional::interpolate(x, nn::functional::InterpolateFuncOptions()
                                               .scale_factor(std::vector<double>{2.0, 2.0})
                                               .mode(torch::kNearest)));
    }

private:
    nn::Conv2d m_conv;
};
TORCH_MODULE(Upsample);

/// Sinusoidal features of (possibly fractional) steps t: [cos(t·f_i), sin(t·f_i)] with
/// f_i = 10000^(−i/half), as in Vaswani et al. 2017 and improved-diffusion.
torch::Tensor timestepFeatures(const torch::Tensor& t, int dim) {
    const int half = dim / 2;
    const auto options = torch::TensorOptions().dtype(torch::kFloat32).device(t.device());
    const auto freqs =
        torch::exp(-std::log(10000.0) * torch::arange(half, options) / static_cast<double>(half));
    const auto args = t.to(torch::kFloat32).unsqueeze(1) * freqs.unsqueeze(0);
    return torch::cat({torch::cos(args), torch::sin(args)}, 1);
}

}  // namespace

struct UNetImpl::Layers {
    struct Block {
        ResBlock res{nullptr};
        AttentionBlock attention{nullptr};  // null where the level has no attention
    };
    int timeFeatures = 0;
    nn::Linear time1{nullptr}, time2{nullptr};
    nn::Embedding classEmbedding{nullptr};  // Conditioning::Class: classes + 1 rows (last = null)
    nn::Linear condition1{nullptr}, condition2{nullptr};  // Conditioning::Vector
    torch::Tensor nullCondition;                          // Conditioning::Vector
    nn::Conv2d input{nullptr};
    std::vector<Block> down;             // resBlocksPerLevel per level, level by level
    std::vector<nn::Conv2d> downsample;  // after every level but the last
    ResBlock middle1{nullptr}, middle2{nullptr};
    AttentionBlock middleAttention{nullptr};
    std::vector<Block> up;           // resBlocksPerLevel + 1 per level, deepest level first
    std::vector<Upsample> upsample;  // after every up level but the shallowest
    nn::GroupNorm outNorm{nullptr};
    nn::Conv2d out{nullptr};
};

UNetImpl::UNetImpl(UNetConfig config) : m_config(std::move(config)) {
    m_config.validate();
    m_layers = std::make_shared<Layers>();
    Layers& l = *m_layers;
    const UNetConfig& c = m_config;
    const int embeddingDim = 4 * c.baseChannels;

    // Register in forward order so parameter listings (and checkpoints) read top to bottom.
    l.timeFeatures = 2 * ((c.baseChannels + 1) / 2);
    l.time1 = register_module("time1", nn::Linear(l.timeFeatures, embeddingDim));
    l.time2 = register_module("time2", nn::Linear(embeddingDim, embeddingDim));
    if (c.conditioning == Conditioning::Class) {
        l.classEmbedding =
            register_module("class_embedding", nn::Embedding(c.classes + 1, embeddingDim));
    } else if (c.conditioning == Conditioning::Vector) {
        l.condition1 = register_module("condition1", nn::Linear(c.conditionDim, embeddingDim));
        l.condition2 = register_module("condition2", nn::Linear(embeddingDim, embeddingDim));
        // N(0, 1) like an embedding row; drawn from torch's default generator as all weights.
        l.nullCondition = register_parameter("null_condition", torch::randn({embeddingDim}));
    }

    l.input = register_module("input", conv3x3(c.inChannels, c.baseChannels));
    const auto attended = [&](int size) {
        for (int resolution : c.attentionResolutions) {
            if (resolution == size) return true;
        }
        return false;
    };
    const auto makeBlock = [&](const std::string& name, int in, int out, int size) {
        Layers::Block block;
        block.res = register_module(name + "_res", ResBlock(in, out, embeddingDim, c.dropout));
        if (attended(size)) {
            block.attention =
                register_module(name + "_attention", AttentionBlock(out, c.attentionHeads));
        }
        return block;
    };

    const int levels = static_cast<int>(c.channelMults.size());
    std::vector<int> skipChannels{c.baseChannels};
    int channels = c.baseChannels;
    int size = c.imageSize;
    for (int level = 0; level < levels; ++level) {
        const int width = c.baseChannels * c.channelMults[static_cast<std::size_t>(level)];
        for (int i = 0; i < c.resBlocksPerLevel; ++i) {
            const std::string name = "down" + std::to_string(l.down.size());
            l.down.push_back(makeBlock(name, channels, width, size));
            channels = width;
            skipChannels.push_back(channels);
        }
        if (level + 1 < levels) {
            l.downsample.push_back(register_module("downsample" + std::to_string(level),
                                                   conv3x3(channels, channels, 2)));
            skipChannels.push_back(channels);
            size /= 2;
        }
    }

    l.middle1 = register_module("middle1", ResBlock(channels, channels, embeddingDim, c.dropout));
    l.middleAttention =
        register_module("middle_attention", AttentionBlock(channels, c.attentionHeads));
    l.middle2 = register_module("middle2", ResBlock(channels, channels, embeddingDim, c.dropout));

    for (int level = levels - 1; level >= 0; --level) {
        const int width = c.baseChannels * c.channelMults[static_cast<std::size_t>(level)];
        for (int i = 0; i <= c.resBlocksPerLevel; ++i) {
            const int skip = skipChannels.back();
            skipChannels.pop_back();
            const std::string name = "up" + std::to_string(l.up.size());
            l.up.push_back(makeBlock(name, channels + skip, width, size));
            channels = width;
        }
        if (level > 0) {
            l.upsample.push_back(
                register_module("upsample" + std::to_string(level), Upsample(channels)));
            size *= 2;
        }
    }

    l.outNorm = register_module("out_norm", groupNorm(channels));
    l.out = register_module("out", conv3x3(channels, c.inChannels));
    // Zero output at initialisation: the first steps predict the mean target (common practice,
    // improved-diffusion's zero_module) instead of large random noise.
    torch::NoGradGuard noGrad;
    l.out->weight.zero_();
    l.out->bias.zero_();
}

torch::Tensor UNetImpl::forward(const torch::Tensor& x, const torch::Tensor& t,
                                const torch::Tensor& classes, const torch::Tensor& vectors,
                                const torch::Tensor& dropped) {
    const UNetConfig& c = m_config;
    Layers& l = *m_layers;
    if (x.dim() != 4 || x.size(1) != c.inChannels || x.size(2) != c.imageSize ||
        x.size(3) != c.imageSize) {
        throw ValueError("UNet input must be [B, " + std::to_string(c.inChannels) + ", " +
                         std::to_string(c.imageSize) + ", " + std::to_string(c.imageSize) +
                         "], not " + c10::str(x.sizes()));
    }
    const auto batch = x.size(0);
    torch::Tensor steps = t.dim() == 0 ? t.expand({batch}) : t;
    if (steps.dim() != 1 || steps.size(0) != batch) {
        throw ValueError("UNet steps must be [B] = [" + std::to_string(batch) + "], not " +
                         c10::str(t.sizes()));
    }
    if (classes.defined() && c.conditioning != Conditioning::Class) {
        throw ValueError("UNet: class labels given to a model without class conditioning");
    }
    if (vectors.defined() && c.conditioning != Conditioning::Vector) {
        throw ValueError("UNet: condition vectors given to a model without vector conditioning");
    }
    if (dropped.defined() && (dropped.dim() != 1 || dropped.size(0) != batch)) {
        throw ValueError("UNet: dropped must be [B] bool, not " + c10::str(dropped.sizes()));
    }
    const auto dropMask = dropped.defined() ? dropped.to(x.device(), torch::kBool) : dropped;

    auto embedding =
        l.time2(torch::silu(l.time1(timestepFeatures(steps.to(x.device()), l.timeFeatures))));
    // A missing condition means the unconditional (null) embedding for the whole batch.
    if (c.conditioning == Conditioning::Class) {
        torch::Tensor labels;
        const auto longOptions = torch::TensorOptions().dtype(torch::kInt64).device(x.device());
        if (classes.defined()) {
            if (classes.dim() != 1 || classes.size(0) != batch) {
                throw ValueError("UNet: class labels must be [B], not " +
                                 c10::str(classes.sizes()));
            }
            labels = classes.to(longOptions);
            if (labels.numel() > 0 && (labels.min().item<std::int64_t>() < 0 ||
                                       labels.max().item<std::int64_t>() >= c.classes)) {
                throw ValueError("UNet: class labels must be in [0, " + std::to_string(c.classes) +
                                 ")");
            }
            if (dropMask.defined()) {
                labels = torch::where(dropMask, torch::full_like(labels, c.classes), labels);
            }
        } else {
            labels = torch::full({batch}, c.classes, longOptions);
        }
        embedding = embedding + l.classEmbedding(labels);
    } else if (c.conditioning == Conditioning::Vector) {
        const auto nullRow = l.nullCondition.unsqueeze(0).expand({batch, -1});
        torch::Tensor condition = nullRow;
        if (vectors.defined()) {
            if (vectors.dim() != 2 || vectors.size(0) != batch ||
                vectors.size(1) != c.conditionDim) {
                throw ValueError("UNet: condition vectors must be [B, " +
                                 std::to_string(c.conditionDim) + "], not " +
                                 c10::str(vectors.sizes()));
            }
            const auto values = vectors.to(x.device(), l.condition1->weight.scalar_type());
            condition = l.condition2(torch::silu(l.condition1(values)));
            if (dropMask.defined()) {
                condition = torch::where(dropMask.unsqueeze(1), nullRow, condition);
            }
        }
        embedding = embedding + condition;
    }
    const auto activated = torch::silu(embedding);

    std::vector<torch::Tensor> skips;
    auto h = l.input(x);
    skips.push_back(h);
    const int levels = static_cast<int>(c.channelMults.size());
    std::size_t block = 0;
    for (int level = 0; level < levels; ++level) {
        for (int i = 0; i < c.resBlocksPerLevel; ++i, ++block) {
            h = l.down[block].res(h, activated);
            if (l.down[block].attention) h = l.down[block].attention(h);
            skips.push_back(h);
        }
        if (level + 1 < levels) {
            h = l.downsample[static_cast<std::size_t>(level)](h);
            skips.push_back(h);
        }
    }
    h = l.middle2(l.middleAttention(l.middle1(h, activated)), activated);
    block = 0;
    for (int level = levels - 1; level >= 0; --level) {
        for (int i = 0; i <= c.resBlocksPerLevel; ++i, ++block) {
            h = l.up[block].res(torch::cat({h, skips.back()}, 1), activated);
            skips.pop_back();
            if (l.up[block].attention) h = l.up[block].attention(h);
        }
        if (level > 0) h = l.upsample[static_cast<std::size_t>(levels - 1 - level)](h);
    }
    return l.out(torch::silu(l.outNorm(h)));
}

std::int64_t UNetImpl::parameterCount() const {
    std::int64_t count = 0;
    for (const auto& parameter : parameters()) {
        if (parameter.requires_grad()) count += parameter.numel();
    }
    return count;
}

}  // namespace cw::ml
