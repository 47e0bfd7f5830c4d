#include "controllers/file_controller.h"

#include <QDir>
#include <QFileInfo>
#include <QMessageBox>
#include <QSettings>
#include <exception>
#include <optional>

#include "core/problem_log.h"
#include "io/structure_stream.h"
#include "panels/collection_browser.h"

namespace cw {

namespace {
const char* kRecentKey = "recentFiles";
}  // namespace

FileController::FileController(CollectionBrowser* browser, QWidget* dialogParent, QObject* parent)
    : QObject(parent), m_browser(browser), m_dialogParent(dialogParent) {
    connect(m_browser, &CollectionBrowser::structureActivated, this, [this](const Structure& s) {
        const QString id = QString::fromStdString(s.id());
        Q_EMIT structureOpened(s,
                               id.isEmpty() ? m_browser->path() : m_browser->path() + " — " + id);
    });
    connect(m_browser, &CollectionBrowser::loadFailed, this, &FileController::errorReported);
    connect(m_browser, &CollectionBrowser::message, this, &FileController::infoReported);
}

bool FileController::open(const QString& path, bool quiet) {
    const QFileInfo info(path);
    if (!info.exists()) {
        fail(QString("%1: no such file or folder").arg(path), quiet);
        return false;
    }
    if (info.isDir()) {
        m_browser->load(path, true);
        remember(path);
        return true;
    }
    if (isVolumetricFile(path)) {
        std::shared_ptr<const ChgcarData> data;
        try {
            data = std::make_shared<const ChgcarData>(readChgcar(path.toStdString()));
        } catch (const std::exception& e) {
            fail(QString::fromStdString(e.what()), quiet);
            return false;
        }
        remember(path);
        Q_EMIT infoReported(QString("Opened %1: %2 × %3 × %4 density grid")
                                .arg(path)
                                .arg(data->total.dims[0])
                                .arg(data->total.dims[1])
                                .arg(data->total.dims[2]));
        Q_EMIT structureOpened(data->structure, path);
        Q_EMIT chgcarOpened(data);
        return true;
    }
    // Read until a second structure appears: one means a structure file, two (or bad entries
    // beside the good one) a collection, which the browser reads again off the GUI thread.
    std::optional<Structure> first;
    bool more = false;
    ProblemLog problems;
    try {
        forEachStructure(
            path.toStdString(),
            [&](Structure&& s, std::size_t) {
                if (first) {
                    more = true;
                    return false;
                }
                first = std::move(s);
                return true;
            },
            problems);
    } catch (const std::exception& e) {
        if (!first) {
            fail(QString::fromStdString(e.what()), quiet);
            return false;
        }
        more = true;  // damaged after its first entry: the browser shows what can be read
    }
    if (first && (more || !problems.empty())) {
        m_browser->load(path, true);
        remember(path);
        return true;
    }
    if (!first) {
        fail(problems.empty() ? QString("%1: no structure in the file").arg(path)
                              : QString::fromStdString(problems.problems().front().where + ": " +
                                                       problems.problems().front().reason),
             quiet);
        return false;
    }
    if (!problems.empty()) {  // bad entries before the first good one: a collection
        m_browser->load(path, true);
        remember(path);
        return true;
    }
    remember(path);
    Q_EMIT infoReported(QString("Opened %1").arg(path));
    Q_EMIT structureOpened(*first, path);
    return true;
}

bool FileController::isVolumetricFile(const QString& path) {
    const QString name = QFileInfo(path).fileName().toUpper();
    for (const char* kind : {"CHGCAR", "AECCAR", "ELFCAR", "LOCPOT", "PARCHG"})
        if (name.contains(kind)) return true;
    return false;
}

void FileController::fail(const QString& message, bool quiet) {
    Q_EMIT errorReported(message);
    if (!quiet) QMessageBox::critical(m_dialogParent, "Cannot open crystal", message);
}

QStringList FileController::recentFiles() const {
    return QSettings().value(kRecentKey).toStringList();
}

void FileController::clearRecentFiles() {
    QSettings().remove(kRecentKey);
    Q_EMIT recentFilesChanged();
}

void FileController::remember(const QString& path) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList recent = recentFiles();
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > kMaxRecentFiles) recent.removeLast();
    QSettings().setValue(kRecentKey, recent);
    Q_EMIT recentFilesChanged();
}

}  // namespace cw
