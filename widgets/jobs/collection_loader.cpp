#include "jobs/collection_loader.h"

#include <QElapsedTimer>
#include <exception>

#include "core/error.h"
#include "core/problem_log.h"
#include "crystal/elements.h"
#include "io/structure_stream.h"

namespace cw {

namespace {
constexpr std::size_t kBatchEntries = 500;
constexpr qint64 kBatchIntervalMs = 100;  // ≤ 10 signals a second for slow (compressed) files
}  // namespace

CollectionLoader::CollectionLoader(QString path, quint64 generation, QObject* parent)
    : Job(Pause::Unsupported, parent), m_path(std::move(path)), m_generation(generation) {
    setObjectName("collection loader");
}

void CollectionLoader::execute() {
    const QString& path = m_path;
    const quint64 generation = m_generation;
    const std::stop_token stop = cancelToken();
    ProblemLog problems;
    CollectionBatch batch;
    std::size_t problemsSent = 0;
    qint64 read = 0;
    QElapsedTimer sinceFlush;
    sinceFlush.start();
    auto flush = [&] {
        for (; problemsSent < problems.problems().size(); ++problemsSent) {
            const Problem& p = problems.problems()[problemsSent];
            batch.problems << QString::fromStdString(p.where + ": " + p.reason);
        }
        batch.entriesRead = read;
        Q_EMIT batchReady(generation, batch);
        batch = CollectionBatch{};
        sinceFlush.restart();
    };
    std::size_t delivered = 0;
    QString error;
    try {
        delivered = forEachStructure(
            path.toStdString(),
            [&](Structure&& structure, std::size_t index) {
                read = static_cast<qint64>(index) + 1;
                CollectionEntry entry;
                entry.formula = QString::fromStdString(structure.reducedFormula());
                QStringList symbols;
                for (int z : structure.elements()) symbols << element(z).symbol;
                entry.elements = symbols.join(' ');
                entry.record = CrystalRecord::of(structure);  // for the filter, built off the GUI thread
                entry.structure = std::move(structure);
                batch.entries.push_back(std::move(entry));
                if (batch.entries.size() >= kBatchEntries ||
                    sinceFlush.elapsed() >= kBatchIntervalMs)
                    flush();
                return !stop.stop_requested();
            },
            problems, stop);
    } catch (const std::exception& e) {
        error = QString::fromStdString(e.what());
    }
    flush();
    Q_EMIT finished(generation, static_cast<qint64>(delivered),
                    static_cast<qint64>(problems.count()), stop.stop_requested(), error);
}

}  // namespace cw
