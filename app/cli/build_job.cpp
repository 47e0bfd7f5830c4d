#include "build_job.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>

#include "core/error.h"

namespace cw::cli {
namespace {

// A signal handler may only touch a lock-free atomic: the watcher thread does the rest.
std::atomic<bool> g_interrupted{false};
extern "C" void onInterrupt(int) { g_interrupted.store(true); }

int parseWhole(const std::string& text, const std::string& whole) {
    try {
        std::size_t used = 0;
        const int v = std::stoi(text, &used);
        if (used == text.size()) return v;
    } catch (const std::exception&) {
    }
    throw ConfigError("--shard takes I/N, not '" + whole + "'");
}

}  // namespace

InterruptToStop::InterruptToStop() {
    g_interrupted.store(false);
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    m_watcher = std::jthread([this](std::stop_token done) {
        while (!done.stop_requested()) {
            if (g_interrupted.load()) {
                m_source.request_stop();
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    });
}

InterruptToStop::~InterruptToStop() {
    m_watcher.request_stop();
    m_watcher.join();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
}

std::pair<int, int> parseShard(const std::string& text) {
    const std::size_t slash = text.find('/');
    if (slash == std::string::npos) throw ConfigError("--shard takes I/N, not '" + text + "'");
    return {parseWhole(text.substr(0, slash), text), parseWhole(text.substr(slash + 1), text)};
}

std::optional<double> parseMaxEAboveHull(const std::string& text) {
    if (text == "off") return std::nullopt;
    try {
        std::size_t used = 0;
        const double v = std::stod(text, &used);
        if (used == text.size() && v >= 0) return v;
    } catch (const std::exception&) {
    }
    throw ConfigError("--max-e-above-hull takes a non-negative energy (eV/atom) or 'off', not '" +
                      text + "'");
}

int reportInterruptedBuild(std::size_t finishedShards, const std::string& outDir) {
    std::fprintf(stderr,
                 "cwb: interrupted; %zu finished shard(s) are kept in %s. Re-run the same "
                 "command to resume.\n",
                 finishedShards, outDir.c_str());
    return 1;
}

void printSkipSummary(const std::map<std::string, std::size_t>& skippedByReason) {
    std::size_t skipped = 0;
    for (const auto& [reason, n] : skippedByReason) skipped += n;
    std::printf("skipped %zu structure(s)", skipped);
    const char* separator = ": ";
    for (const auto& [reason, n] : skippedByReason) {
        std::printf("%s%s %zu", separator, reason.c_str(), n);
        separator = ", ";
    }
    std::printf("\n");
}

}  // namespace cw::cli
