#include "crystal/supercell.h"

#include <cmath>
#include <string>

#include "core/error.h"

namespace cw {

Structure makeSupercell(const Structure& structure, const Eigen::Matrix3i& scaling) {
    const Eigen::Matrix3d m = scaling.cast<double>();
    const double det = m.determinant();
    if (std::abs(det) < 0.5) throw ValueError("supercell matrix is singular (determinant 0)");
    const Eigen::Matrix3d newRows = m * structure.lattice().matrix();
    const Eigen::Matrix3d toNewFrac = m.inverse().transpose();  // column form of (f + t) · M⁻¹

    // The new cell's corners in old fractional coordinates bound the translations to try.
    Eigen::Vector3d lo = Eigen::Vector3d::Constant(1e9), hi = Eigen::Vector3d::Constant(-1e9);
    for (int corner = 0; corner < 8; ++corner) {
        const Eigen::Vector3d n((corner & 1) ? 1 : 0, (corner & 2) ? 1 : 0, (corner & 4) ? 1 : 0);
        const Eigen::Vector3d p = m.transpose() * n;
        lo = lo.cwiseMin(p);
        hi = hi.cwiseMax(p);
    }

    constexpr double kEdge = 1e-8;  // fractional tolerance at the cell boundary
    std::vector<Site> sites;
    for (const Site& site : structure.sites()) {
        const Eigen::Vector3d f = site.frac.array() - site.frac.array().floor();
        for (int i = static_cast<int>(std::floor(lo[0])) - 1; i <= static_cast<int>(std::ceil(hi[0])); ++i) {
            for (int j = static_cast<int>(std::floor(lo[1])) - 1; j <= static_cast<int>(std::ceil(hi[1])); ++j) {
                for (int k = static_cast<int>(std::floor(lo[2])) - 1; k <= static_cast<int>(std::ceil(hi[2])); ++k) {
                    Eigen::Vector3d g = toNewFrac * (f + Eigen::Vector3d(i, j, k));
                    bool inside = true;
                    for (int d = 0; d < 3; ++d) {
                        // The image on the far face (g ≈ 1) is the same atom as the one at 0.
                        if (std::abs(g[d]) < kEdge) g[d] = 0.0;
                        if (g[d] < 0.0 || g[d] >= 1.0 - kEdge) inside = false;
                    }
                    if (!inside) continue;
                    Site image = site;
                    image.frac = g;
                    sites.push_back(std::move(image));
                }
            }
        }
    }
    const auto expected = static_cast<std::size_t>(std::llround(std::abs(det))) * structure.size();
    if (sites.size() != expected) {
        throw ValueError("supercell construction found " + std::to_string(sites.size()) +
                         " sites, expected " + std::to_string(expected) +
                         " (sites closer than 1e-8 to a cell face?)");
    }
    Structure result(Lattice(newRows), std::move(sites));
    result.setId(structure.id());
    result.properties() = structure.properties();
    return result;
}

Structure makeSupercell(const Structure& structure, int na, int nb, int nc) {
    if (na < 1 || nb < 1 || nc < 1) {
        throw ValueError("supercell repeats must be at least 1, got " + std::to_string(na) + "x" +
                         std::to_string(nb) + "x" + std::to_string(nc));
    }
    return makeSupercell(structure, Eigen::DiagonalMatrix<int, 3>(na, nb, nc).toDenseMatrix());
}

}  // namespace cw
