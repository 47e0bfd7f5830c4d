// xtal2png encoding and decoding. Upstream: sparks-baird/xtal2png v0.9.6 (commit b34d0a2b),
// xtal2png/core.py (structures_to_arrays, arrays_to_structures) and utils/data.py
// (element_wise_scaler, element_wise_unscaler); the facts are summarised in docs/spec/encodings.md.
#include "encoding/xtal2png.h"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/npy.h"
#include "core/png_image.h"
#include "crystal/elements.h"
#include "symmetry/standardize.h"

namespace cw {
namespace {

// Feature ranges of xtal2png 0.9.x (XtalConverter defaults).
constexpr double kElementRange[2] = {0, 117};
constexpr double kFracRange[2] = {0, 1};
constexpr double kLengthRange[3][2] = {{2.0, 15.3}, {2.0, 15.0}, {2.0, 36.0}};
constexpr double kAngleRange[2] = {0, 180};
constexpr double kSpaceGroupRange[2] = {1, 230};
constexpr double kDistanceRange[2] = {0, 18.0};

double unscale(double pixel, double lo, double hi) { return pixel / 255.0 * (hi - lo) + lo; }

/// Nearest integer, ties to the lower one (xtal2png's element decoding).
int nearestTiesLow(double v) { return static_cast<int>(std::ceil(v - 0.5)); }

}  // namespace

std::uint8_t xtal2pngScale(double v, double lo, double hi) {
    // Same operation order as element_wise_scaler, so that exact ties round alike.
    const double scaled = (v - lo) / (hi - lo) * 255.0;
    const double rounded = std::nearbyint(scaled);
    if (!(rounded > 0)) return 0;
    if (rounded > 255) return 255;
    return static_cast<std::uint8_t>(rounded);
}

Xtal2PngImage encodeXtal2Png(const Structure& input, const Xtal2PngOptions& options) {
    if (options.maxSites < 1) throw ConfigError("xtal2png: maxSites must be at least 1");
    checkEncodable(input, options.maxSites, "xtal2png");
    const Structure s = applyCellChoice(input, options.cell, options.symmetry);
    if (options.cell != CellChoice::AsIs) checkEncodable(s, options.maxSites, "xtal2png");
    const int n = static_cast<int>(s.size());
    const int side = options.side > 0 ? options.side : kEncodingHeaderWidth + options.maxSites;
    if (side < kEncodingHeaderWidth + options.maxSites)
        throw ConfigError("xtal2png: a " + std::to_string(side) + "-pixel image cannot hold " +
                          std::to_string(options.maxSites) + " sites");
    Xtal2PngImage image{side, std::vector<std::uint8_t>(static_cast<std::size_t>(side) * side, 0),
                        side == kEncodingHeaderWidth + options.maxSites ? 0 : options.maxSites};

    const LatticeParameters p = s.lattice().parameters();
    const int sg = options.knownSpaceGroup > 0 ? options.knownSpaceGroup : analyzeSpaceGroup(s, options.symmetry).number;
    const double lengths[3] = {p.a, p.b, p.c};
    const double angles[3] = {p.alpha, p.beta, p.gamma};
    for (int i = 0; i < n; ++i) {
        const Site& site = s.site(i);
        std::uint8_t f[kEncodingHeaderWidth];
        f[0] = xtal2pngScale(site.z - 1, kElementRange[0], kElementRange[1]);
        for (int k = 0; k < 3; ++k) f[1 + k] = xtal2pngScale(site.frac[k], kFracRange[0], kFracRange[1]);
        for (int k = 0; k < 3; ++k) f[4 + k] = xtal2pngScale(lengths[k], kLengthRange[k][0], kLengthRange[k][1]);
        for (int k = 0; k < 3; ++k) f[7 + k] = xtal2pngScale(angles[k], kAngleRange[0], kAngleRange[1]);
        f[10] = xtal2pngScale(n, 0, options.maxSites);
        f[11] = xtal2pngScale(sg, kSpaceGroupRange[0], kSpaceGroupRange[1]);
        for (int k = 0; k < kEncodingHeaderWidth; ++k) {
            image(kEncodingHeaderWidth + i, k) = f[k];
            image(k, kEncodingHeaderWidth + i) = f[k];
        }
    }
    for (int i = 0; i < n; ++i) {
        for (int j = i + 1; j < n; ++j) {
            const double d = s.lattice().minimumImageDistance(s.site(i).frac, s.site(j).frac);
            const std::uint8_t v = xtal2pngScale(d, kDistanceRange[0], kDistanceRange[1]);
            image(kEncodingHeaderWidth + i, kEncodingHeaderWidth + j) = v;
            image(kEncodingHeaderWidth + j, kEncodingHeaderWidth + i) = v;
        }
    }
    return image;
}

std::string xtal2pngFileName(const Structure& structure, const Xtal2PngImage& image) {
    // FNV-1a of the pixels stands in for upstream's random uid: reproducible, 4 hex digits.
    std::uint32_t h = 2166136261u;
    for (std::uint8_t b : image.pixels) h = (h ^ b) * 16777619u;
    const int sg = static_cast<int>(std::lround(
        image.side > 12 ? unscale(image(kEncodingHeaderWidth, 11), kSpaceGroupRange[0], kSpaceGroupRange[1]) : 0));
    char uid[8];
    std::snprintf(uid, sizeof uid, "%04x", static_cast<unsigned>(h & 0xffffu));
    return structure.reducedFormula() + ",space-group=" + std::to_string(sg) + ",uid=" + uid + ".png";
}

double minimumImagePairwiseError(const Structure& structure, const std::vector<double>& block) {
    const std::size_t n = structure.size();
    if (n == 0) return 0;
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = i + 1; j < n; ++j) {
            const double d = structure.lattice().minimumImageDistance(structure.site(i).frac, structure.site(j).frac);
            sum += std::abs(block[i * n + j] - d);
        }
    }
    return sum / static_cast<double>(n);
}

namespace {

/// Weighted least squares over fractional coordinates: distance residuals (d_ij − D_ij)/σ_d
/// for pairs whose pixel was not clipped, and a prior (f − f₀)/σ_f; σ = step/√12, the standard
/// deviation of a uniform quantisation error. Levenberg–Marquardt damping keeps each step
/// downhill; the minimum image is re-chosen at each evaluation.
void refineCoordinates(Structure& s, const std::vector<double>& block, const std::vector<bool>& usable,
                       int iterations) {
    const int n = static_cast<int>(s.size());
    if (n < 2) return;
    const double sigmaD = (kDistanceRange[1] - kDistanceRange[0]) / 255.0 / std::sqrt(12.0);
    const double sigmaF = 1.0 / 255.0 / std::sqrt(12.0);
    std::vector<Eigen::Vector3d> f0;
    for (const Site& site : s.sites()) f0.push_back(site.frac);
    const Eigen::Matrix3d lt = s.lattice().matrix().transpose();  // frac → Cartesian
    const int m = 3 * n;

    auto cost = [&](const std::vector<Eigen::Vector3d>& f) {
        double c = 0;
        for (int i = 0; i < n; ++i) {
            c += (f[i] - f0[i]).squaredNorm() / (sigmaF * sigmaF);
            for (int j = i + 1; j < n; ++j) {
                if (!usable[i * n + j]) continue;
                const double r = (s.lattice().minimumImageDistance(f[i], f[j]) - block[i * n + j]) / sigmaD;
                c += r * r;
            }
        }
        return c;
    };
    std::vector<Eigen::Vector3d> f = f0;
    double current = cost(f);
    double lambda = 1e-3;
    for (int it = 0; it < iterations; ++it) {
        Eigen::MatrixXd jtj = Eigen::MatrixXd::Zero(m, m);
        Eigen::VectorXd jtr = Eigen::VectorXd::Zero(m);
        for (int i = 0; i < n; ++i) {
            const Eigen::Vector3d r = (f[i] - f0[i]) / sigmaF;
            jtj.block<3, 3>(3 * i, 3 * i).diagonal().array() += 1.0 / (sigmaF * sigmaF);
            jtr.segment<3>(3 * i) += r / sigmaF;
            for (int j = i + 1; j < n; ++j) {
                if (!usable[i * n + j]) continue;
                const Eigen::Vector3d v = s.lattice().minimumImageVector(f[i], f[j]);  // i → j, Å
                const double d = v.norm();
                if (d < 1e-9) continue;
                const double r = (d - block[i * n + j]) / sigmaD;
                const Eigen::Vector3d gj = lt.transpose() * (v / d) / sigmaD;  // ∂r/∂f_j
                jtj.block<3, 3>(3 * j, 3 * j) += gj * gj.transpose();
                jtj.block<3, 3>(3 * i, 3 * i) += gj * gj.transpose();
                jtj.block<3, 3>(3 * i, 3 * j) -= gj * gj.transpose();
                jtj.block<3, 3>(3 * j, 3 * i) -= gj * gj.transpose();
                jtr.segment<3>(3 * j) += gj * r;
                jtr.segment<3>(3 * i) -= gj * r;
            }
        }
        bool accepted = false;
        for (int attempt = 0; attempt < 8 && !accepted; ++attempt) {
            Eigen::MatrixXd a = jtj;
            a.diagonal() += lambda * jtj.diagonal();
            const Eigen::VectorXd step = a.ldlt().solve(-jtr);
            std::vector<Eigen::Vector3d> trial = f;
            for (int i = 0; i < n; ++i) trial[i] += step.segment<3>(3 * i);
            const double c = cost(trial);
            if (c < current) {
                f = std::move(trial);
                accepted = true;
                const bool converged = current - c < 1e-10 * (1 + current);
                current = c;
                lambda = std::max(lambda / 10, 1e-9);
                if (converged) it = iterations;
            } else {
                lambda *= 10;
            }
        }
        if (!accepted) break;
    }
    for (int i = 0; i < n; ++i) s.sites()[i].frac = f[i];
}

}  // namespace

DecodedCrystal decodeXtal2Png(const Xtal2PngImage& image, const Xtal2PngDecodeOptions& options) {
    const int side = image.side;
    if (side < kEncodingHeaderWidth + 1 || image.pixels.size() != static_cast<std::size_t>(side) * side) {
        throw ValueError("xtal2png: an image of " + std::to_string(side) + " × " + std::to_string(side) +
                         " pixels cannot hold a crystal");
    }
    const int maxSites = image.maxSites > 0 ? std::min(image.maxSites, side - kEncodingHeaderWidth)
                                            : side - kEncodingHeaderWidth;
    constexpr int h = kEncodingHeaderWidth;

    int n = 0;
    if (options.legacyLayout) {
        while (n < maxSites && (image(h + n, 7) != 0 || image(h + n, 8) != 0 || image(h + n, 9) != 0)) ++n;
        if (n == 0) throw ValueError("xtal2png (≤ 0.7 layout): no site row has lattice angles (not an xtal2png image)");
    } else {
        double nSum = 0;
        int nCount = 0;
        for (auto [r, k] : {std::pair{h, 10}, std::pair{h + 1, 10}, std::pair{10, h}, std::pair{10, h + 1}}) {
            if (r < side && k < side && image(r, k) != 0) {
                nSum += image(r, k);
                ++nCount;
            }
        }
        if (nCount == 0) throw ValueError("xtal2png: the site-count pixels are all zero (not an xtal2png image)");
        n = std::clamp(static_cast<int>(std::nearbyint(unscale(nSum / nCount, 0, maxSites))), 1, maxSites);
    }

    auto header = [&](int i, int f) { return (image(h + i, f) + image(f, h + i)) / 2.0; };
    double cell[6];
    for (int k = 0; k < 6; ++k) {
        double sum = 0;
        int count = 0;
        for (int i = 0; i < n; ++i) {
            const double v = header(i, 4 + k);
            if (v != 0) {
                sum += v;
                ++count;
            }
        }
        if (count == 0) throw ValueError("xtal2png: the lattice pixels are all zero");
        cell[k] = k < 3 ? unscale(sum / count, kLengthRange[k][0], kLengthRange[k][1])
                        : unscale(sum / count, kAngleRange[0], kAngleRange[1]);
    }
    double sgSum = 0;
    int sgCount = 0;
    for (int i = 0; i < n; ++i) {
        if (header(i, 11) != 0) {
            sgSum += header(i, 11);
            ++sgCount;
        }
    }
    DecodedCrystal out;
    out.headerSpaceGroup =
        sgCount ? static_cast<int>(std::nearbyint(unscale(sgSum / sgCount, kSpaceGroupRange[0], kSpaceGroupRange[1]))) : 0;

    Lattice lattice;
    try {
        lattice = Lattice::fromParameters({cell[0], cell[1], cell[2], cell[3], cell[4], cell[5]});
    } catch (const ValueError& e) {
        throw ValueError(std::string("xtal2png: the decoded lattice parameters are impossible: ") + e.what());
    }
    Structure s{lattice, {}};
    for (int i = 0; i < n; ++i) {
        // ≤ 0.7 scaled Z itself over 0…117; later versions E = Z − 1.
        const int offset = options.legacyLayout ? 0 : 1;
        const int z = std::clamp(nearestTiesLow(unscale(header(i, 0), kElementRange[0], kElementRange[1])) + offset, 1,
                                 kMaxAtomicNumber);
        Eigen::Vector3d frac;
        for (int k = 0; k < 3; ++k) frac[k] = unscale(header(i, 1 + k), kFracRange[0], kFracRange[1]);
        s.addSite({z, frac, element(z).symbol, 1.0});
    }

    std::vector<double> block(static_cast<std::size_t>(n) * n, 0.0);
    std::vector<bool> usable(block.size(), false);
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < n; ++j) {
            if (i == j) continue;
            const double pixel = (image(h + i, h + j) + image(h + j, h + i)) / 2.0;
            block[i * n + j] = unscale(pixel, kDistanceRange[0], kDistanceRange[1]);
            usable[i * n + j] = image(h + i, h + j) < 255 && image(h + j, h + i) < 255;  // not clipped
        }
    }
    out.pairwiseErrorBefore = minimumImagePairwiseError(s, block);
    if (options.refine) refineCoordinates(s, block, usable, options.refineIterations);
    out.pairwiseErrorAfter = options.refine ? minimumImagePairwiseError(s, block) : out.pairwiseErrorBefore;

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

void writeXtal2PngFile(const std::string& path, const Xtal2PngImage& image) {
    writeFileAtomically(path, encodePng(image.side, image.side, 1, 8, image.pixels.data()));
}

Xtal2PngImage readXtal2PngFile(const std::string& path) {
    Xtal2PngImage image;
    const bool npy = path.size() >= 4 && path.compare(path.size() - 4, 4, ".npy") == 0;
    if (npy) {
        NpyArray a = readNpy(path);
        if (a.dtype != NpyDtype::UInt8 || a.shape.size() != 2 || a.shape[0] != a.shape[1]) {
            throw FormatError(path, "data", "an xtal2png array must be a square 2-D uint8 array");
        }
        image.side = static_cast<int>(a.shape[0]);
        image.pixels = std::move(a.u8);
    } else {
        const PngPixels png = readPng(path);
        // Generative models often save RGB(A): the colour channels are averaged (alpha
        // ignored) and rounded half to even, as NumPy would.
        const int colours = png.channels >= 3 ? 3 : 1;
        if (png.bitDepth != 8 || png.channels == 2) {
            throw FormatError(path, "", "an xtal2png image must be 8-bit grayscale (PNG mode \"L\") or RGB(A), this one has " +
                                            std::to_string(png.channels) + " channel(s) of " +
                                            std::to_string(png.bitDepth) + " bits");
        }
        if (png.width != png.height) throw FormatError(path, "", "an xtal2png image must be square");
        image.side = png.width;
        image.pixels.resize(static_cast<std::size_t>(png.width) * png.height);
        for (std::size_t i = 0; i < image.pixels.size(); ++i) {
            double sum = 0;
            for (int c = 0; c < colours; ++c) sum += png.samples[i * png.channels + c];
            image.pixels[i] = static_cast<std::uint8_t>(std::nearbyint(sum / colours));
        }
    }
    if (image.side < kEncodingHeaderWidth + 1) {
        throw FormatError(path, "", "image too small for xtal2png (at least 13 × 13 pixels)");
    }
    return image;
}

}  // namespace cw
