#pragma once
/// @file The evaluation of a training run's sample grids against its training images, one
/// RUN/eval.csv row per grid (docs/diffusion.md, "Evaluation during training"). Torch-free: the
/// trainer passes the grid as an ImageStack in [0, 1].

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "dataset/image_set.h"
#include "eval/evaluation.h"
#include "ml/diffusion/eval_log.h"
#include "ml/diffusion/sample_images.h"

namespace cw::ml {

/// Compares sample grids with a fixed reference: the first kReferenceImages items of `images`,
/// read, counted and put through the extractor on the first evaluate(). Atom counts (with the data set's blob σ), the KS test and the
/// Wasserstein-1 distance of the counts only for ECD slices, where blobs are atoms; FID and KID
/// (10 subsets of the grid's size) on the spectral features, which need no download. Not
/// thread-safe; `images` must outlive the evaluator.
class SampleGridEvaluator {
public:
    static constexpr std::size_t kReferenceImages = 256;

    /// `dataDir`: the data set of `images` (its dataset.json gives the slices' σ and window);
    /// `threads`: for counting and features, 0 = all cores.
    SampleGridEvaluator(const ImageSet& images, const std::string& dataDir, int threads);
    ~SampleGridEvaluator();

    /// The row of the grid `samples` (at least 2 images of the data set's shape) at `step`.
    /// Throws FormatError (unreadable data set shard), ValueError (shapes, fewer than 2 images).
    EvalLogRow evaluate(std::int64_t step, const ImageStack& samples);

private:
    const ImageSet& m_images;
    EvaluationOptions m_options;
    EvalImages m_reference;
    std::optional<ReferenceMeasures> m_measures;  ///< of m_reference, measured once
    std::unique_ptr<FeatureExtractor> m_extractor;
};


}  // namespace cw::ml
