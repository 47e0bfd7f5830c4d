#include "ml/openmp_wait_policy.h"

#include <cstdlib>

namespace cw::ml {

std::string openMpWaitPolicy() {
    const char* value = std::getenv("OMP_WAIT_POLICY");
    if (value && std::getenv("CW_OMP_WAIT_POLICY_BY_CWB")) return "passive (set by cwb before loading LibTorch)";
    if (value) return std::string(value) + " (from OMP_WAIT_POLICY)";
    return "libgomp's default (spin briefly, then sleep); export OMP_WAIT_POLICY=PASSIVE on a shared machine";
}

}  // namespace cw::ml
