#pragma once
// The Samples panel: the newest sample grid of the selected run (RUN/samples/step-N.png) with
// its step, refreshed when training reports a grid or the samples folder changes; also shows
// the grid of a finished Sample… job.

#include <QPixmap>
#include <QString>
#include <QWidget>

class QFileSystemWatcher;
class QLabel;

namespace cw {

class SamplesPanel : public QWidget {
    Q_OBJECT
public:
    explicit SamplesPanel(QWidget* parent = nullptr);

    /// Shows the newest grid of `runDir` ("" clears) and follows its samples folder.
    void showRun(const QString& runDir);
    QString runDirectory() const { return m_runDir; }
    /// The image shown ("" when none) and its caption.
    QString imagePath() const { return m_imagePath; }
    QString caption() const;

public Q_SLOTS:
    /// Training wrote a grid: shown when it belongs to the run on display.
    void onSampleGrid(const QString& path, qint64 step);
    /// Shows any image (the grid of a Sample… job) with a caption.
    void showImage(const QString& path, const QString& caption);
    /// Re-reads the newest grid of the run on display.
    void reload();

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void display();
    void watch(const QString& folder);

    QString m_runDir;
    QString m_imagePath;
    QPixmap m_pixmap;
    QLabel* m_image;
    QLabel* m_caption;
    QFileSystemWatcher* m_watcher;
};

}  // namespace cw
