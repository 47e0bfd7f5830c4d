// CrysTens encoding and decoding. Upstream: CrysTens commit 3eb296ae (the tensor builder, the
// `avg_std` normaliser and the paper's post-processing script); the facts are in docs/spec/encodings.md.
#include "encoding/crystens.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "core/error.h"
#include "core/npy.h"
#include "crystal/elements.h"
#include "symmetry/standardize.h"

namespace cw {
namespace {

constexpr int kH = kEncodingHeaderWidth;

std::size_t elementIndex(int side, int r, int k, int ch) { return (static_cast<std::size_t>(r) * side + k) * 4 + ch; }

/// The normalisation range of element (r, k, ch), or nullptr where nothing is normalised
/// (the top-left block, header feature 11).
const CrysTensRange* rangeAt(int r, int k, int ch) {
    if (r >= kH && k >= kH) return ch == 0 ? &kCrysTensLengthRange : &kCrysTensDirRange;
    const int f = r >= kH ? k : (k >= kH ? r : -1);
    if (f < 0 || f >= 11) return nullptr;
    return &kCrysTensHeaderRanges[f];
}

bool isOccupied(int r, int k, int n) {
    const bool rOk = r < kH || r < kH + n, kOk = k < kH || k < kH + n;
    if (!rOk || !kOk) return false;
    if (r >= kH && k >= kH) return r != k;  // diagonal stays 0
    return r >= kH || k >= kH;
}

double normalizeValue(double v, const CrysTensRange& range) { return (v - range.min) / (range.max - range.min); }
double denormalizeValue(double v, const CrysTensRange& range) { return v * (range.max - range.min) + range.min; }

std::size_t elementCount(int side) { return static_cast<std::size_t>(side) * side * 4; }

/// Raw encoding in double precision, channels last.
std::vector<double> encodeRaw(const Structure& s, int spaceGroup, int side) {
    std::vector<double> t(elementCount(side), 0.0);
    const int n = static_cast<int>(s.size());
    const LatticeParameters p = s.lattice().parameters();
    for (int i = 0; i < n; ++i) {
        const Site& site = s.site(i);
        const double f[12] = {double(site.z), site.frac[0], site.frac[1], site.frac[2], p.a, p.b, p.c,
                              p.alpha, p.beta, p.gamma, double(spaceGroup), 0.0};
        for (int k = 0; k < 12; ++k) {
            for (int ch = 0; ch < 4; ++ch) {
                t[elementIndex(side, kH + i, k, ch)] = f[k];
                t[elementIndex(side, k, kH + i, ch)] = f[k];
            }
        }
        for (int j = 0; j < n; ++j) {
            if (i == j) continue;
            const Eigen::Vector3d d = site.frac - s.site(j).frac;
            t[elementIndex(side, kH + i, kH + j, 0)] = d.norm();
            for (int c = 0; c < 3; ++c) t[elementIndex(side, kH + i, kH + j, 1 + c)] = d[c];
        }
    }
    return t;
}

void normalizeInPlace(std::vector<double>& t, int n, int side) {
    for (int r = 0; r < side; ++r) {
        for (int k = 0; k < side; ++k) {
            if (!isOccupied(r, k, n)) continue;
            for (int ch = 0; ch < 4; ++ch) {
                if (const CrysTensRange* range = rangeAt(r, k, ch))
                    t[elementIndex(side, r, k, ch)] = normalizeValue(t[elementIndex(side, r, k, ch)], *range);
            }
        }
    }
}

CrysTensTensor toFloat(const std::vector<double>& t, bool normalized, int side, int maxSites) {
    CrysTensTensor out(side, maxSites);
    out.normalized = normalized;
    for (std::size_t i = 0; i < t.size(); ++i) out.data[i] = static_cast<float>(t[i]);
    return out;
}

/// Upstream clusters Z with k-means into min(3, N) groups and takes the cluster centres, which
/// invents elements; here each cluster takes the most frequent rounded Z among its members.
std::vector<int> clusterAtomicNumbers(const std::vector<double>& z, const std::vector<int>& rounded, int k) {
    const int n = static_cast<int>(z.size());
    k = std::min(k, n);
    std::vector<double> sorted = z;
    std::sort(sorted.begin(), sorted.end());
    std::vector<double> centre(k);
    for (int c = 0; c < k; ++c) centre[c] = sorted[static_cast<std::size_t>((c + 0.5) * n / k)];
    std::vector<int> label(n, 0);
    for (int it = 0; it < 50; ++it) {
        bool changed = false;
        for (int i = 0; i < n; ++i) {
            int best = 0;
            for (int c = 1; c < k; ++c) {
                if (std::abs(z[i] - centre[c]) < std::abs(z[i] - centre[best])) best = c;
            }
            changed = changed || best != label[i];
            label[i] = best;
        }
        for (int c = 0; c < k; ++c) {
            double sum = 0;
            int count = 0;
            for (int i = 0; i < n; ++i) {
                if (label[i] == c) {
                    sum += z[i];
                    ++count;
                }
            }
            if (count) centre[c] = sum / count;
        }
        if (!changed && it > 0) break;
    }
    std::vector<int> out(n);
    for (int c = 0; c < k; ++c) {
        std::map<int, int> votes;
        for (int i = 0; i < n; ++i) {
            if (label[i] == c) ++votes[rounded[i]];
        }
        int best = 0, bestVotes = -1;
        for (auto [value, count] : votes) {
            if (count > bestVotes) {
                best = value;
                bestVotes = count;
            }
        }
        for (int i = 0; i < n; ++i) {
            if (label[i] == c) out[i] = best;
        }
    }
    return out;
}

/// The median of header feature f of site i over its 8 copies (4 channels, row and column);
/// value(r, k, ch) reads one cell.
template <typename Value>
double medianOfCopies(int i, int f, Value value) {
    std::array<double, 8> copies;
    for (int ch = 0; ch < 4; ++ch) {
        copies[2 * ch] = value(kH + i, f, ch);
        copies[2 * ch + 1] = value(f, kH + i, ch);
    }
    std::sort(copies.begin(), copies.end());
    return (copies[3] + copies[4]) / 2.0;
}

}  // namespace

CrysTensTensor::CrysTensTensor(int side_, int maxSites_)
    : side(side_), maxSites(maxSites_), data(elementCount(side_), 0.0f) {
    if (maxSites < 1 || side < kH + maxSites)
        throw ConfigError("CrysTens: a " + std::to_string(side) + " × " + std::to_string(side) +
                          " tensor cannot hold " + std::to_string(maxSites) + " sites");
}

CrysTensTensor encodeCrysTens(const Structure& input, const CrysTensOptions& options) {
    if (options.maxSites < 1 || options.maxSites > kEncodingMaxSites)
        throw ConfigError("CrysTens holds 1…52 sites, not " + std::to_string(options.maxSites));
    const int side = options.side > 0 ? options.side : paddedEncodingSide(options.maxSites);
    const char* name = options.maxSites < kEncodingMaxSites ? "compact CrysTens" : "CrysTens";
    checkEncodable(input, options.maxSites, name);
    const Structure s = applyCellChoice(input, options.cell, options.symmetry);
    if (options.cell != CellChoice::AsIs) checkEncodable(s, options.maxSites, name);
    const int sg = options.knownSpaceGroup > 0 ? options.knownSpaceGroup : analyzeSpaceGroup(s, options.symmetry).number;
    CrysTensTensor shape(side, options.maxSites);  // checks side against maxSites
    std::vector<double> t = encodeRaw(s, sg, side);
    if (options.normalize) normalizeInPlace(t, static_cast<int>(s.size()), side);
    return toFloat(t, options.normalize, side, options.maxSites);
}

int crysTensSiteCount(const CrysTensTensor& tensor) {
    int n = 0;
    for (int i = 0; i < tensor.maxSites; ++i) {
        bool any = false;
        for (int k = 0; k < 11 && !any; ++k) any = tensor(kH + i, k, 0) != 0.0f;
        if (!any) break;
        ++n;
    }
    return n;
}

CrysTensTensor normalizeCrysTens(const CrysTensTensor& raw, int siteCount) {
    if (raw.normalized) return raw;
    const int n = siteCount < 0 ? crysTensSiteCount(raw) : siteCount;
    std::vector<double> t(raw.data.begin(), raw.data.end());
    normalizeInPlace(t, n, raw.side);
    return toFloat(t, true, raw.side, raw.maxSites);
}

CrysTensTensor denormalizeCrysTens(const CrysTensTensor& normalized) {
    if (!normalized.normalized) return normalized;
    CrysTensTensor out(normalized.side, normalized.maxSites);
    for (int r = 0; r < out.side; ++r) {
        for (int k = 0; k < out.side; ++k) {
            for (int ch = 0; ch < 4; ++ch) {
                const CrysTensRange* range = rangeAt(r, k, ch);
                const double v = normalized(r, k, ch);
                out(r, k, ch) = static_cast<float>(range ? denormalizeValue(v, *range) : v);
            }
        }
    }
    return out;
}

std::vector<float> crysTensToChannelsFirst(const CrysTensTensor& tensor) {
    const int side = tensor.side;
    std::vector<float> out(elementCount(side));
    for (int ch = 0; ch < 4; ++ch) {
        for (int r = 0; r < side; ++r) {
            for (int k = 0; k < side; ++k) {
                out[(static_cast<std::size_t>(ch) * side + r) * side + k] = tensor(r, k, ch);
            }
        }
    }
    return out;
}

CrysTensTensor crysTensFromChannelsFirst(const std::vector<float>& channelsFirst, bool normalized,
                                         int maxSites) {
    const int side = static_cast<int>(std::lround(std::sqrt(channelsFirst.size() / 4.0)));
    if (channelsFirst.size() != elementCount(side) || side <= kH) {
        throw ValueError("CrysTens: a channel-first tensor has 4 × side × side elements (16384 for "
                         "64 × 64), not " + std::to_string(channelsFirst.size()));
    }
    CrysTensTensor out(side, maxSites > 0 ? maxSites : std::min(side - kH, kEncodingMaxSites));
    out.normalized = normalized;
    for (int ch = 0; ch < 4; ++ch) {
        for (int r = 0; r < side; ++r) {
            for (int k = 0; k < side; ++k) {
                out(r, k, ch) = channelsFirst[(static_cast<std::size_t>(ch) * side + r) * side + k];
            }
        }
    }
    return out;
}

DecodedCrystal decodeCrysTens(const CrysTensTensor& tensor, const CrysTensDecodeOptions& options) {
    // Step 1: raw values in double.
    const int side = tensor.side;
    const int maxSites = std::min(tensor.maxSites, side - kH);
    auto index = [side](int r, int k, int ch) { return elementIndex(side, r, k, ch); };
    // Robust mode: each channel's median over the cells the layout keeps at zero (the 12 × 12
    // header corner and the padding of a compact tensor) is a generated image's offset.
    std::array<double, 4> offset{0, 0, 0, 0};
    if (options.robust) {
        for (int ch = 0; ch < 4; ++ch) {
            std::vector<double> zeros;
            for (int r = 0; r < side; ++r)
                for (int k = 0; k < side; ++k)
                    if ((r < kH && k < kH) || r >= kH + maxSites || k >= kH + maxSites)
                        zeros.push_back(tensor(r, k, ch));
            std::nth_element(zeros.begin(), zeros.begin() + zeros.size() / 2, zeros.end());
            offset[ch] = zeros[zeros.size() / 2];
        }
    }
    std::vector<double> t(elementCount(side));
    for (int r = 0; r < side; ++r) {
        for (int k = 0; k < side; ++k) {
            for (int ch = 0; ch < 4; ++ch) {
                const CrysTensRange* range = tensor.normalized ? rangeAt(r, k, ch) : nullptr;
                const double v = tensor(r, k, ch) - offset[ch];
                t[index(r, k, ch)] = range ? denormalizeValue(v, *range) : v;
            }
        }
    }
    // Step 3's header mean, needed by step 2.
    auto header = [&](int i, int f) {
        if (options.robust) {  // the median of the 8 copies: one bad channel does not move it
            return medianOfCopies(i, f, [&](int r, int k, int ch) { return t[index(r, k, ch)]; });
        }
        double sum = 0;
        for (int ch = 0; ch < 4; ++ch) sum += t[index(kH + i, f, ch)] + t[index(f, kH + i, ch)];
        return sum / 8.0;
    };
    // Step 2: consecutive rows whose cell agrees with site 0's (row 63 included).
    double cell0[6];
    for (int k = 0; k < 6; ++k) cell0[k] = header(0, 4 + k);
    if (!(cell0[0] > 0 && cell0[1] > 0 && cell0[2] > 0)) {
        throw ValueError("CrysTens: site 0 has no lattice (a, b, c ≤ 0): the tensor holds no crystal");
    }
    int n = 1;
    if (options.robust && tensor.normalized) {
        // A generated lattice is too noisy for the 20 % rule; a padding row's header is zero in
        // every normalised feature, a site's sums to about 3 (Z, x, y, z, a, b, c, angles, group),
        // so a row whose 11 features (medians of their copies) sum to more than 1 is a site.
        auto occupied = [&](int i) {
            double sum = 0;
            for (int f = 0; f < 11; ++f) {
                sum += std::abs(medianOfCopies(
                    i, f, [&](int r, int k, int ch) { return tensor(r, k, ch) - offset[ch]; }));
            }
            return sum > 1.0;
        };
        while (n < maxSites && occupied(n)) ++n;
    } else {
        for (; n < maxSites; ++n) {
            bool consistent = true;
            for (int k = 0; k < 6 && consistent; ++k) {
                consistent = std::abs(header(n, 4 + k) - cell0[k]) <= options.siteConsistency * std::abs(cell0[k]);
            }
            if (!consistent) break;
        }
    }

    DecodedCrystal out;
    double cell[6] = {0, 0, 0, 0, 0, 0}, sg = 0;
    std::vector<double> zRaw(n);
    std::vector<Eigen::Vector3d> x(n);
    for (int i = 0; i < n; ++i) {
        zRaw[i] = header(i, 0);
        for (int c = 0; c < 3; ++c) x[i][c] = header(i, 1 + c);
        for (int k = 0; k < 6; ++k) cell[k] += header(i, 4 + k) / n;
        sg += header(i, 10) / n;
    }
    if (options.robust) {  // the cell is the median over the sites too
        for (int k = 0; k < 6; ++k) {
            std::vector<double> values(n);
            for (int i = 0; i < n; ++i) values[i] = header(i, 4 + k);
            std::sort(values.begin(), values.end());
            cell[k] = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
        }
    }
    out.headerSpaceGroup = std::clamp(static_cast<int>(std::lround(sg)), 0, 230);

    // Step 4: symmetrised lengths, antisymmetrised differences.
    std::vector<double> d(static_cast<std::size_t>(n) * n, 0.0);
    std::vector<Eigen::Vector3d> dx(static_cast<std::size_t>(n) * n, Eigen::Vector3d::Zero());
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < n; ++j) {
            if (i == j) continue;
            d[i * n + j] = (t[index(kH + i, kH + j, 0)] + t[index(kH + j, kH + i, 0)]) / 2;
            for (int c = 0; c < 3; ++c) {
                dx[i * n + j][c] = (t[index(kH + i, kH + j, 1 + c)] - t[index(kH + j, kH + i, 1 + c)]) / 2;
            }
        }
    }
    auto pairwiseError = [&](const std::vector<Eigen::Vector3d>& f) {
        double sum = 0;
        for (int i = 0; i < n; ++i) {
            for (int j = i + 1; j < n; ++j) sum += std::abs(d[i * n + j] - (f[i] - f[j]).norm());
        }
        return sum / n;
    };
    out.pairwiseErrorBefore = pairwiseError(x);

    // Step 5: Δx_ij = x_i − x_j, so each x_i − Δx_ij is another estimate of x_j.
    const double w = 1.0 - 1.0 / (kH + n);
    std::vector<Eigen::Vector3d> xHat(n);
    for (int j = 0; j < n; ++j) {
        Eigen::Vector3d mean = Eigen::Vector3d::Zero();
        for (int i = 0; i < n; ++i) mean += x[i] - dx[i * n + j];
        xHat[j] = (1 - w) * x[j] + w * mean / n;
    }
    out.pairwiseErrorAfter = pairwiseError(xHat);

    // Step 6: nearest integer Z (optionally clustered within the rounded set).
    std::vector<int> z(n);
    for (int i = 0; i < n; ++i) z[i] = std::clamp(static_cast<int>(std::lround(zRaw[i])), 1, kMaxAtomicNumber);
    if (options.clusterCount > 1) z = clusterAtomicNumbers(zRaw, z, options.clusterCount);

    Lattice lattice;
    try {
        lattice = Lattice::fromParameters({cell[0], cell[1], cell[2], cell[3], cell[4], cell[5]});
    } catch (const ValueError& e) {
        throw ValueError(std::string("CrysTens: the decoded lattice parameters are impossible: ") + e.what());
    }
    // Step 7: wrap, drop duplicates.
    Structure s{lattice, {}};
    for (int i = 0; i < n; ++i) {
        Eigen::Vector3d f = xHat[i];
        for (int c = 0; c < 3; ++c) {
            f[c] -= std::floor(f[c]);
            if (f[c] >= 1.0) f[c] = 0.0;
        }
        bool duplicate = false;
        for (const Site& kept : s.sites()) {
            if (kept.z == z[i] && lattice.minimumImageDistance(kept.frac, f) < options.duplicateToleranceA) {
                duplicate = true;
                break;
            }
        }
        if (!duplicate) s.addSite({z[i], f, element(z[i]).symbol, 1.0});
    }
    if (options.symmetrizeTolerance > 0) {
        const SymmetryOptions sym{options.symmetrizeTolerance, kPymatgenAngleToleranceDeg};
        s = conventionalStandardCell(s, sym);
        out.spaceGroup = analyzeSpaceGroup(s, sym);
    } else if (options.analyzeSymprec > 0) {
        out.spaceGroup = analyzeSpaceGroup(s, {options.analyzeSymprec, kPymatgenAngleToleranceDeg});
    }
    out.structure = std::move(s);
    return out;
}

void writeCrysTensNpy(const std::string& path, const CrysTensTensor& tensor, bool channelsFirst) {
    const std::size_t side = static_cast<std::size_t>(tensor.side);
    if (channelsFirst) {
        writeNpy(path, crysTensToChannelsFirst(tensor), {4, side, side});
    } else {
        writeNpy(path, tensor.data, {side, side, 4});
    }
}

CrysTensTensor readCrysTensNpy(const std::string& path, bool normalized) {
    NpyArray a = readNpy(path);
    if (a.dtype != NpyDtype::Float32) throw FormatError(path, "data", "a CrysTens tensor must be a float array");
    const auto& sh = a.shape;
    const bool last = sh.size() == 3 && sh[0] == sh[1] && sh[2] == 4;
    const bool first = sh.size() == 3 && sh[1] == sh[2] && sh[0] == 4;
    const std::size_t side = last ? sh[0] : (first ? sh[1] : 0);
    if (side <= static_cast<std::size_t>(kH) || side > 1024)
        throw FormatError(path, "data", "a CrysTens tensor has shape (n, n, 4) or (4, n, n) with 13 ≤ n ≤ 1024");
    if (first) return crysTensFromChannelsFirst(a.f32, normalized);
    CrysTensTensor t(static_cast<int>(side), std::min(static_cast<int>(side) - kH, kEncodingMaxSites));
    t.data = std::move(a.f32);
    t.normalized = normalized;
    return t;
}

}  // namespace cw
