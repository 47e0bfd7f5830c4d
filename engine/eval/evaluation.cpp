#include "eval/evaluation.h"

#include <mutex>

#include "core/error.h"
#include "core/parallel.h"
#include "metrics/wasserstein.h"

namespace cw {
namespace {

void report(ProgressSink* progress, const char* stage, std::int64_t step, std::int64_t total) {
    if (progress) progress->report({stage, step, total, {}});
}

void checkInputs(const EvalImages& real, const EvalImages& generated) {
    if (real.count() < 2 || generated.count() < 2) {
        throw ValueError("Evaluation needs at least 2 images in each set; got " +
                         std::to_string(real.count()) + " real and " +
                         std::to_string(generated.count()) + " generated.");
    }
    if (real.channels != generated.channels || real.height != generated.height ||
        real.width != generated.width) {
        auto shape = [](const EvalImages& s) {
            return std::to_string(s.channels) + " × " + std::to_string(s.height) + " × " +
                   std::to_string(s.width);
        };
        throw ValueError("Real images of " + shape(real) + " and generated images of " +
                         shape(generated) + " differ in shape (channels × rows × columns).");
    }
}

/// Blobs on channel 0 of every image of both sets, in parallel; {real, generated}. With
/// `realCounts` given, only the generated images are counted.
std::pair<std::vector<double>, std::vector<double>> countAtoms(
    const EvalImages& real, const EvalImages& generated, const EvaluationOptions& options,
    const std::vector<double>* realCounts, ProgressSink* progress, std::stop_token stop) {
    const std::size_t first = realCounts ? real.count() : 0;
    const std::size_t total = real.count() + generated.count();
    std::vector<double> counts(total, 0.0);
    if (realCounts) std::copy(realCounts->begin(), realCounts->end(), counts.begin());
    std::mutex progressMutex;
    std::int64_t done = 0;
    parallelFor(total - first, options.threads, [&](std::size_t k) {
        if (stop.stop_requested()) return;
        const std::size_t i = first + k;
        const bool isReal = i < real.count();
        const EvalImages& set = isReal ? real : generated;
        const std::size_t index = isReal ? i : i - real.count();
        counts[i] = static_cast<double>(countBlobs(set.channelImage(index, 0), options.counting));
        if (progress) {
            const std::lock_guard lock(progressMutex);
            report(progress, "count", ++done, static_cast<std::int64_t>(total - first));
        }
    });
    const auto split = counts.begin() + static_cast<std::ptrdiff_t>(real.count());
    return {std::vector<double>(counts.begin(), split), std::vector<double>(split, counts.end())};
}

/// The usable cached measures for `real`, or throws: a cache of other images or of another
/// extractor would give silently wrong figures.
void checkReference(const ReferenceMeasures& reference, const EvalImages& real,
                    const EvaluationOptions& options, const FeatureExtractor* extractor) {
    const bool countsOk = !options.countAtoms || reference.atomCounts.size() == real.count();
    const bool featuresOk =
        !extractor || (static_cast<std::size_t>(reference.features.rows()) == real.count() &&
                       reference.extractor == extractor->name());
    if (reference.count != real.count() || !countsOk || !featuresOk)
        throw ValueError("The cached reference measures (" + std::to_string(reference.count) +
                         " images, extractor '" + reference.extractor + "') do not belong to these " +
                         std::to_string(real.count()) + " real images and options.");
}

/// Passes the extractor's "features" events on as one stage over both sets.
class OffsetProgress final : public ProgressSink {
public:
    OffsetProgress(ProgressSink* target, std::int64_t offset, std::int64_t total)
        : m_target(target), m_offset(offset), m_total(total) {}
    void report(const ProgressEvent& event) override {
        ProgressEvent e = event;
        e.step += m_offset;
        e.total = m_total;
        m_target->report(e);
    }

private:
    ProgressSink* m_target;
    std::int64_t m_offset, m_total;
};

}  // namespace

FrechetResult frechetResult(const Eigen::MatrixXd& real, const Eigen::MatrixXd& generated,
                            const std::string& extractor, const KidOptions& kid) {
    FrechetResult r;
    r.extractor = extractor;
    r.dimension = static_cast<int>(real.cols());
    r.realCount = static_cast<std::size_t>(real.rows());
    r.generatedCount = static_cast<std::size_t>(generated.rows());
    r.fid = frechetDistance(real, generated);
    r.kid = kernelDistance(real, generated, kid);
    return r;
}

ReferenceMeasures measureReference(const EvalImages& real, const EvaluationOptions& options,
                                   FeatureExtractor* extractor) {
    ReferenceMeasures m;
    m.count = real.count();
    if (options.countAtoms)
        m.atomCounts = countAtoms(real, EvalImages{}, options, nullptr, nullptr, {}).first;
    if (extractor) {
        m.features = extractor->extract(real);
        m.extractor = extractor->name();
    }
    return m;
}

EvaluationResult evaluateGenerated(const EvalImages& real, const EvalImages& generated,
                                   const EvaluationOptions& options, FeatureExtractor* extractor,
                                   ProgressSink* progress, std::stop_token stop) {
    checkInputs(real, generated);
    const ReferenceMeasures* cached = options.reference;
    if (cached) checkReference(*cached, real, options, extractor);
    EvaluationResult result;
    result.realCount = real.count();
    result.generatedCount = generated.count();
    auto stopped = [&] {
        result.cancelled = stop.stop_requested();
        return result.cancelled;
    };

    if (options.countAtoms) {
        auto [realCounts, generatedCounts] = countAtoms(
            real, generated, options, cached ? &cached->atomCounts : nullptr, progress, stop);
        if (stopped()) return result;
        result.realAtomCounts = std::move(realCounts);
        result.generatedAtomCounts = std::move(generatedCounts);
        result.ks = ks2Sample(result.realAtomCounts, result.generatedAtomCounts);
        result.wasserstein = wasserstein1(result.realAtomCounts, result.generatedAtomCounts);
    }

    Eigen::MatrixXd realFeatures, generatedFeatures;
    if (extractor) {
        const auto nReal = cached ? 0 : static_cast<std::int64_t>(real.count());
        const auto total = nReal + static_cast<std::int64_t>(generated.count());
        OffsetProgress realProgress(progress, 0, total), generatedProgress(progress, nReal, total);
        realFeatures = cached ? cached->features
                              : extractor->extract(real, progress ? &realProgress : nullptr, stop);
        if (stopped()) return result;
        generatedFeatures =
            extractor->extract(generated, progress ? &generatedProgress : nullptr, stop);
        if (stopped()) return result;
        result.frechet =
            frechetResult(realFeatures, generatedFeatures, extractor->name(), options.kid);
    }

    if (options.nearestNeighbours) {
        const std::int64_t steps = extractor ? 2 : 1;
        report(progress, "neighbours", 0, steps);
        result.pixelNeighbours = nearestByPixels(generated, real, options.threads);
        report(progress, "neighbours", 1, steps);
        if (stopped()) return result;
        if (extractor) {
            result.featureNeighbours = nearestRows(generatedFeatures.cast<float>(),
                                                   realFeatures.cast<float>(), options.threads);
            report(progress, "neighbours", 2, steps);
        }
    }
    return result;
}

}  // namespace cw
