#include "progress_line.h"

#include <cmath>
#include <cstdio>
#include <unistd.h>

namespace cw::cli {

std::string formatDuration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return "?";
    char text[64];
    const long s = std::lround(seconds);
    if (s >= 3600) std::snprintf(text, sizeof text, "%ld h %02ld min", s / 3600, (s % 3600) / 60);
    else if (s >= 60) std::snprintf(text, sizeof text, "%ld min %02ld s", s / 60, s % 60);
    else std::snprintf(text, sizeof text, "%ld s", s);
    return text;
}

ProgressLine::ProgressLine(std::string unit, bool force)
    : m_unit(std::move(unit)),
      m_enabled(force || ::isatty(STDERR_FILENO)),
      m_start(std::chrono::steady_clock::now()),
      m_lastDraw(m_start) {}

ProgressLine::~ProgressLine() { finish(); }

void ProgressLine::report(const ProgressEvent& event) {
    m_last = event;
    if (m_baseStep < 0) {
        // Rates count from the first report, so a resumed job (starting at step 5000) gets a
        // true rate and ETA.
        m_baseStep = event.step;
        m_baseTime = std::chrono::steady_clock::now();
    }
    if (!m_enabled) return;
    const auto now = std::chrono::steady_clock::now();
    if (m_drawn && now - m_lastDraw < std::chrono::milliseconds(200)) return;
    m_lastDraw = now;
    draw(event, false);
}

void ProgressLine::finish() {
    if (m_drawn) draw(m_last, true);
    m_drawn = false;
}

void ProgressLine::draw(const ProgressEvent& event, bool final) {
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    const double sinceBase =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - m_baseTime).count();
    const double rate = event.step > m_baseStep && sinceBase > 0
                            ? static_cast<double>(event.step - m_baseStep) / sinceBase
                            : 0.0;
    std::string line = "\r" + event.stage + "  " + std::to_string(event.step);
    if (event.total > 0) {
        char pct[32];
        std::snprintf(pct, sizeof pct, "/%lld  %.1f%%", static_cast<long long>(event.total),
                      100.0 * static_cast<double>(event.step) / static_cast<double>(event.total));
        line += pct;
    }
    char rateText[64];
    std::snprintf(rateText, sizeof rateText, rate < 10 ? "  %.2g %s/s" : "  %.0f %s/s", rate,
                  m_unit.c_str());
    line += rateText;
    for (const auto& [name, value] : event.scalars) {
        char scalar[96];
        std::snprintf(scalar, sizeof scalar, "  %s %.4g", name.c_str(), value);
        line += scalar;
    }
    if (final) line += "  done in " + formatDuration(elapsed);
    else if (event.total > 0 && rate > 0)
        line += "  ETA " + formatDuration(static_cast<double>(event.total - event.step) / rate);
    line += "\x1b[K";  // clear the rest of the previous, longer line
    if (final) line += "\n";
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
    m_drawn = true;
}

}  // namespace cw::cli
