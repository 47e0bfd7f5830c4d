#include "panels/samples_panel.h"

#include <QDir>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QLabel>
#include <QPixmap>
#include <QRegularExpression>
#include <QVBoxLayout>

#include "common/wrap_text.h"
#include "ml/run_directory.h"

namespace cw {

namespace {
// "…/step-00001200.png" → 1200, else −1.
qint64 stepOfGrid(const QString& path) {
    static const QRegularExpression pattern("step-(\\d+)\\.png$");
    const QRegularExpressionMatch match = pattern.match(path);
    return match.hasMatch() ? match.captured(1).toLongLong() : -1;
}
}  // namespace

SamplesPanel::SamplesPanel(QWidget* parent)
    : QWidget(parent),
      m_image(new QLabel),
      m_caption(new QLabel),
      m_watcher(new QFileSystemWatcher(this)) {
    m_image->setAlignment(Qt::AlignCenter);
    m_image->setMinimumSize(160, 160);
    m_image->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored);
    m_caption->setAlignment(Qt::AlignCenter);
    m_caption->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(m_image, 1);
    layout->addWidget(m_caption);
    // The trainer writes grids through a temporary file and a rename: the folder changes.
    connect(m_watcher, &QFileSystemWatcher::directoryChanged, this, &SamplesPanel::reload);
    display();
}

QString SamplesPanel::caption() const {
    return m_caption->text();
}

void SamplesPanel::showRun(const QString& runDir) {
    m_runDir = runDir;
    watch(runDir.isEmpty() ? QString()
                           : QString::fromStdString(ml::runSamplesDir(runDir.toStdString())));
    reload();
}

void SamplesPanel::reload() {
    m_imagePath.clear();
    if (!m_runDir.isEmpty()) {
        // The samples folder may appear only with the first grid: watch the run until then.
        const QString samples = QString::fromStdString(ml::runSamplesDir(m_runDir.toStdString()));
        if (!m_watcher->directories().contains(samples) && QFileInfo(samples).isDir())
            watch(samples);
        if (const auto grid = ml::latestSampleGrid(m_runDir.toStdString()))
            m_imagePath = QString::fromStdString(*grid);
    }
    display();
}

void SamplesPanel::onSampleGrid(const QString& path, qint64 step) {
    Q_UNUSED(step);
    if (m_runDir.isEmpty() ||
        QFileInfo(path).absolutePath() !=
            QFileInfo(QString::fromStdString(ml::runSamplesDir(m_runDir.toStdString())))
                .absoluteFilePath())
        return;
    reload();
}

void SamplesPanel::showImage(const QString& path, const QString& caption) {
    m_imagePath = path;
    display();
    m_caption->setText(breakablePaths(caption));
}

void SamplesPanel::watch(const QString& folder) {
    if (!m_watcher->directories().isEmpty()) m_watcher->removePaths(m_watcher->directories());
    if (folder.isEmpty()) return;
    const QString existing = QFileInfo(folder).isDir() ? folder : m_runDir;
    if (QFileInfo(existing).isDir()) m_watcher->addPath(existing);
}

void SamplesPanel::display() {
    m_pixmap = m_imagePath.isEmpty() ? QPixmap() : QPixmap(m_imagePath);
    if (m_pixmap.isNull()) {
        m_image->setPixmap(QPixmap());
        m_image->setText(m_runDir.isEmpty() ? "Select a run to see its samples"
                                            : "No sample grid yet");
        m_caption->setText(m_runDir.isEmpty() ? QString() : QFileInfo(m_runDir).fileName());
        return;
    }
    m_image->setText({});
    m_image->setPixmap(m_pixmap.scaled(m_image->size(), Qt::KeepAspectRatio,
                                       // Grids are small: keep their pixels sharp.
                                       Qt::FastTransformation));
    const qint64 step = stepOfGrid(m_imagePath);
    m_caption->setText(step >= 0
                           ? QString("%1 — step %2").arg(QFileInfo(m_runDir).fileName()).arg(step)
                           : QFileInfo(m_imagePath).fileName());
}

void SamplesPanel::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    if (!m_pixmap.isNull())
        m_image->setPixmap(
            m_pixmap.scaled(m_image->size(), Qt::KeepAspectRatio, Qt::FastTransformation));
}

}  // namespace cw
