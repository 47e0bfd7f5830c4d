#pragma once
/// @file Collects per-item problems of a batch job (one bad entry in a collection) so that the
/// job reports them and goes on instead of stopping.

#include <cstddef>
#include <string>
#include <vector>

namespace cw {

/// A problem with one item of a batch: where (file and entry) and why.
struct Problem {
    std::string where;
    std::string reason;
};

/// Accumulates problems; keeps the first `maxKept` in full and counts the rest.
class ProblemLog {
public:
    explicit ProblemLog(std::size_t maxKept = 1000) : m_maxKept(maxKept) {}
    void add(std::string where, std::string reason);
    std::size_t count() const { return m_count; }
    const std::vector<Problem>& problems() const { return m_problems; }
    bool empty() const { return m_count == 0; }

private:
    std::size_t m_maxKept;
    std::size_t m_count = 0;
    std::vector<Problem> m_problems;
};

}  // namespace cw
