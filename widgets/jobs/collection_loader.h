#pragma once
// Reads a collection (an MP / Alexandria JSON file, a folder, a multi-block CIF…) off the GUI
// thread: a Job (JobRunner runs it, latest wins) that streams forEachStructure and sends the
// entries in batches by queued signals. Cancel stops between entries.

#include <QMetaType>
#include <QString>
#include <QStringList>
#include <vector>

#include "crystal/structure.h"
#include "io/crystal_query.h"
#include "jobs/job.h"

namespace cw {

/// One entry of a collection, with the strings the browser shows computed off the GUI thread.
struct CollectionEntry {
    Structure structure;
    QString formula;   ///< reduced formula, "Fe2O3"
    QString elements;  ///< element symbols in Z order, "O Fe"
    CrystalRecord record;  ///< what the filter's query reads
};

/// Entries read since the last batch and the problems met meanwhile ("file:entry 3 (mp-1): …").
struct CollectionBatch {
    std::vector<CollectionEntry> entries;
    QStringList problems;
    qint64 entriesRead = 0;  ///< entries read so far, bad ones included
};

/// Reads `path`; emits batchReady (at most every 100 ms or 500 entries), then exactly one
/// finished. `generation` comes back with every signal, so the browser can drop a replaced
/// load's last signals.
class CollectionLoader : public Job {
    Q_OBJECT
public:
    CollectionLoader(QString path, quint64 generation, QObject* parent = nullptr);

Q_SIGNALS:
    void batchReady(quint64 generation, const cw::CollectionBatch& batch);
    /// `error` is empty unless the file as a whole failed (entries before the damage were sent).
    void finished(quint64 generation, qint64 delivered, qint64 problems, bool cancelled,
                  const QString& error);

private:
    void execute() override;

    QString m_path;
    quint64 m_generation;
};

}  // namespace cw

Q_DECLARE_METATYPE(cw::CollectionBatch)
