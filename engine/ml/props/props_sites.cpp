// The site-attention property network of --model sites (props_sites.h).
#include "ml/props/props_sites.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <utility>

#include "core/error.h"
#include "crystal/elements.h"
#include "encoding/crystens.h"

namespace cw::ml {
namespace {

namespace nn = torch::nn;
using torch::indexing::None;
using torch::indexing::Slice;

constexpr int kFirstSite = 12;                      // site s owns row and column 12 + s
constexpr int kSlots = kCrysTensSide - kFirstSite;  // 52
constexpr int kHeaderFields = 11;                   // Z, x, y, z, a, b, c, α, β, γ, space group
constexpr int kMaxZ = 99;                           // the normalisation's range of Z
constexpr int kDescriptors = 7;
constexpr int kPairWidth = 32;
constexpr int kRbfCentres = 32;
constexpr double kRbfMaxA = 8.0, kRbfSigmaA = 0.25;
constexpr int kSpaceGroupWidth = 16;
constexpr int kGlobalScalars = 12;
// Header values of an occupied row: α, β and γ alone are ≥ 0.01 after normalisation for any cell
// (angles ≥ 60°), while padding is exactly 0; 1e-3 also holds for 8-bit storage.
constexpr double kOccupied = 1e-3;
constexpr double kSumScale = 0.1;
constexpr double kMasked = -1e9;
constexpr std::int64_t kGroup = 4;  // items per size-sorted group

int periodOf(int z) {
    int period = 1;
    for (int last : {2, 10, 18, 36, 54, 86})
        if (z > last) ++period;
    return period;
}

// IUPAC group 1…18; lanthanides and actinides (La–Lu, Ac–Lr) are group 3 and f-block.
std::pair<int, bool> groupOf(int z) {
    if (z == 1) return {1, false};
    if (z == 2) return {18, false};
    if (z <= 18) {
        const int i = z - (z <= 10 ? 3 : 11);
        return {i < 2 ? i + 1 : i + 11, false};
    }
    if (z <= 54) return {z - (z <= 36 ? 19 : 37) + 1, false};
    const int i = z - (z <= 86 ? 55 : 87);
    if (i < 2) return {i + 1, false};
    if (i <= 16) return {3, true};
    return {i - 13, false};
}

// Fixed per-element descriptors, rows Z = 1…99 (row 0, padding, is zero): mass/100 u,
// electronegativity/4 (0 where undefined) and a flag for it, covalent radius/2 Å, period/7,
// group/18, f-block. They let rare elements share what common ones teach.
torch::Tensor elementDescriptors() {
    torch::Tensor t = torch::zeros({kMaxZ + 1, kDescriptors}, torch::kFloat32);
    auto a = t.accessor<float, 2>();
    for (int z = 1; z <= kMaxZ; ++z) {
        const ElementInfo& e = element(z);
        const bool hasEn = !std::isnan(e.electronegativity);
        const auto [group, fBlock] = groupOf(z);
        a[z][0] = static_cast<float>(e.massU / 100.0);
        a[z][1] = hasEn ? static_cast<float>(e.electronegativity / 4.0) : 0.0f;
        a[z][2] = hasEn ? 1.0f : 0.0f;
        a[z][3] = static_cast<float>(e.covalentRadiusA / 2.0);
        a[z][4] = static_cast<float>(periodOf(z) / 7.0);
        a[z][5] = static_cast<float>(group / 18.0);
        a[z][6] = fBlock ? 1.0f : 0.0f;
    }
    return t;
}

class SiLUImpl : public nn::Module {
public:
    torch::Tensor forward(torch::Tensor x) { return torch::silu(x); }
};
TORCH_MODULE(SiLU);

}  // namespace

SitesNetImpl::SitesNetImpl(int hidden, int layers, int heads, int outputs, double dropout)
    : m_hidden(hidden), m_heads(heads) {
    if (heads < 1 || hidden % heads != 0 || layers < 1 || outputs < 1)
        throw ConfigError("sites model: the width (" + std::to_string(hidden) +
                          ") must be a multiple of " + std::to_string(heads) +
                          " heads, with at least one layer and one target");
    m_elementDescriptors = register_buffer("element_descriptors", elementDescriptors());
    m_element = register_module("element", nn::Embedding(kMaxZ + 1, hidden));
    m_descriptor = register_module("descriptor", nn::Linear(kDescriptors, hidden));
    // Z and the lattice and space-group fields as read (normalised), not the coordinates.
    m_header = register_module("header", nn::Linear(1 + 7, hidden));
    m_pairMlp = register_module("pair", nn::Sequential(nn::Linear(kRbfCentres + 6, kPairWidth),
                                                       SiLU(), nn::Linear(kPairWidth, kPairWidth)));
    for (int l = 0; l < layers; ++l) {
        Block b;
        const std::string p = "block" + std::to_string(l) + "_";
        b.norm1 = register_module(p + "norm1", nn::LayerNorm(nn::LayerNormOptions({hidden})));
        b.qkv = register_module(p + "qkv", nn::Linear(hidden, 3 * hidden));
        b.pairBias = register_module(p + "pair_bias", nn::Linear(kPairWidth, heads));
        b.pairValue = register_module(p + "pair_value", nn::Linear(heads * kPairWidth, hidden));
        b.out = register_module(p + "out", nn::Linear(hidden, hidden));
        b.norm2 = register_module(p + "norm2", nn::LayerNorm(nn::LayerNormOptions({hidden})));
        b.ffn = register_module(p + "ffn", nn::Sequential(nn::Linear(hidden, 2 * hidden), SiLU(),
                                                          nn::Linear(2 * hidden, hidden)));
        m_blocks.push_back(b);
    }
    m_finalNorm = register_module("final_norm", nn::LayerNorm(nn::LayerNormOptions({hidden})));
    m_spaceGroup = register_module("space_group", nn::Embedding(231, kSpaceGroupWidth));
    const int pooled = 2 * hidden + kGlobalScalars + kSpaceGroupWidth;
    m_head =
        register_module("head", nn::Sequential(nn::Linear(pooled, hidden), SiLU(),
                                               nn::Dropout(dropout), nn::Linear(hidden, outputs)));
    // A linear path from the header's global features straight to the outputs: density, for one,
    // is close to linear in the computed Σ m / V.
    m_globalSkip = register_module("global_skip", nn::Linear(kGlobalScalars, outputs));
}

torch::Tensor SitesNetImpl::forward(const torch::Tensor& x) {
    if (x.dim() != 4 || x.size(1) != kCrysTensChannels || x.size(2) != kCrysTensSide ||
        x.size(3) != kCrysTensSide)
        throw ValueError("sites model: expected CrysTens images [B, 4, 64, 64], got " +
                         std::to_string(x.dim()) + "-d input");
    const std::int64_t batch = x.size(0);
    const torch::Tensor u = (x + 1.0) * 0.5;  // the stored [0, 1] values

    // Header: the mean of the 8 copies (row and column mirror × 4 channels).
    const torch::Tensor rows =
        u.index({Slice(), Slice(), Slice(kFirstSite, None), Slice(0, kHeaderFields)});
    const torch::Tensor cols =
        u.index({Slice(), Slice(), Slice(0, kHeaderFields), Slice(kFirstSite, None)})
            .transpose(2, 3);
    torch::Tensor header = (rows + cols).mean(1) * 0.5;  // [B, 52, 11]
    const torch::Tensor occupied = header.abs().amax(2) > kOccupied;

    // Rows each item needs: up to its last occupied one. Pair work grows with the square of the
    // rows a group processes, and MP's site counts are spread out (median 16, max 51), so the
    // items are sorted by size and run in groups of kGroup, each cropped to its own largest.
    const torch::Tensor slotIndex =
        torch::arange(1, kSlots + 1, torch::TensorOptions().dtype(torch::kInt64));
    const torch::Tensor needed =
        (occupied.to(torch::kCPU).to(torch::kInt64) * slotIndex).amax(1).clamp_min(1);  // [B]
    if (batch <= kGroup)
        return forwardGroup(u, header, occupied, needed.max().item<std::int64_t>());
    const torch::Tensor order =
        std::get<1>(needed.sort(c10::optional<bool>(true), 0, /*descending=*/false));
    std::vector<torch::Tensor> outputs;
    for (std::int64_t first = 0; first < batch; first += kGroup) {
        const torch::Tensor group = order.slice(0, first, std::min(batch, first + kGroup));
        const std::int64_t sites = needed.index_select(0, group).max().item<std::int64_t>();
        const torch::Tensor onDevice = group.to(x.device());
        outputs.push_back(forwardGroup(u.index_select(0, onDevice),
                                       header.index_select(0, onDevice),
                                       occupied.index_select(0, onDevice), sites));
    }
    const torch::Tensor inverse = torch::argsort(order).to(x.device());
    return torch::cat(outputs, 0).index_select(0, inverse);
}

torch::Tensor SitesNetImpl::forwardGroup(const torch::Tensor& u, torch::Tensor header,
                                         const torch::Tensor& occupied, std::int64_t sites) {
    const auto options = u.options();
    const std::int64_t batch = u.size(0);
    header = header.slice(1, 0, sites);
    const torch::Tensor mask = occupied.slice(1, 0, sites).to(options.dtype());  // [B, S]
    const torch::Tensor count = mask.sum(1, true);
    const torch::Tensor safeCount = count.clamp_min(1.0);

    // Undo the min–max normalisation (docs/spec/encodings.md).
    std::array<float, kHeaderFields> lo{}, span{};
    for (int f = 0; f < kHeaderFields; ++f) {
        lo[f] = static_cast<float>(kCrysTensHeaderRanges[f].min);
        span[f] = static_cast<float>(kCrysTensHeaderRanges[f].max - kCrysTensHeaderRanges[f].min);
    }
    const torch::Tensor raw =
        header * torch::tensor(std::vector<float>(span.begin(), span.end()), options) +
        torch::tensor(std::vector<float>(lo.begin(), lo.end()), options);
    const torch::Tensor z =
        (torch::round(raw.select(2, 0)).clamp(1, kMaxZ) * mask).to(torch::kInt64);  // 0 = padding
    // Cell and space group: the mean over occupied sites (every site holds the same values).
    const torch::Tensor cellRaw =
        (raw.slice(2, 4, kHeaderFields) * mask.unsqueeze(2)).sum(1) / safeCount;
    const torch::Tensor cellNorm =
        (header.slice(2, 4, kHeaderFields) * mask.unsqueeze(2)).sum(1) / safeCount;
    const torch::Tensor a = cellRaw.select(1, 0), b = cellRaw.select(1, 1),
                        c = cellRaw.select(1, 2);
    const torch::Tensor angles = cellRaw.slice(1, 3, 6) * (M_PI / 180.0);
    const torch::Tensor ca = torch::cos(angles.select(1, 0)), cb = torch::cos(angles.select(1, 1)),
                        cg = torch::cos(angles.select(1, 2));
    // Metric tensor G (d² = Δᵀ G Δ for fractional Δ), entries [B, 1, 1, 1] for broadcasting.
    auto entry = [&](const torch::Tensor& t) { return t.view({batch, 1, 1, 1}); };
    const torch::Tensor g00 = entry(a * a), g11 = entry(b * b), g22 = entry(c * c);
    const torch::Tensor g01 = entry(2 * a * b * cg), g02 = entry(2 * a * c * cb),
                        g12 = entry(2 * b * c * ca);
    const torch::Tensor volume =
        (a * b * c *
         torch::sqrt((1 - ca * ca - cb * cb - cg * cg + 2 * ca * cb * cg).clamp_min(1e-6)))
            .clamp_min(1e-3);

    // Pairs: fractional differences, antisymmetrised, then the nearest of the 27 images.
    const double dirLo = kCrysTensDirRange.min,
                 dirSpan = kCrysTensDirRange.max - kCrysTensDirRange.min;
    const torch::Tensor block =
        u.index({Slice(), Slice(1, 4), Slice(kFirstSite, kFirstSite + sites),
                 Slice(kFirstSite, kFirstSite + sites)})
                .permute({0, 2, 3, 1}) *
            dirSpan +
        dirLo;  // [B, S, S, 3]
    const torch::Tensor delta = (block - block.transpose(1, 2)) * 0.5;
    const torch::Tensor wrapped = delta - torch::round(delta);
    std::vector<float> shifts;
    for (int i = -1; i <= 1; ++i)
        for (int j = -1; j <= 1; ++j)
            for (int k = -1; k <= 1; ++k)
                shifts.insert(shifts.end(), {float(i), float(j), float(k)});
    const torch::Tensor images =
        wrapped.unsqueeze(3) + torch::tensor(shifts, options).view({1, 1, 1, 27, 3});
    const torch::Tensor dx = images.select(4, 0), dy = images.select(4, 1),
                        dz = images.select(4, 2);  // [B,S,S,27]
    const torch::Tensor squared = g00 * dx * dx + g11 * dy * dy + g22 * dz * dz + g01 * dx * dy +
                                  g02 * dx * dz + g12 * dy * dz;
    const torch::Tensor distance = squared.amin(-1).clamp_min(0).sqrt();  // Å, [B, S, S]
    const torch::Tensor centres = torch::linspace(0, kRbfMaxA, kRbfCentres, options);
    const torch::Tensor rbf =
        torch::exp(-(distance.unsqueeze(-1) - centres).pow(2) / (2 * kRbfSigmaA * kRbfSigmaA));
    const torch::Tensor phase = delta * (2 * M_PI);
    const torch::Tensor pair =
        m_pairMlp->forward(torch::cat({rbf, torch::sin(phase), torch::cos(phase)}, -1));

    // Tokens.
    const torch::Tensor descriptors =
        m_elementDescriptors.index_select(0, z.flatten()).view({batch, sites, kDescriptors});
    torch::Tensor h = m_element->forward(z) + m_descriptor->forward(descriptors) +
                      m_header->forward(torch::cat(
                          {header.slice(2, 0, 1), header.slice(2, 4, kHeaderFields)}, 2));

    const std::int64_t dh = m_hidden / m_heads;
    const torch::Tensor keyMask = ((1 - mask) * kMasked).view({batch, 1, 1, sites});
    for (Block& blk : m_blocks) {
        const torch::Tensor qkv = blk.qkv->forward(blk.norm1->forward(h))
                                      .view({batch, sites, 3, m_heads, dh})
                                      .permute({2, 0, 3, 1, 4});
        const torch::Tensor logits =
            qkv[0].matmul(qkv[1].transpose(-2, -1)) / std::sqrt(static_cast<double>(dh)) +
            blk.pairBias->forward(pair).permute({0, 3, 1, 2}) + keyMask;
        const torch::Tensor weights = torch::softmax(logits, -1);  // [B, H, S, S]
        const torch::Tensor values =
            weights.matmul(qkv[2]).permute({0, 2, 1, 3}).reshape({batch, sites, m_hidden});
        const torch::Tensor edges = torch::einsum("bhst,bste->bshe", {weights, pair})
                                        .reshape({batch, sites, m_heads * kPairWidth});
        h = h + blk.out->forward(values) + blk.pairValue->forward(edges);
        h = h + blk.ffn->forward(blk.norm2->forward(h));
    }
    h = m_finalNorm->forward(h) * mask.unsqueeze(2);

    // Global features from the header: cell, site count, volume and the density it implies.
    const torch::Tensor mass =
        (m_elementDescriptors.select(1, 0).index_select(0, z.flatten()).view({batch, sites}) *
         100.0 * mask)
            .sum(1, true);
    const torch::Tensor v = volume.unsqueeze(1);
    const torch::Tensor density = 1.66053907 * mass / v;  // g/cm³ from u/Å³
    const torch::Tensor globals =
        torch::cat({cellNorm.slice(1, 0, 7), count / kSlots, torch::log(safeCount) / 4.0,
                    torch::log(v / safeCount) - 3.0, (torch::log(v) - 5.0) / 2.0, density / 5.0},
                   1);
    const torch::Tensor spaceGroup =
        torch::round(cellRaw.select(1, 6)).clamp(0, 230).to(torch::kInt64);
    const torch::Tensor pooled = torch::cat(
        {h.sum(1) / safeCount, h.sum(1) * kSumScale, globals, m_spaceGroup->forward(spaceGroup)},
        1);
    return m_head->forward(pooled) + m_globalSkip->forward(globals);
}

}  // namespace cw::ml
