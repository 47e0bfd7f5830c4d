#pragma once
// Computes ECD slices off the GUI thread: a Job that runs for the slice panel's lifetime (its
// JobRunner's shutdown() ends it) and waits for requests. Latest wins: submit() replaces any
// request that has
// not started, so a burst of parameter changes costs one slice, not one per change. A slice that
// takes a millisecond can still be shown in the same frame as the change that asked for it: the
// GUI may wait a bounded time for it (waitFor) instead of a queued signal's trip through the
// event loop, which lands behind the 3D view's repaint.

#include <QString>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>

#include "crystal/structure.h"
#include "ecd/chgcar.h"
#include "ecd/slicer.h"
#include "jobs/job.h"

namespace cw {

/// One slice to compute: the structure is shared (immutable), the rest copied.
struct SliceRequest {
    quint64 id = 0;
    std::shared_ptr<const Structure> structure;
    SliceParameters parameters;
    PickTriple picks;
    /// When set (a CHGCAR is open), the real slice of its density is computed too.
    std::shared_ptr<const ChgcarData> chgcar;
};

/// What became of one request's synthetic slice.
struct SliceOutcome {
    quint64 id = 0;
    std::optional<SliceResult> result;  ///< empty: it failed with `error`
    QString error;
    double milliseconds = 0;
};

/// Lives in a worker QThread; submit() and waitFor() may be called from any thread.
class SliceWorker : public Job {
    Q_OBJECT
public:
    SliceWorker();

    /// Queues `request`, dropping any pending one that has not started.
    void submit(SliceRequest request);
    /// Waits at most `timeout` for the synthetic slice of request `id`; true, with `outcome`,
    /// when it was computed (or failed) in time. The signals are emitted all the same.
    bool waitFor(quint64 id, std::chrono::milliseconds timeout, SliceOutcome& outcome);

Q_SIGNALS:
    void finished(quint64 id, const cw::SliceResult& result, double milliseconds);
    void sliceFailed(quint64 id, const QString& message);
    /// The real (CHGCAR) slice of request `id`: ρ in e/Å³, not clamped.
    void realFinished(quint64 id, const cw::SliceResult& result);
    void realFailed(quint64 id, const QString& message);

private:
    /// Computes requests as they come until cancelled.
    void execute() override;
    void process(const SliceRequest& request);
    void publish(SliceOutcome outcome);

    std::mutex m_mutex;
    std::optional<SliceRequest> m_pending;
    std::condition_variable m_done;
    std::condition_variable_any m_wake;  // a request is pending (or the job stops)
    SliceOutcome m_latest;  // the last outcome, under m_mutex
    // The slicer of the last request, kept while structure and parameters stay the same
    // (worker thread only).
    std::shared_ptr<const Structure> m_slicerStructure;
    std::unique_ptr<Slicer> m_slicer;
};

}  // namespace cw

Q_DECLARE_METATYPE(cw::SliceResult)
