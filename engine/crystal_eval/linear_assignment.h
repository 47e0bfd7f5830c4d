#pragma once
/// @file The linear assignment problem (minimum-cost perfect matching of a square cost matrix),
/// solved by the shortest-augmenting-path Hungarian method with potentials (Kuhn 1955; Jonker &
/// Volgenant, Computing 38, 325–340, 1987), O(n³). The structure matcher pairs sites with it.

#include <cstddef>
#include <vector>

namespace cw {

/// Reusable solver: keeps its buffers between calls, so repeated solves do not allocate. One
/// instance per thread (not thread-safe); distinct instances are independent.
class LinearAssignmentSolver {
public:
    /// Minimum of Σᵢ cost[i][σ(i)] over permutations σ of an n×n matrix stored row-major
    /// (`cost[i * n + j]`). An entry of +infinity forbids that pair. Writes σ into
    /// `rowToColumn` (resized to n) and returns the minimum, or +infinity (σ unspecified) when
    /// every permutation uses a forbidden pair. n = 0 gives 0. Throws nothing; NaN costs give
    /// an unspecified result.
    double solve(const double* cost, std::size_t n, std::vector<int>& rowToColumn);

private:
    std::vector<double> m_rowPotential, m_columnPotential, m_minSlack;
    std::vector<int> m_columnOwner, m_previousColumn;
    std::vector<char> m_visited;
};

}  // namespace cw
