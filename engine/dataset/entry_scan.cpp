#include "dataset/entry_scan.h"

#include "core/problem_log.h"
#include "io/structure_stream.h"

namespace cw {

std::vector<SkippedEntry> scanShardEntries(const std::vector<std::string>& inputs, int shardIndex,
                                           int shardCount, const EntryObserver& observe,
                                           const EntryConsumer& consume, std::stop_token stop) {
    const auto mine = [&](std::size_t g) {
        return g % static_cast<std::size_t>(shardCount) == static_cast<std::size_t>(shardIndex);
    };
    ProblemLog problems;
    std::vector<SkippedEntry> unreadable;
    std::size_t offset = 0;
    std::size_t gapsSeen = 0;
    bool stopped = false;
    const auto noteGaps = [&](std::size_t from, std::size_t to) {  // bad entries [from, to)
        for (std::size_t i = from; i < to; ++i, ++gapsSeen) {
            const std::size_t g = offset + i;
            if (!mine(g)) continue;
            SkippedEntry item{g, "", "unreadable", ""};
            if (gapsSeen < problems.problems().size()) {
                const Problem& pr = problems.problems()[gapsSeen];
                item.detail = pr.where + ": " + pr.reason;
            }
            unreadable.push_back(std::move(item));
        }
    };
    for (const std::string& input : inputs) {
        const std::size_t problemsBefore = problems.count();
        std::size_t next = 0;  // next expected entry index in this file
        const std::size_t delivered = forEachStructure(
            input,
            [&](Structure&& s, std::size_t index) {
                noteGaps(next, index);
                next = index + 1;
                const std::size_t g = offset + index;
                if (observe) observe(s, g);
                if (!mine(g)) return !stop.stop_requested();
                if (!consume(std::move(s), g)) stopped = true;
                return !stopped && !stop.stop_requested();
            },
            problems, stop);
        if (stopped || stop.stop_requested()) break;
        const std::size_t entries = delivered + (problems.count() - problemsBefore);
        noteGaps(next, entries);
        offset += entries;
    }
    return unreadable;
}

}  // namespace cw
