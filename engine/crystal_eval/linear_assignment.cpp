#include "crystal_eval/linear_assignment.h"

#include <algorithm>
#include <limits>

namespace cw {

double LinearAssignmentSolver::solve(const double* cost, std::size_t n,
                                     std::vector<int>& rowToColumn) {
    constexpr double kInf = std::numeric_limits<double>::infinity();
    rowToColumn.assign(n, -1);
    if (n == 0) return 0;
    // 1-based with a virtual column 0 that holds the row being inserted.
    m_rowPotential.assign(n + 1, 0.0);
    m_columnPotential.assign(n + 1, 0.0);
    m_columnOwner.assign(n + 1, 0);
    m_previousColumn.assign(n + 1, 0);
    m_minSlack.resize(n + 1);
    m_visited.resize(n + 1);
    double* u = m_rowPotential.data();
    double* v = m_columnPotential.data();
    int* owner = m_columnOwner.data();
    int* way = m_previousColumn.data();
    double* minSlack = m_minSlack.data();
    char* visited = m_visited.data();

    for (std::size_t row = 1; row <= n; ++row) {
        owner[0] = static_cast<int>(row);
        std::size_t column = 0;
        std::fill(minSlack, minSlack + n + 1, kInf);
        std::fill(visited, visited + n + 1, 0);
        // Grow a tree of tight edges (Dijkstra on reduced costs) until a free column is reached.
        do {
            visited[column] = 1;
            const std::size_t i0 = static_cast<std::size_t>(owner[column]);
            const double* costRow = cost + (i0 - 1) * n;
            double delta = kInf;
            std::size_t next = 0;
            for (std::size_t j = 1; j <= n; ++j) {
                if (visited[j]) continue;
                const double slack = costRow[j - 1] - u[i0] - v[j];
                if (slack < minSlack[j]) {
                    minSlack[j] = slack;
                    way[j] = static_cast<int>(column);
                }
                if (minSlack[j] < delta) {
                    delta = minSlack[j];
                    next = j;
                }
            }
            if (next == 0) return kInf;  // only forbidden pairs remain reachable
            for (std::size_t j = 0; j <= n; ++j) {
                if (visited[j]) {
                    u[owner[j]] += delta;
                    v[j] -= delta;
                } else {
                    minSlack[j] -= delta;
                }
            }
            column = next;
        } while (owner[column] != 0);
        // Flip the augmenting path.
        do {
            const std::size_t previous = static_cast<std::size_t>(way[column]);
            owner[column] = owner[previous];
            column = previous;
        } while (column != 0);
    }
    double total = 0;
    for (std::size_t j = 1; j <= n; ++j) {
        rowToColumn[static_cast<std::size_t>(owner[j] - 1)] = static_cast<int>(j - 1);
    }
    for (std::size_t i = 0; i < n; ++i)
        total += cost[i * n + static_cast<std::size_t>(rowToColumn[i])];
    return total;
}

}  // namespace cw
