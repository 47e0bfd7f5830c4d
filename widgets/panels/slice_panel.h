#pragma once
// The ECD slice panel: the live slice of the current plane through a colour map, its parameters
// (tolerance, window, size, σ, volume per atom, amplitude) and the atoms in the window. Slices
// are computed on a worker thread; the newest request wins and stale results are dropped.

#include <QImage>
#include <QWidget>
#include <memory>
#include <optional>

#include "core/png_image.h"
#include "crystal/structure.h"
#include "ecd/chgcar.h"
#include "ecd/slicer.h"
#include "jobs/job_runner.h"

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
    /// A CHGCAR's density for the current structure (call after setStructure with its
    /// structure): every slice then also computes the real slice (sliceChgcar, same picks and
    /// parameters), shown beside the synthetic one. nullptr: synthetic only.
    void setChgcar(std::shared_ptr<const ChgcarData> chgcar);
    bool hasChgcar() const { return m_chgcar != nullptr; }
    /// A slice was asked for and has not come back yet (batch runs wait for it).
    bool sliceComputing() const { return m_awaitedId > m_deliveredId; }
    /// The real slice of the latest request (ρ in e/Å³), if a CHGCAR is open.
    const std::optional<SliceResult>& currentRealSlice() const { return m_realSlice; }
    /// The real slice through the colour map, scaled to its own maximum (as shown).
    QImage realImage() const { return m_realImage; }

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
    /// Zoom of the picture: 1 shows the whole slice, up to 32; wheel over the picture zooms about
    /// the cursor, a drag pans, a double click resets.
    double zoom() const { return m_zoom; }
    void setZoom(double zoom);
    /// The part of the slice shown (slice pixels; the whole image at zoom 1).
    QRectF visibleRect() const;
    /// Pans the visible part by (dx, dy) slice pixels (clamped to the image).
    void pan(double dx, double dy);

    /// How long a change waits for its slice before returning to the event loop: a slice ready
    /// by then is painted in the same frame as the change (the plane in the 3D view); a slower
    /// one arrives through the worker's signal.
    static constexpr int kSameFrameWaitMs = 20;
    /// Milliseconds from the last request to its result on the GUI thread.
    double lastLatencyMs() const { return m_latencyMs; }

    /// The slice with a colour bar as a figure: .png (`pngWidth` wide), .svg, .pdf; .npy writes the
    /// float32 slice. Throws ValueError without a slice, ConfigError (suffix), IoError.
    void exportFigure(const QString& path, int pngWidth = 1200) const;
    /// Asks for a file and exports (context menu, File → Export).
    void exportFigureDialog();

    /// The QImage of an engine image through a colour map (RGB888, size × size).
    static QImage toQImage(const Image& image, ColorMap map);

Q_SIGNALS:
    /// A slice for the latest request arrived (stale ones never emit). A fast slice is emitted
    /// before the call that asked for it (setPicks, a parameter change) returns: connect first.
    void sliceReady(const cw::SliceResult& result);
    /// The latest request failed (collinear picks, bad parameters…).
    void sliceFailed(const QString& message);
    void parametersChanged(const cw::SliceParameters& parameters);
    /// The real (CHGCAR) slice for the latest request arrived.
    void realSliceReady(const cw::SliceResult& result);

protected:
    void resizeEvent(QResizeEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void request();
    void onParametersEdited();
    void onFinished(quint64 id, const SliceResult& result, double computeMs);
    void onFailed(quint64 id, const QString& message);
    void showImage();
    void onRealFinished(quint64 id, const SliceResult& result);
    void onRealFailed(quint64 id, const QString& message);
    void showRealImage();

    QLabel* m_picture;
    QLabel* m_realPicture;
    QLabel* m_realCaption;
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
    std::shared_ptr<const ChgcarData> m_chgcar;
    std::optional<SliceResult> m_realSlice;
    QImage m_realImage;
    QImage m_image;
    quint64 m_requestId = 0;
    quint64 m_deliveredId = 0;  ///< the request whose outcome is shown (signal or wait)
    quint64 m_awaitedId = 0;    ///< the request the panel waits for (0: none)
    qint64 m_requestStartNs = 0;
    double m_latencyMs = 0.0;
    double m_zoom = 1.0;
    QPointF m_centre{0.5, 0.5};  ///< centre of the visible part, as a fraction of the image
    QPointF m_dragPos;
    bool m_dragging = false;
    bool m_settingParameters = false;

    SliceWorker* m_worker;  // owned by m_slicing
    JobRunner m_slicing{"sliceWorker"};
};

}  // namespace cw
