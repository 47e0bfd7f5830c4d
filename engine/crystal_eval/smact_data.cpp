#include "crystal_eval/smact_data.h"

#include <limits>

namespace cw {
namespace {

constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

constexpr SmactElement kSmactElements[] = {
#include "crystal_eval/smact_tables.inc"
};

static_assert(sizeof(kSmactElements) / sizeof(kSmactElements[0]) == kSmactMaxAtomicNumber);

}  // namespace

const SmactElement* smactElement(int z) {
    if (z < 1 || z > kSmactMaxAtomicNumber) return nullptr;
    return &kSmactElements[z - 1];
}

}  // namespace cw
