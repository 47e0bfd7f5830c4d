#pragma once
// Opening what the user points at: a single structure file opens directly; a collection (an
// MP / Alexandria JSON array, a multi-block CIF, a folder) fills the collection browser, which
// opens its first entry. Keeps the recent-files list (QSettings) and reports problems.

#include <QObject>
#include <QStringList>
#include <memory>

#include "crystal/structure.h"
#include "ecd/chgcar.h"

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

    /// True for the names of VASP volumetric files (CHGCAR, AECCAR0/1/2, ELFCAR, LOCPOT, also
    /// with a prefix, suffix or .gz / .bz2), which open through readChgcar.
    static bool isVolumetricFile(const QString& path);

    QStringList recentFiles() const;
    void clearRecentFiles();

    static constexpr int kMaxRecentFiles = 10;

Q_SIGNALS:
    /// A crystal to show; `source` names where it came from ("file" or "file — id").
    void structureOpened(const cw::Structure& structure, const QString& source);
    /// After structureOpened, when the file was a VASP volumetric file (CHGCAR…): its density.
    void chgcarOpened(std::shared_ptr<const cw::ChgcarData> data);
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
