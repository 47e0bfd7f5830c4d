#pragma once
/// @file Reproducible mini-batches of an ImageSet, assembled by background worker threads.
/// The batch of training step s depends only on (seed, s): position j of it is draw p = s·B + j
/// of an endless stream cut into epochs of N draws; epoch e = ⌊p / N⌋ is a permutation of the N
/// items drawn from (seed, e), so every epoch shows every item once. Each item's augmentation
/// (one of the 8 symmetries of the square, when enabled and the set is augmentable) comes from
/// (seed, s, j). So a resumed run sees exactly the batches an uninterrupted one would, whatever
/// the worker count.
///
/// Random numbers: mix(a, b) = SplitMix64(a ⊕ SplitMix64(b)) (Steele, Lea & Flood 2014, as
/// structureSeed). Epoch e's permutation is a Fisher–Yates shuffle (Durstenfeld: i = N−1 … 1,
/// swap i with j uniform in 0…i by Lemire's multiply-and-reject) fed by the SplitMix64 stream
/// started at mix(seed ⊕ "permutat", e); the symmetry of (s, j) is the top 3 bits of
/// SplitMix64(mix(mix(seed ⊕ "augment", s), j)) (the tags are the ASCII bytes as a
/// little-endian 64-bit word).

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "dataset/image_set.h"

namespace cw {

/// One mini-batch: pixels [batch, C, H, W] row-major, and the per-item conditioning.
struct ImageBatch {
    std::int64_t step = 0;
    int batch = 0, channels = 0, height = 0, width = 0;
    std::vector<float> pixels;
    std::vector<std::int64_t> classLabels;  ///< [batch], empty without class conditioning
    std::vector<float> conditions;          ///< [batch × conditionDim], empty without
};

struct BatchLoaderOptions {
    int batchSize = 16;
    std::uint64_t seed = 0;
    bool augment = true;         ///< ignored (no augmentation) when the set is not augmentable
    int workers = 2;             ///< background threads; 0 = assemble on the caller's thread
    int prefetch = 4;            ///< batches ready or in work ahead of the consumer (≥ workers)
    std::int64_t firstStep = 0;  ///< the step of the first batch (resume)
};

/// Applies symmetry `op` ∈ 0…7 of the square to a C × n × n image in place: op & 3 = number of
/// 90° counter-clockwise rotations, op & 4 = a left–right flip first. Thread-safe.
void applySquareSymmetry(float* pixels, int channels, int n, int op);

class BatchLoader {
public:
    /// `images` must outlive the loader. Throws ConfigError for batchSize < 1, workers < 0 or
    /// firstStep < 0.
    BatchLoader(const ImageSet& images, BatchLoaderOptions options);
    ~BatchLoader();  ///< stops and joins the workers
    BatchLoader(const BatchLoader&) = delete;
    BatchLoader& operator=(const BatchLoader&) = delete;

    /// The batch of the next step (firstStep, firstStep + 1, …). Blocks until it is ready.
    /// Rethrows a worker's exception (e.g. a FormatError from a bad shard).
    ImageBatch next();

    /// The batch of any step, assembled on the caller's thread (what next() returns for it).
    ImageBatch batchAt(std::int64_t step) const;

private:
    void workerLoop();

    const ImageSet& m_images;
    BatchLoaderOptions m_options;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::int64_t m_nextToAssign = 0;
    std::int64_t m_nextToDeliver = 0;
    std::deque<ImageBatch> m_ready;  // sorted by step; only consecutive steps are delivered
    std::exception_ptr m_error;
    std::int64_t m_errorStep = -1;  // the step whose assembly failed (the lowest one)
    bool m_stopping = false;
    std::vector<std::thread> m_workers;

    // The permutations of the last few epochs (a batch needs at most two unless B > N).
    using Permutation = std::shared_ptr<const std::vector<std::uint32_t>>;
    Permutation permutation(std::int64_t epoch) const;
    mutable std::mutex m_permutationMutex;
    mutable std::deque<std::pair<std::int64_t, Permutation>> m_permutations;
};

}  // namespace cw
