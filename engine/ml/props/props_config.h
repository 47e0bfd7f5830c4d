#pragma once
/// @file Everything that defines a property-prediction run (issue 8), as plain data
/// (torch-free): which numeric columns of a CrysTens data set to predict, the model, the target
/// transform, the optimisation and the filters. The CLI builds it from defaults < `--config
/// run.json` < flags, the GUI from its panel; the run directory keeps the resolved config as
/// config.json (props_run.h).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cw::ml {

/// The network: the seed's Keras baseline (3×3 convolutions with ReLU and max pooling, dense
/// layers, a linear output per target), this project's residual CNN (coordinate channels,
/// residual blocks with GroupNorm and SiLU, global average pooling, a multi-task head), or a
/// user-supplied TorchScript feature extractor with a regression head, or a site-attention
/// network that reads the CrysTens image as a set of sites with pairwise features
/// (props_network.h, props_sites.h).
enum class PropsModelKind { Baseline, ResNet, Backbone, Sites };
const char* propsModelName(PropsModelKind kind);  ///< "baseline", "resnet", "backbone", "sites"
/// Reads "baseline", "resnet", "sites", "backbone" or "backbone:FILE" (the file is not read
/// here).
/// Throws ConfigError naming the choices.
PropsModelKind parsePropsModel(const std::string& name);

/// The training loss on the transformed targets (missing labels masked out in all three):
/// mse, the seed's; l1, the mean absolute error itself, which the reported MAE measures (a
/// zero-heavy target such as the band gap is then predicted at its median, 0 for a metal, rather
/// than pulled toward the mean); huber, squared below δ = 1 (transformed units) and absolute
/// beyond, robust to the tail of total magnetisation. Early stopping uses the same loss.
enum class PropsLoss { Mse, L1, Huber };
const char* propsLossName(PropsLoss loss);  ///< "mse", "l1", "huber"
/// Throws ConfigError naming the choices.
PropsLoss parsePropsLoss(const std::string& name);

/// The transform of the target values the network learns (one per run, applied to every
/// target): sqrt compresses long tails (it needs non-negative values), standardize gives each
/// target mean 0 and standard deviation 1 over the training split. Predictions are inverted to
/// the original units.
enum class TargetTransform { None, Sqrt, Standardize, SqrtStandardize };
/// "none", "sqrt", "standardize", "sqrt+standardize".
const char* targetTransformName(TargetTransform transform);
/// Reads the names above ("standardise" is accepted too). Throws ConfigError naming the choices.
TargetTransform parseTargetTransform(const std::string& name);

struct PropsConfig {
    // Data (docs/encoding-datasets.md).
    std::string dataDir;               ///< a finished CrysTens (or xtal2png) data set
    std::vector<std::string> targets;  ///< numeric columns of properties.csv, e.g. band_gap
    std::string trainSplit = "train", valSplit = "val", testSplit = "test";
    /// Keep only materials with energy above hull ≤ maxEAboveHull (eV/atom) where the table has
    /// an `e_above_hull` or `energy_above_hull` column, unless that column is itself a target
    /// (the seed's rule). Materials without the value are kept.
    bool stableOnly = true;
    double maxEAboveHull = 0.1;        ///< eV/atom
    int maxSites = 0;                  ///< keep materials with at most this many sites; 0 = all
    std::size_t maxItems = 0;          ///< per split, the first ones in table order; 0 = all

    // Model.
    PropsModelKind model = PropsModelKind::ResNet;
    /// backbone: the TorchScript file (a module taking float N×C×H×W and returning features
    /// N×F, N×F×1×1 or a tuple/list whose last element is such a tensor). Training copies it
    /// into RUN/backbone.pt, which prediction and resume use; this path is kept as a record.
    std::string backboneFile;
    /// backbone: true = only the adapter and the regression head train (the module runs in
    /// eval mode); false = the module's parameters are fine-tuned too.
    bool freezeBackbone = true;
    /// resnet: channels of the first stage (×2, ×4 later); sites: the token width (a multiple
    /// of its 4 attention heads)
    int width = 32;
    int blocksPerStage = 2;            ///< resnet: residual blocks in each of the 3 stages; sites: layers
    double dropout = 0.1;              ///< before the head's last layer
    TargetTransform transform = TargetTransform::Standardize;
    PropsLoss loss = PropsLoss::Mse;

    /// A diffusion run directory: train a noise-aware regressor for classifier guidance on
    /// inputs x_t = √ᾱ_t x₀ + √(1−ᾱ_t) ε diffused with that run's schedule, the step t an input
    /// (docs/props.md, "Guidance model"). The data set must match the run's kind, channels and
    /// image size; an empty dataDir takes the run's. "" = an ordinary (clean-input) model.
    std::string noisyFor;

    // Optimisation: AdamW, linear warm-up over the first epoch, then a cosine decay to
    // minLrRatio × lr at the last planned epoch; early stopping when the validation loss has
    // not improved for `patience` epochs (0 = never stop early).
    int epochs = 100;
    int patience = 15;
    int batchSize = 32;
    double learningRate = 1e-3;
    double weightDecay = 1e-4;
    double minLrRatio = 0.01;
    double gradClip = 1.0;             ///< max global L2 norm; 0 = off
    /// Exponential moving average of the weights, updated after every step with decay
    /// min(emaDecay, (1 + step)/(10 + step)); when on, validation, best.pt and every prediction
    /// use the averaged weights (latest.pt keeps both, for resume). 0 = off.
    double emaDecay = 0;

    // Run.
    std::string device = "auto";       ///< "auto" | "cpu" | "cuda" | "cuda:N"
    int threads = 0;                   ///< LibTorch CPU threads; 0 = all cores
    std::uint64_t seed = 0;

    /// Throws ConfigError naming the field (no targets, a repeated target, epochs < 1, lr ≤ 0,
    /// an unknown split name, a backbone model without a file, a sites model with noisyFor or a
    /// width that is not a multiple of 4, …).
    void validate() const;
};

/// Sets config.model from a --model value; "backbone:FILE" also sets config.backboneFile.
/// Throws ConfigError as parsePropsModel.
void setPropsModel(PropsConfig& config, const std::string& spec);

/// JSON text (stable key order, 2-space indent).
std::string propsConfigToJson(const PropsConfig& config);
/// Applies a JSON object over `base` (missing keys keep base's values); unknown keys and wrong
/// types are ConfigErrors naming the key and `source`.
PropsConfig propsConfigFromJson(const std::string& jsonText, const PropsConfig& base = {},
                                const std::string& source = "props config");

}  // namespace cw::ml
