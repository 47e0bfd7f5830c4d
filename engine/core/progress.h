#pragma once
/// @file Progress reporting from long engine work to the CLI (a progress line) or the GUI
/// (a progress bar), without the engine knowing which.

#include <cstdint>
#include <map>
#include <string>

namespace cw {

/// One report of long work: `step` of `total` done in `stage` (total 0 = unknown), plus named
/// scalars such as {"loss": 0.12} or {"slices_per_s": 1500}.
struct ProgressEvent {
    std::string stage;
    std::int64_t step = 0;
    std::int64_t total = 0;
    std::map<std::string, double> scalars;
};

/// Receives progress events. Implementations must be cheap: the engine may call report() often.
class ProgressSink {
public:
    virtual ~ProgressSink() = default;
    virtual void report(const ProgressEvent& event) = 0;
};

/// Discards every event.
class NullProgressSink final : public ProgressSink {
public:
    void report(const ProgressEvent&) override {}
};

}  // namespace cw
