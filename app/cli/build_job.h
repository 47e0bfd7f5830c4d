#pragma once
// What the data-set build commands (cwb ecd build, cwb crystens build) share: Ctrl-C turned into
// a clean stop request, and the parsing of their common options.

#include <cstddef>
#include <map>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <utility>

namespace cw::cli {

/// While alive, SIGINT and SIGTERM request a stop on token() instead of killing the process, so
/// a build finishes or abandons its current unit cleanly and a re-run resumes. The destructor
/// restores the default handlers. One at a time per process.
class InterruptToStop {
public:
    InterruptToStop();
    ~InterruptToStop();
    InterruptToStop(const InterruptToStop&) = delete;
    InterruptToStop& operator=(const InterruptToStop&) = delete;

    std::stop_token token() const { return m_source.get_token(); }
    bool requested() const { return m_source.stop_requested(); }

private:
    std::stop_source m_source;
    std::jthread m_watcher;  ///< turns the signal handler's flag into a stop request
};

/// "--shard I/N" → {I, N} (range checks are the builder's). Throws ConfigError.
std::pair<int, int> parseShard(const std::string& text);

/// "--max-e-above-hull": a non-negative energy (eV/atom), or "off" → nullopt. Throws
/// ConfigError.
std::optional<double> parseMaxEAboveHull(const std::string& text);

/// Tells the user on stderr that a build stopped with `finishedShards` kept in `outDir` and that
/// re-running the same command resumes; returns the exit code for it (bad input: 1).
int reportInterruptedBuild(std::size_t finishedShards, const std::string& outDir);

/// "skipped 3 structure(s): e_above_hull 2, too_many_sites 1" on stdout.
void printSkipSummary(const std::map<std::string, std::size_t>& skippedByReason);

}  // namespace cw::cli
