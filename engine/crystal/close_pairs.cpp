#include "crystal/close_pairs.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <unordered_map>

namespace cw {

PeriodicNearTest::PeriodicNearTest(const Lattice& l) : lattice(l) {
    const Eigen::Matrix3d reciprocal = l.reciprocalRows();
    for (int i = 0; i < 3; ++i) reach[i] = reciprocal.row(i).norm();
}

bool PeriodicNearTest::operator()(const Eigen::Vector3d& f1, const Eigen::Vector3d& f2, double cutoffA) const {
    for (int i = 0; i < 3; ++i) {
        double d = f2[i] - f1[i];
        d -= std::round(d);
        if (std::abs(d) > cutoffA * reach[i] + 1e-12) return false;
    }
    return lattice.minimumImageDistance(f1, f2) < cutoffA;
}

Eigen::Vector3d wrapFractional(Eigen::Vector3d f) {
    for (int i = 0; i < 3; ++i) {
        f[i] -= std::floor(f[i]);
        if (f[i] >= 1.0) f[i] = 0.0;
    }
    return f;
}

std::vector<std::pair<std::size_t, std::size_t>> closeSitePairs(const std::vector<Site>& sites,
                                                                const PeriodicNearTest& near, double cutoffA) {
    std::vector<std::pair<std::size_t, std::size_t>> pairs;
    long n[3];
    for (int i = 0; i < 3; ++i) {
        const double width = cutoffA * near.reach[i] + 1e-12;
        n[i] = static_cast<long>(std::min(std::floor(1.0 / width), double(1 << 20)));
    }
    if (n[0] < 3 || n[1] < 3 || n[2] < 3) {
        for (std::size_t i = 0; i < sites.size(); ++i)
            for (std::size_t j = i + 1; j < sites.size(); ++j)
                if (near(sites[i].frac, sites[j].frac, cutoffA)) pairs.emplace_back(i, j);
        return pairs;
    }
    auto cell = [&](const Eigen::Vector3d& f, int axis) {
        const double wrapped = f[axis] - std::floor(f[axis]);
        return std::min(static_cast<long>(wrapped * n[axis]), n[axis] - 1);
    };
    auto key = [&](long a, long b, long c) { return static_cast<std::uint64_t>((a * n[1] + b) * n[2] + c); };
    std::unordered_map<std::uint64_t, std::vector<std::size_t>> bins;
    for (std::size_t j = 0; j < sites.size(); ++j) {
        const long c[3] = {cell(sites[j].frac, 0), cell(sites[j].frac, 1), cell(sites[j].frac, 2)};
        for (long da = -1; da <= 1; ++da) {
            for (long db = -1; db <= 1; ++db) {
                for (long dc = -1; dc <= 1; ++dc) {
                    const auto found = bins.find(
                        key((c[0] + da + n[0]) % n[0], (c[1] + db + n[1]) % n[1], (c[2] + dc + n[2]) % n[2]));
                    if (found == bins.end()) continue;
                    for (std::size_t i : found->second)
                        if (near(sites[i].frac, sites[j].frac, cutoffA)) pairs.emplace_back(i, j);
                }
            }
        }
        bins[key(c[0], c[1], c[2])].push_back(j);
    }
    std::sort(pairs.begin(), pairs.end());
    return pairs;
}

}  // namespace cw
