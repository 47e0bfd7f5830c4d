#include "eval/nearest_neighbours.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/parallel.h"

namespace cw {
namespace {

// Candidates re-measured in double per query: those of the kCandidates closest (by the float
// expansion) whose squared distance lies within kSlack·(|q|² + |r|²) of the closest. Float
// rounding of a d-term dot product stays well below that, so only near-duplicates need the
// second look, and among more than kCandidates of them any choice is right to rounding.
constexpr int kCandidates = 8;
constexpr float kSlack = 1e-3f;
// Floats of one chunk's distance block (chunk × references): 8 MB per thread.
constexpr Eigen::Index kBlockFloats = Eigen::Index(2) << 20;

double exactDistance(const Eigen::VectorXd& q, const Eigen::MatrixXf& b, Eigen::Index j) {
    double sum = 0;
    for (Eigen::Index k = 0; k < q.size(); ++k) {
        const double d = q[k] - static_cast<double>(b(j, k));
        sum += d * d;
    }
    return std::sqrt(sum);
}

}  // namespace

std::vector<NearestNeighbour> nearestRows(const Eigen::MatrixXf& queries,
                                          const Eigen::MatrixXf& references, int threads) {
    if (queries.cols() != references.cols()) {
        throw ValueError("Nearest neighbours: queries have " + std::to_string(queries.cols()) +
                         " columns but references " + std::to_string(references.cols()) + ".");
    }
    if (references.rows() == 0) throw ValueError("Nearest neighbours: no reference rows.");
    const Eigen::Index nq = queries.rows(), nr = references.rows();
    std::vector<NearestNeighbour> result(static_cast<std::size_t>(nq));
    if (nq == 0) return result;

    const Eigen::VectorXf refNorms = references.rowwise().squaredNorm();
    const Eigen::Index chunk = std::clamp<Eigen::Index>(kBlockFloats / nr, 1, 256);
    const auto chunks = static_cast<std::size_t>((nq + chunk - 1) / chunk);
    parallelFor(chunks, threads, [&](std::size_t c) {
        const Eigen::Index begin = static_cast<Eigen::Index>(c) * chunk;
        const Eigen::Index n = std::min(chunk, nq - begin);
        // references × queriesᵀ: each query's dot products are one contiguous column.
        const Eigen::MatrixXf dots = references * queries.middleRows(begin, n).transpose();
        for (Eigen::Index i = 0; i < n; ++i) {
            const float qNorm = queries.row(begin + i).squaredNorm();
            // The kCandidates smallest approximate squared distances, ascending.
            std::array<std::pair<float, Eigen::Index>, kCandidates> best;
            best.fill({std::numeric_limits<float>::infinity(), -1});
            for (Eigen::Index j = 0; j < nr; ++j) {
                const float d2 = qNorm + refNorms[j] - 2.0f * dots(j, i);
                if (!(d2 < best.back().first)) continue;
                int at = kCandidates - 1;
                while (at > 0 && d2 < best[at - 1].first) {
                    best[at] = best[at - 1];
                    --at;
                }
                best[at] = {d2, j};
            }
            NearestNeighbour nearest{0, std::numeric_limits<double>::infinity()};
            const Eigen::VectorXd q = queries.row(begin + i).transpose().cast<double>();
            for (const auto& [approx, j] : best) {
                if (j < 0) continue;
                if (best[0].second >= 0 &&
                    approx > best[0].first + kSlack * (qNorm + refNorms[best[0].second]))
                    break;
                const double d = exactDistance(q, references, j);
                const auto index = static_cast<std::size_t>(j);
                if (d < nearest.distance || (d == nearest.distance && index < nearest.index))
                    nearest = {index, d};
            }
            // Non-finite pixels leave no finite candidate: report the first reference as NaN.
            if (!std::isfinite(nearest.distance))
                nearest = {0, std::numeric_limits<double>::quiet_NaN()};
            result[static_cast<std::size_t>(begin + i)] = nearest;
        }
    });
    return result;
}

Eigen::MatrixXf imageRows(const EvalImages& images) {
    if (images.count() == 0) throw ValueError("Nearest neighbours: no images.");
    const auto cols = static_cast<Eigen::Index>(images.itemSize());
    Eigen::MatrixXf rows(static_cast<Eigen::Index>(images.count()), cols);
    for (std::size_t i = 0; i < images.count(); ++i) {
        rows.row(static_cast<Eigen::Index>(i)) =
            Eigen::Map<const Eigen::RowVectorXf>(images.item(i), cols);
    }
    return rows;
}

std::vector<NearestNeighbour> nearestByPixels(const EvalImages& generated,
                                              const EvalImages& training, int threads) {
    if (generated.channels != training.channels || generated.height != training.height ||
        generated.width != training.width) {
        throw ValueError("Nearest neighbours: generated images of " +
                         std::to_string(generated.channels) + " × " +
                         std::to_string(generated.height) + " × " +
                         std::to_string(generated.width) + " and training images of " +
                         std::to_string(training.channels) + " × " +
                         std::to_string(training.height) + " × " +
                         std::to_string(training.width) + " differ in shape.");
    }
    std::vector<NearestNeighbour> result =
        nearestRows(imageRows(generated), imageRows(training), threads);
    const double scale = 1.0 / std::sqrt(static_cast<double>(generated.itemSize()));
    for (NearestNeighbour& n : result) n.distance *= scale;
    return result;
}

}  // namespace cw
