#pragma once
/// @file The site-attention network of `cwb props train --model sites` (a PropsNet internal,
/// props_network.h). Includes torch: use only in ml .cpp files.

#include <torch/torch.h>

#include <vector>

namespace cw::ml {

/// A set network over the sites of a normalised CrysTens image (docs/spec/encodings.md), not a CNN:
/// - tokens: the rows 12 + s whose header is non-zero (a mask, so the padding and the
///   unused 12 × 12 corner are never read); per token the element (Z = round(98·v + 1),
///   v the normalised header value) as a learned embedding plus fixed element descriptors
///   (mass, Pauling electronegativity, covalent radius, period, group, f-block), and the
///   lattice and space-group header values. Absolute fractional coordinates are left out:
///   they change with the choice of origin, so positions enter only as differences;
/// - pair features of sites s, t: the fractional difference of channels 1–3 (antisymmetrised:
///   (D_st − D_ts)/2), its minimum image over the 27 neighbouring cells, the Cartesian distance
///   from the lattice parameters (metric tensor of a, b, c, α, β, γ) in a Gaussian basis
///   (32 centres 0…8 Å, σ 0.25 Å) with sin and cos of 2π·Δ, embedded once by a small MLP;
/// - `layers` pre-LayerNorm transformer blocks with `heads` heads whose attention logits get a
///   learned per-head bias from the pair embedding and whose messages add the attention-weighted
///   pair embeddings (edge-aware attention), padding keys masked;
/// - masked mean and sum pooling (sum/10: extensive targets such as the magnetisation per cell),
///   concatenated with global features: the normalised lattice, N/52, log N, log(V/N), log V,
///   the density Σ mass / V computed from the header, and a learned space-group embedding;
///   then dense → SiLU → dropout → linear, one output per target, plus a linear map of the
///   global scalars straight to the outputs.
/// Permutation-invariant over site rows (and columns) of the image; the items of a batch are
/// sorted by their last occupied row and run in groups of 4, each processing only the rows up to
/// its largest item's (the output is the same as one batch, in the input's order).
/// Input [B, 4, 64, 64] in [−1, 1]; output [B, outputs].
class SitesNetImpl : public torch::nn::Module {
public:
    /// hidden: token width (a multiple of heads); layers ≥ 1.
    SitesNetImpl(int hidden, int layers, int heads, int outputs, double dropout);
    torch::Tensor forward(const torch::Tensor& x);

private:
    /// u: [b, 4, 64, 64] in [0, 1]; header [b, 52, 11] and occupied [b, 52] read from it; only
    /// the first `sites` rows are processed.
    torch::Tensor forwardGroup(const torch::Tensor& u, torch::Tensor header,
                               const torch::Tensor& occupied, std::int64_t sites);
    struct Block {
        torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr};
        torch::nn::Linear qkv{nullptr}, pairBias{nullptr}, pairValue{nullptr}, out{nullptr};
        torch::nn::Sequential ffn{nullptr};
    };
    int m_hidden, m_heads;
    torch::Tensor m_elementDescriptors;  ///< [100, D] fixed, row 0 unused
    torch::nn::Embedding m_element{nullptr}, m_spaceGroup{nullptr};
    torch::nn::Linear m_descriptor{nullptr}, m_header{nullptr}, m_globalSkip{nullptr};
    torch::nn::Sequential m_pairMlp{nullptr}, m_head{nullptr};
    torch::nn::LayerNorm m_finalNorm{nullptr};
    std::vector<Block> m_blocks;
};
TORCH_MODULE(SitesNet);

}  // namespace cw::ml
