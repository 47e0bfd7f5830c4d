#pragma once
// Opening what the user points at: a single structure file opens directly; a collection (an
// MP / Alexandria JSON array, a multi-block CIF, a folder) fills the collection browser, which
// opens its first entry. Keeps the recent-files list (QSettings) and reports problems.

#include <QObject>
#include <QStringList>

#include "crystal/structure.h"

class QWidget;

namespace cw {

class CollectionBrowser;

class FileController : public QObject {
    Q_OBJECT
public:
    /// `dialogParent` owns the error dialogs; `browser` receives collections.
    FileController(CollectionBrowser* browser, QWidget* dialogParent, QObject* parent = nullptr);

    /// Opens `path` (file or folder). On error emits errorReported, shows a dialog unless
    /// `quiet`, keeps the current crystal and returns false.
    bool open(const QString& path, bool quiet = false);

    QStringList recentFiles() const;
    void clearRecentFiles();

    static constexpr int kMaxRecentFiles = 10;

Q_SIGNALS:
    /// A crystal to show; `source` names where it came from ("file" or "file — id").
    void structureOpened(const cw::Structure& structure, const QString& source);
    void errorReported(const QString& message);
    void infoReported(const QString& message);
    void recentFilesChanged();

private:
    void remember(const QString& path);
    void fail(const QString& message, bool quiet);

    CollectionBrowser* m_browser;
    QWidget* m_dialogParent;
};

}  // namespace cw
