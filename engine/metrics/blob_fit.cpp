#include "metrics/blob_fit.h"

#include <algorithm>
#include <cmath>

namespace cw::detail {
namespace {

// Why a fit: the synthetic slices clamp the sum of blobs to 1, so atoms closer than ~2.4σ form
// one plateau with one maximum. Their count is still in the image — the plateau is longer and
// its flanks higher than one blob's — and a model with one blob there leaves a residual of ≥ 0.3
// (0.5 for two atoms at one spot), which is where the next blob goes. Blobs are added greedily
// from the empty model, one per neighbourhood and round, so each new blob starts at the largest
// unexplained maximum; starting from all maxima at once traps fits at crowded borders.

struct FitBlob {
    double row, col, amplitude;
    bool alive = true;
    bool dirty = true;  // added, or a neighbour changed: refine in the next round
    int seedRow = -1, seedCol = -1;  // the residual maximum it was added at
};

// A rectangle of pixels and the separable Gaussian factors of one centre over it:
// exp(−(Δr² + Δc²)/2σ²) = exp(−Δr²/2σ²)·exp(−Δc²/2σ²) costs rows + cols exponentials, not their
// product.
struct Patch {
    int r0 = 0, r1 = -1, c0 = 0, c1 = -1;
    double gr[64], gc[64];  // radius ≤ 4.5σ + margin; σ is capped in fitBlobs
    void factors(double row, double col, double inv2s2) {
        for (int r = r0; r <= r1; ++r) gr[r - r0] = std::exp(-(r - row) * (r - row) * inv2s2);
        for (int c = c0; c <= c1; ++c) gc[c - c0] = std::exp(-(c - col) * (c - col) * inv2s2);
    }
};

class BlobModel {
public:
    BlobModel(const Image& image, double sigma)
        : m_image(image), m_sigma(sigma), m_radius(static_cast<int>(std::ceil(4.5 * sigma))),
          m_inv2s2(1.0 / (2 * sigma * sigma)), m_sum(image.size(), 0.0) {}

    int radius() const { return m_radius; }
    double sigma() const { return m_sigma; }
    double inv2s2() const { return m_inv2s2; }
    const Image& image() const { return m_image; }
    double& sum(int r, int c) { return m_sum[static_cast<std::size_t>(r) * m_image.cols + c]; }
    double sum(int r, int c) const { return m_sum[static_cast<std::size_t>(r) * m_image.cols + c]; }
    double residual(int r, int c) const { return m_image(r, c) - std::min(1.0, sum(r, c)); }

    Patch patch(double row, double col, int margin) const {
        Patch p;
        p.r0 = std::max(0, static_cast<int>(std::floor(row)) - m_radius - margin);
        p.r1 = std::min(m_image.rows - 1, static_cast<int>(std::ceil(row)) + m_radius + margin);
        p.c0 = std::max(0, static_cast<int>(std::floor(col)) - m_radius - margin);
        p.c1 = std::min(m_image.cols - 1, static_cast<int>(std::ceil(col)) + m_radius + margin);
        return p;
    }

    /// Adds (sign +1) or removes (−1) a blob's contribution.
    void splat(const FitBlob& b, double sign) {
        Patch p = patch(b.row, b.col, 0);
        p.factors(b.row, b.col, m_inv2s2);
        for (int r = p.r0; r <= p.r1; ++r)
            for (int c = p.c0; c <= p.c1; ++c) sum(r, c) += sign * b.amplitude * p.gr[r - p.r0] * p.gc[c - p.c0];
    }

    /// Squared residual over a patch.
    double patchError(const Patch& p) const {
        double e = 0;
        for (int r = p.r0; r <= p.r1; ++r)
            for (int c = p.c0; c <= p.c1; ++c) {
                const double d = residual(r, c);
                e += d * d;
            }
        return e;
    }

private:
    const Image& m_image;
    double m_sigma;
    int m_radius;
    double m_inv2s2;
    std::vector<double> m_sum;
};

// Squared residual over `area` with blob `b` (removed from the model) put back at its position.
double errorWith(const BlobModel& model, Patch area, const FitBlob& b) {
    area.factors(b.row, b.col, model.inv2s2());
    double e = 0;
    for (int r = area.r0; r <= area.r1; ++r)
        for (int c = area.c0; c <= area.c1; ++c) {
            const double m = std::min(1.0, model.sum(r, c) + b.amplitude * area.gr[r - area.r0] * area.gc[c - area.c0]);
            const double d = model.image()(r, c) - m;
            e += d * d;
        }
    return e;
}

bool solve(int n, double a[3][3], const double g[3], double step[3]) {
    // Gaussian elimination with partial pivoting on the n × n (n ≤ 3) normal equations.
    double m[3][4];
    for (int p = 0; p < n; ++p) {
        for (int q = 0; q < n; ++q) m[p][q] = a[p][q];
        m[p][3] = g[p];
    }
    for (int k = 0; k < n; ++k) {
        int pivot = k;
        for (int p = k + 1; p < n; ++p)
            if (std::fabs(m[p][k]) > std::fabs(m[pivot][k])) pivot = p;
        if (std::fabs(m[pivot][k]) < 1e-30) return false;
        std::swap(m[k], m[pivot]);
        for (int p = k + 1; p < n; ++p) {
            const double f = m[p][k] / m[k][k];
            for (int q = k; q < 4; ++q) m[p][q] -= f * m[k][q];
        }
    }
    for (int k = n - 1; k >= 0; --k) {
        double s = m[k][3];
        for (int q = k + 1; q < n; ++q) s -= m[k][q] * step[q];
        step[k] = s / m[k][k];
    }
    return true;
}

// Levenberg–Marquardt on one blob's centre (and amplitude if free) with the others fixed.
// The model is min(1, others + a·g): where it clamps, the blob has no influence. Returns how far
// the centre moved (pixels).
double refineBlob(BlobModel& model, FitBlob& b, bool freeAmplitude, int iterations) {
    const double s2 = model.sigma() * model.sigma();
    constexpr int kMargin = 2;  // the error's area covers moves of up to kMargin pixels
    const double row0 = b.row, col0 = b.col;
    model.splat(b, -1);
    const Patch area = model.patch(row0, col0, kMargin);
    const Image& image = model.image();
    double current = errorWith(model, area, b), lambda = 1e-3;
    const int n = freeAmplitude ? 3 : 2;
    for (int it = 0; it < iterations; ++it) {
        double h[3][3] = {}, g[3] = {};
        Patch p = area;
        p.factors(b.row, b.col, model.inv2s2());
        for (int r = p.r0; r <= p.r1; ++r)
            for (int c = p.c0; c <= p.c1; ++c) {
                const double gv = p.gr[r - p.r0] * p.gc[c - p.c0];
                const double m = model.sum(r, c) + b.amplitude * gv;
                if (m >= 1.0) continue;  // clamped: no gradient
                const double d = image(r, c) - m;
                const double j[3] = {b.amplitude * gv * (r - b.row) / s2, b.amplitude * gv * (c - b.col) / s2, gv};
                for (int k = 0; k < n; ++k) {
                    g[k] += j[k] * d;
                    for (int q = 0; q < n; ++q) h[k][q] += j[k] * j[q];
                }
            }
        bool improved = false;
        double moved = 0;
        for (int attempt = 0; attempt < 8 && !improved; ++attempt) {
            double a[3][3], step[3] = {0, 0, 0};
            for (int k = 0; k < n; ++k)
                for (int q = 0; q < n; ++q) a[k][q] = h[k][q] + (k == q ? lambda * h[k][k] + 1e-12 : 0);
            if (!solve(n, a, g, step)) break;
            const double length = std::hypot(step[0], step[1]);
            const double scale = length > 1.0 ? 1.0 / length : 1.0;  // at most a pixel a step
            FitBlob trial = b;
            // A centre farther out than the blob's radius leaves no trace in the image.
            const double out = model.radius();
            trial.row = std::clamp(std::clamp(b.row + scale * step[0], row0 - kMargin, row0 + kMargin), -out,
                                   image.rows - 1 + out);
            trial.col = std::clamp(std::clamp(b.col + scale * step[1], col0 - kMargin, col0 + kMargin), -out,
                                   image.cols - 1 + out);
            if (freeAmplitude) trial.amplitude = std::clamp(b.amplitude + scale * step[2], 0.02, 4.0);
            const double e = errorWith(model, area, trial);
            if (e <= current) {
                moved = std::hypot(trial.row - b.row, trial.col - b.col);
                b = trial;
                current = e;
                lambda = std::max(lambda * 0.3, 1e-7);
                improved = true;
            } else {
                lambda *= 10;
            }
        }
        if (!improved || moved < 1e-5) break;
    }
    model.splat(b, +1);
    return std::hypot(b.row - row0, b.col - col0);
}

// Blobs by neighbourhood: a grid of cells `cell` pixels wide over the image and the margin
// where fitted centres can lie, rebuilt when positions have changed.
class NeighbourGrid {
public:
    NeighbourGrid(const Image& image, int margin, int cell)
        : m_margin(margin), m_cell(cell), m_rows((image.rows + 2 * margin) / cell + 1),
          m_cols((image.cols + 2 * margin) / cell + 1), m_cells(static_cast<std::size_t>(m_rows) * m_cols) {}

    void rebuild(const std::vector<FitBlob>& blobs) {
        for (auto& c : m_cells) c.clear();
        for (std::size_t i = 0; i < blobs.size(); ++i)
            if (blobs[i].alive) m_cells[cellOf(blobs[i].row, blobs[i].col)].push_back(static_cast<int>(i));
    }
    void insert(const FitBlob& b, int index) { m_cells[cellOf(b.row, b.col)].push_back(index); }

    /// Calls f(index) for blobs in the cells within one cell of (row, col).
    template <class F>
    void forNear(double row, double col, F&& f) const {
        const int r = cellRow(row), c = cellCol(col);
        for (int dr = -1; dr <= 1; ++dr)
            for (int dc = -1; dc <= 1; ++dc) {
                const int rr = r + dr, cc = c + dc;
                if (rr < 0 || rr >= m_rows || cc < 0 || cc >= m_cols) continue;
                for (int i : m_cells[static_cast<std::size_t>(rr) * m_cols + cc]) f(i);
            }
    }

private:
    int cellRow(double row) const { return std::clamp(static_cast<int>((row + m_margin) / m_cell), 0, m_rows - 1); }
    int cellCol(double col) const { return std::clamp(static_cast<int>((col + m_margin) / m_cell), 0, m_cols - 1); }
    std::size_t cellOf(double row, double col) const {
        return static_cast<std::size_t>(cellRow(row)) * m_cols + cellCol(col);
    }
    int m_margin, m_cell, m_rows, m_cols;
    std::vector<std::vector<int>> m_cells;
};


// Largest |residual| over a blob's patch: about 1e-4 where the model explains a synthetic slice.
double worstResidual(const BlobModel& model, double row, double col, int margin) {
    const Patch p = model.patch(row, col, margin);
    double worst = 0;
    for (int r = p.r0; r <= p.r1; ++r)
        for (int c = p.c0; c <= p.c1; ++c) worst = std::max(worst, std::fabs(model.residual(r, c)));
    return worst;
}

// The greedy fit can settle in a local minimum where atoms crowd (dense planes, corners): two
// blobs on one atom and one between two. Where the residual stays high, the blobs around are
// removed and the area refitted one blob at a time (each settled before the next is added); the
// new fit is kept when its error is lower.
template <class Settle, class Wake>
void repairPoorFits(BlobModel& model, std::vector<FitBlob>& blobs, NeighbourGrid& grid,
                    const BlobCountOptions& options, bool freeAmplitude, Settle& settle,
                    std::vector<int>& work, Wake& wakeNear) {
    const Image& image = model.image();
    const int radius = model.radius();
    const double borderThreshold = std::min(options.addThreshold, 0.01);
    // "Poor" is relative to how well the image is explained elsewhere: a noisy generated image
    // leaves residuals everywhere, and only its outliers are worth a second try.
    std::vector<double> worst;
    for (const FitBlob& b : blobs)
        if (b.alive) worst.push_back(worstResidual(model, b.row, b.col, 0));
    if (worst.empty()) return;
    std::nth_element(worst.begin(), worst.begin() + worst.size() / 2, worst.end());
    const double poorLevel = std::max(0.02, 4 * worst[worst.size() / 2]);
    std::vector<int> poor;
    for (std::size_t i = 0; i < blobs.size(); ++i)
        if (blobs[i].alive && worstResidual(model, blobs[i].row, blobs[i].col, 0) > poorLevel) poor.push_back(static_cast<int>(i));
    for (int centre : poor) {
        if (!blobs[centre].alive) continue;
        const double row = blobs[centre].row, col = blobs[centre].col;
        if (worstResidual(model, row, col, 0) <= poorLevel) continue;  // fixed by an earlier repair
        const Patch region = model.patch(row, col, radius);
        // Settling moves neighbours too: judge the repair on a wider area.
        const Patch judged = model.patch(row, col, 3 * radius);
        const double before = model.patchError(judged);
        std::vector<std::pair<int, FitBlob>> saved;
        std::vector<int> removed;
        grid.forNear(row, col, [&](int i) {
            FitBlob& b = blobs[i];
            if (b.alive && std::fabs(b.row - row) <= radius && std::fabs(b.col - col) <= radius) {
                saved.push_back({i, b});
                model.splat(b, -1);
                b.alive = false;
            }
        });
        const std::size_t firstNew = blobs.size();
        for (std::size_t added = 0; added < 4 * saved.size() + 4; ++added) {
            double best = 0;
            int br = -1, bc = -1;
            for (int r = region.r0; r <= region.r1; ++r)
                for (int c = region.c0; c <= region.c1; ++c) {
                    const bool border = r == 0 || c == 0 || r == image.rows - 1 || c == image.cols - 1;
                    const double v = model.residual(r, c);
                    if (v >= (border ? borderThreshold : options.addThreshold) && v > best) {
                        best = v;
                        br = r;
                        bc = c;
                    }
                }
            if (br < 0) break;
            FitBlob b{static_cast<double>(br), static_cast<double>(bc), freeAmplitude ? best : options.amplitude};
            b.dirty = false;
            model.splat(b, +1);
            blobs.push_back(b);
            grid.insert(b, static_cast<int>(blobs.size() - 1));
            work.push_back(static_cast<int>(blobs.size() - 1));
            wakeNear(b.row, b.col, work);
            settle();
        }
        if (model.patchError(judged) < before) continue;
        // Worse: put the old blobs back.
        for (std::size_t i = firstNew; i < blobs.size(); ++i)
            if (blobs[i].alive) {
                model.splat(blobs[i], -1);
                blobs[i].alive = false;
            }
        for (auto& [i, b] : saved) {
            blobs[i] = b;
            model.splat(b, +1);
        }
        grid.rebuild(blobs);
        for (auto& [i, b] : saved) wakeNear(b.row, b.col, work);
        settle();
    }
}
}  // namespace

std::vector<Blob> fitBlobs(const Image& image, std::vector<Blob> candidates, const BlobCountOptions& options) {
    const bool freeAmplitude = !(options.amplitude > 0);
    const double sigma = std::min(options.blobSigma, 6.0);  // keeps Patch's arrays in bounds
    BlobModel model(image, sigma);
    std::vector<FitBlob> blobs;
    for (const Blob& c : candidates) {
        blobs.push_back({c.row, c.col, freeAmplitude ? std::max(c.peak, 0.05) : options.amplitude});
        model.splat(blobs.back(), +1);
    }
    // A change moves the optimum of blobs whose patches overlap its own; beyond the blob radius
    // the effect is below e^−10 of the amplitude.
    const int reach = model.radius();
    NeighbourGrid grid(image, reach + 2, reach + 2);
    grid.rebuild(blobs);
    std::vector<int> work;  // blobs to refine, may repeat
    for (std::size_t i = 0; i < blobs.size(); ++i) work.push_back(static_cast<int>(i));
    auto wakeNear = [&](double row, double col, std::vector<int>& into) {
        grid.forNear(row, col, [&](int i) {
            FitBlob& o = blobs[i];
            if (o.alive && !o.dirty && std::fabs(o.row - row) <= reach && std::fabs(o.col - col) <= reach) {
                o.dirty = true;
                into.push_back(i);
            }
        });
    };
    // Refines the blobs in `work` and, while they move, their neighbours; empties `work` and
    // returns the blobs refined.
    auto settle = [&]() {
        std::vector<int> refined;
        for (int sweep = 0; sweep < 8 && !work.empty(); ++sweep) {
            std::vector<int> next;
            for (int i : work) blobs[i].dirty = true;
            for (int i : work) {
                FitBlob& b = blobs[i];
                if (!b.alive || !b.dirty) continue;
                b.dirty = false;
                refined.push_back(i);
                if (refineBlob(model, b, freeAmplitude, 8) > 1e-3) {
                    next.push_back(i);
                    wakeNear(b.row, b.col, next);
                }
            }
            for (int i : next) blobs[i].dirty = false;
            grid.rebuild(blobs);
            work = std::move(next);
        }
        for (int i : work) blobs[i].dirty = false;
        work.clear();
        std::sort(refined.begin(), refined.end());
        refined.erase(std::unique(refined.begin(), refined.end()), refined.end());
        return refined;
    };
    // Residual maxima on the border come from blobs centred near or beyond it; they are modelled
    // down to a lower level so that the tails of atoms just outside do not bias the centres of
    // atoms just inside (which decide the count).
    const double borderThreshold = std::min(options.addThreshold, 0.01);
    std::vector<char> touched(image.size(), 1);  // pixels whose residual may have changed
    std::vector<char> tabu(image.size(), 0);     // residual maxima whose blob was later removed
    auto touch = [&](const FitBlob& b) {
        const Patch p = model.patch(b.row, b.col, 2);
        for (int r = p.r0; r <= p.r1; ++r)
            std::fill(touched.begin() + static_cast<std::ptrdiff_t>(r) * image.cols + p.c0,
                      touched.begin() + static_cast<std::ptrdiff_t>(r) * image.cols + p.c1 + 1, 1);
    };
    for (int round = 0; round < options.maxRounds; ++round) {
        bool changed = false;
        // 1. Refine what changed, then remove the blobs the fit does not need (a duplicate on
        //    one atom, a blob pushed out of the image).
        for (int i : settle()) {
            FitBlob& b = blobs[i];
            touch(b);
            if (!b.alive) continue;
            const Patch p = model.patch(b.row, b.col, 0);
            const double with = model.patchError(p);
            model.splat(b, -1);
            if (model.patchError(p) <= with * (1 + 1e-9) + 1e-12) {
                b.alive = false;
                if (b.seedRow >= 0) tabu[static_cast<std::size_t>(b.seedRow) * image.cols + b.seedCol] = 1;
                wakeNear(b.row, b.col, work);
                changed = true;
            } else {
                model.splat(b, +1);
            }
        }
        if (changed) grid.rebuild(blobs);
        // 2. Add a blob at the highest residual maximum of each neighbourhood.
        struct Peak {
            double value;
            int r, c;
        };
        std::vector<Peak> peaks;
        for (int r = 0; r < image.rows; ++r) {
            for (int c = 0; c < image.cols; ++c) {
                const std::size_t at = static_cast<std::size_t>(r) * image.cols + c;
                if (!touched[at] || tabu[at]) continue;
                const double v = model.residual(r, c);
                const bool border = r == 0 || c == 0 || r == image.rows - 1 || c == image.cols - 1;
                if (v < (border ? borderThreshold : options.addThreshold)) continue;
                bool isMax = true;
                for (int dr = -1; dr <= 1 && isMax; ++dr)
                    for (int dc = -1; dc <= 1; ++dc) {
                        const int rr = r + dr, cc = c + dc;
                        if ((dr || dc) && rr >= 0 && rr < image.rows && cc >= 0 && cc < image.cols &&
                            model.residual(rr, cc) > v) {
                            isMax = false;
                            break;
                        }
                    }
                if (isMax) peaks.push_back({v, r, c});
            }
        }
        std::fill(touched.begin(), touched.end(), 0);
        std::sort(peaks.begin(), peaks.end(), [](const Peak& a, const Peak& b) { return a.value > b.value; });
        std::vector<Peak> added;
        for (const Peak& p : peaks) {
            bool near = false;
            for (auto a = added.rbegin(); a != added.rend() && !near; ++a)
                near = std::abs(a->r - p.r) <= model.radius() && std::abs(a->c - p.c) <= model.radius();
            if (near) continue;
            added.push_back(p);
            FitBlob b{static_cast<double>(p.r), static_cast<double>(p.c), freeAmplitude ? p.value : options.amplitude};
            b.seedRow = p.r;
            b.seedCol = p.c;
            b.dirty = false;
            model.splat(b, +1);
            blobs.push_back(b);
            grid.insert(b, static_cast<int>(blobs.size() - 1));
            work.push_back(static_cast<int>(blobs.size() - 1));
            wakeNear(b.row, b.col, work);
            changed = true;
        }
        for (int i : work) blobs[i].dirty = false;
        if (!changed && work.empty()) break;
    }
    settle();  // blobs added in the last round are fitted before they count
    repairPoorFits(model, blobs, grid, options, freeAmplitude, settle, work, wakeNear);
    std::vector<Blob> out;
    for (const FitBlob& b : blobs)
        if (b.alive) out.push_back({b.row, b.col, b.amplitude});
    return out;
}

}  // namespace cw::detail
