#pragma once
// The CLI's progress line on stderr: "stage  1234/26959  4.6%  2310/s  ETA 11 s", redrawn at
// most 5 times a second, only when stderr is a terminal (or when forced, for logs).

#include <chrono>
#include <cstdint>
#include <string>

#include "core/progress.h"

namespace cw::cli {

class ProgressLine final : public ProgressSink {
public:
    explicit ProgressLine(std::string unit = "items", bool force = false);
    ~ProgressLine() override;
    void report(const ProgressEvent& event) override;
    /// Ends the line (prints the final state and a newline) if anything was drawn.
    void finish();

private:
    void draw(const ProgressEvent& event, bool final);

    std::string m_unit;
    bool m_enabled;
    bool m_drawn = false;
    ProgressEvent m_last;
    std::int64_t m_baseStep = -1;  ///< step of the first report (rates count from there)
    std::chrono::steady_clock::time_point m_baseTime;
    std::chrono::steady_clock::time_point m_start;
    std::chrono::steady_clock::time_point m_lastDraw;
};

/// "1 h 02 min", "3 min 04 s", "12 s".
std::string formatDuration(double seconds);

}  // namespace cw::cli
