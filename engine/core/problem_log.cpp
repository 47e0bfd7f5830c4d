#include "core/problem_log.h"

namespace cw {

void ProblemLog::add(std::string where, std::string reason) {
    ++m_count;
    if (m_problems.size() < m_maxKept) m_problems.push_back({std::move(where), std::move(reason)});
}

}  // namespace cw
