#include "dataset/batch_loader.h"

#include <algorithm>
#include <cstring>

#include "core/error.h"
#include "dataset/store.h"

namespace cw {
namespace {

std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
    return splitMix64(a ^ splitMix64(b));
}

// Up to 8 ASCII bytes as a little-endian word: domain tags, so that the permutation and the
// augmentation streams of one seed are unrelated.
constexpr std::uint64_t tag(const char* text) {
    std::uint64_t v = 0;
    for (int i = 0; i < 8 && text[i]; ++i)
        v |= static_cast<std::uint64_t>(static_cast<unsigned char>(text[i])) << (8 * i);
    return v;
}
constexpr std::uint64_t kPermutationTag = tag("permutat");
constexpr std::uint64_t kAugmentTag = tag("augment");

/// The SplitMix64 generator (Steele, Lea & Flood 2014): state advances by the golden gamma.
class SplitMix64 {
public:
    explicit SplitMix64(std::uint64_t state) : m_state(state) {}
    std::uint64_t next() {
        std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    /// Uniform in 0 … bound − 1 without bias (Lemire 2019, "Fast random integer generation in
    /// an interval", ACM TOMACS 29(1)).
    std::uint64_t below(std::uint64_t bound) {
        unsigned __int128 m = static_cast<unsigned __int128>(next()) * bound;
        auto low = static_cast<std::uint64_t>(m);
        if (low < bound) {
            const std::uint64_t threshold = (0 - bound) % bound;
            while (low < threshold) {
                m = static_cast<unsigned __int128>(next()) * bound;
                low = static_cast<std::uint64_t>(m);
            }
        }
        return static_cast<std::uint64_t>(m >> 64);
    }

private:
    std::uint64_t m_state;
};

constexpr std::size_t kCachedEpochs = 4;

}  // namespace

void applySquareSymmetry(float* pixels, int channels, int n, int op) {
    op &= 7;
    if (op == 0 || n <= 1) return;
    const int turns = op & 3;
    const bool flip = (op & 4) != 0;
    const std::size_t plane = static_cast<std::size_t>(n) * n;
    thread_local std::vector<float> source;
    source.resize(plane);
    for (int c = 0; c < channels; ++c) {
        float* image = pixels + c * plane;
        std::memcpy(source.data(), image, plane * sizeof(float));
        for (int y = 0; y < n; ++y)
            for (int x = 0; x < n; ++x) {
                // out = R^turns(F(in)) with R(img)[y][x] = img[x][n−1−y] (a counter-clockwise
                // quarter turn, row 0 at the top) and F(img)[y][x] = img[y][n−1−x].
                int a = y, b = x;
                for (int t = 0; t < turns; ++t) {
                    const int na = b;
                    b = n - 1 - a;
                    a = na;
                }
                if (flip) b = n - 1 - b;
                image[static_cast<std::size_t>(y) * n + x] =
                    source[static_cast<std::size_t>(a) * n + b];
            }
    }
}

BatchLoader::BatchLoader(const ImageSet& images, BatchLoaderOptions options)
    : m_images(images), m_options(options) {
    if (m_options.batchSize < 1)
        throw ConfigError("batch size must be at least 1, not " +
                          std::to_string(m_options.batchSize));
    if (m_options.workers < 0)
        throw ConfigError("loader workers must be 0 or more, not " +
                          std::to_string(m_options.workers));
    if (m_options.firstStep < 0)
        throw ConfigError("the first step must be 0 or more, not " +
                          std::to_string(m_options.firstStep));
    if (m_images.size() == 0) throw ConfigError("the data set has no items to load");
    m_nextToAssign = m_nextToDeliver = m_options.firstStep;
    for (int i = 0; i < m_options.workers; ++i) m_workers.emplace_back([this] { workerLoop(); });
}

BatchLoader::~BatchLoader() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_changed.notify_all();
    for (std::thread& worker : m_workers) worker.join();
}

void BatchLoader::workerLoop() {
    // Every worker may be busy, however small the prefetch.
    const std::int64_t window = std::max({m_options.prefetch, m_options.workers, 1});
    for (;;) {
        std::int64_t step = 0;
        {
            std::unique_lock lock(m_mutex);
            m_changed.wait(lock, [&] {
                return m_stopping || (m_errorStep < 0 && m_nextToAssign < m_nextToDeliver + window);
            });
            if (m_stopping) return;
            step = m_nextToAssign++;
        }
        try {
            ImageBatch batch = batchAt(step);
            std::lock_guard lock(m_mutex);
            const auto at = std::find_if(m_ready.begin(), m_ready.end(),
                                         [&](const ImageBatch& b) { return b.step > step; });
            m_ready.insert(at, std::move(batch));
        } catch (...) {
            std::lock_guard lock(m_mutex);
            // Steps are assigned in order, so every step before a failed one is assembled or
            // fails too: next() delivers those first and throws at the lowest failed step.
            if (m_errorStep < 0 || step < m_errorStep) {
                m_error = std::current_exception();
                m_errorStep = step;
            }
        }
        m_changed.notify_all();
    }
}

ImageBatch BatchLoader::next() {
    if (m_workers.empty()) {
        ImageBatch batch = batchAt(m_nextToDeliver);
        ++m_nextToDeliver;
        return batch;
    }
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [&] {
        return (!m_ready.empty() && m_ready.front().step == m_nextToDeliver) ||
               m_errorStep == m_nextToDeliver;
    });
    if (m_ready.empty() || m_ready.front().step != m_nextToDeliver) std::rethrow_exception(m_error);
    ImageBatch batch = std::move(m_ready.front());
    m_ready.pop_front();
    ++m_nextToDeliver;
    lock.unlock();
    m_changed.notify_all();
    return batch;
}

BatchLoader::Permutation BatchLoader::permutation(std::int64_t epoch) const {
    std::lock_guard lock(m_permutationMutex);
    for (const auto& [e, p] : m_permutations)
        if (e == epoch) return p;
    const std::size_t n = m_images.size();
    auto order = std::make_shared<std::vector<std::uint32_t>>(n);
    for (std::size_t i = 0; i < n; ++i) (*order)[i] = static_cast<std::uint32_t>(i);
    SplitMix64 rng(mix(m_options.seed ^ kPermutationTag, static_cast<std::uint64_t>(epoch)));
    for (std::size_t i = n - 1; i > 0; --i) std::swap((*order)[i], (*order)[rng.below(i + 1)]);
    m_permutations.emplace_back(epoch, order);
    if (m_permutations.size() > kCachedEpochs) m_permutations.pop_front();
    return order;
}

ImageBatch BatchLoader::batchAt(std::int64_t step) const {
    const std::int64_t items = static_cast<std::int64_t>(m_images.size());
    const int b = m_options.batchSize;
    const int c = m_images.channels();
    const int side = m_images.imageSize();
    const std::size_t itemFloats = static_cast<std::size_t>(c) * side * side;
    const int dim = m_images.conditionDim();
    const bool classes = m_images.classes() > 0;
    const bool augment = m_options.augment && m_images.augmentable();

    ImageBatch batch;
    batch.step = step;
    batch.batch = b;
    batch.channels = c;
    batch.height = batch.width = side;
    batch.pixels.resize(itemFloats * static_cast<std::size_t>(b));
    if (classes) batch.classLabels.resize(static_cast<std::size_t>(b));
    batch.conditions.reserve(static_cast<std::size_t>(b) * static_cast<std::size_t>(dim));

    Permutation order;
    std::int64_t orderEpoch = -1;
    for (int j = 0; j < b; ++j) {
        const std::int64_t draw = step * b + j;
        const std::int64_t epoch = draw / items;
        if (epoch != orderEpoch) {
            order = permutation(epoch);
            orderEpoch = epoch;
        }
        const std::size_t item = (*order)[static_cast<std::size_t>(draw % items)];
        float* pixels = batch.pixels.data() + itemFloats * static_cast<std::size_t>(j);
        m_images.readItem(item, pixels);
        if (augment) {
            const std::uint64_t r =
                splitMix64(mix(mix(m_options.seed ^ kAugmentTag, static_cast<std::uint64_t>(step)),
                               static_cast<std::uint64_t>(j)));
            applySquareSymmetry(pixels, c, side, static_cast<int>(r >> 61));
        }
        if (classes) batch.classLabels[static_cast<std::size_t>(j)] = m_images.classLabel(item);
        if (dim > 0) {
            const std::vector<float> v = m_images.conditionVector(item);
            batch.conditions.insert(batch.conditions.end(), v.begin(), v.end());
        }
    }
    return batch;
}

}  // namespace cw
