#pragma once
// The ECD slice panel: the live slice of the current plane through a colour map, its parameters
// (tolerance, window, size, σ, volume per atom, amplitude) and the atoms in the window. Slices
// are computed on a worker thread; the newest request wins and stale results are dropped.

#include <QImage>
#include <QThread>
#include <QWidget>
#include <memory>
#include <optional>

#include "core/png_image.h"
#include "crystal/structure.h"
#include "ecd/slicer.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;

namespace cw {

class SliceWorker;

class SlicePanel : public QWidget {
    Q_OBJECT
public:
    explicit SlicePanel(QWidget* parent = nullptr);
    ~SlicePanel() override;

    /// A new crystal: forgets the picks and the slice.
    void setStructure(const Structure& structure);
    /// The plane's picks: requests a slice.
    void setPicks(const PickTriple& picks);
    /// No plane: clears the picture.
    void clearPicks();

    /// Parameters shown in the spin boxes (sets them without one request per box).
    void setParameters(const SliceParameters& parameters);
    SliceParameters parameters() const;
    ColorMap colorMap() const;
    void setColorMap(ColorMap map);

    /// The last slice received for the current request, if any.
    const std::optional<SliceResult>& currentSlice() const { return m_slice; }
    /// The slice through the colour map, as shown (full resolution, before scaling to fit).
    QImage image() const { return m_image; }
    /// Milliseconds from the last request to its result on the GUI thread.
    double lastLatencyMs() const { return m_latencyMs; }

    /// The QImage of an engine image through a colour map (RGB888, size × size).
    static QImage toQImage(const Image& image, ColorMap map);

Q_SIGNALS:
    /// A slice for the latest request arrived (stale ones never emit).
    void sliceReady(const cw::SliceResult& result);
    /// The latest request failed (collinear picks, bad parameters…).
    void sliceFailed(const QString& message);
    void parametersChanged(const cw::SliceParameters& parameters);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void request();
    void onParametersEdited();
    void onFinished(quint64 id, const SliceResult& result, double computeMs);
    void onFailed(quint64 id, const QString& message);
    void showImage();

    QLabel* m_picture;
    QLabel* m_atomsLabel;
    QLabel* m_statusLabel;
    QDoubleSpinBox* m_tolerance;
    QDoubleSpinBox* m_window;
    QSpinBox* m_size;
    QDoubleSpinBox* m_sigma;
    QDoubleSpinBox* m_volumePerAtom;
    QComboBox* m_amplitude;
    QComboBox* m_colorMap;

    std::shared_ptr<const Structure> m_structure;
    std::optional<PickTriple> m_picks;
    std::optional<SliceResult> m_slice;
    QImage m_image;
    quint64 m_requestId = 0;
    qint64 m_requestStartNs = 0;
    double m_latencyMs = 0.0;
    bool m_settingParameters = false;

    QThread m_thread;
    SliceWorker* m_worker;
};

}  // namespace cw
