#pragma once
// Computes ECD slices off the GUI thread. Latest wins: submit() replaces any request that has
// not started, so a burst of parameter changes costs one slice, not one per change.

#include <QObject>
#include <QString>
#include <memory>
#include <mutex>
#include <optional>

#include "crystal/structure.h"
#include "ecd/chgcar.h"
#include "ecd/slicer.h"

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

/// Lives in a worker QThread; submit() may be called from any thread.
class SliceWorker : public QObject {
    Q_OBJECT
public:
    /// Queues `request`, dropping any pending one that has not started.
    void submit(SliceRequest request);

Q_SIGNALS:
    void finished(quint64 id, const cw::SliceResult& result, double milliseconds);
    void failed(quint64 id, const QString& message);
    /// The real (CHGCAR) slice of request `id`: ρ in e/Å³, not clamped.
    void realFinished(quint64 id, const cw::SliceResult& result);
    void realFailed(quint64 id, const QString& message);

private:
    void process();

    std::mutex m_mutex;
    std::optional<SliceRequest> m_pending;
    // The slicer of the last request, kept while structure and parameters stay the same
    // (worker thread only).
    std::shared_ptr<const Structure> m_slicerStructure;
    std::unique_ptr<Slicer> m_slicer;
};

}  // namespace cw

Q_DECLARE_METATYPE(cw::SliceResult)
