#include "panels/slice_panel.h"

#include <QAction>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QGridLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QWheelEvent>
#include <QMessageBox>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <cstring>

#include "common/wrap_text.h"
#include "core/error.h"
#include "figures/figure_path.h"
#include "figures/figure_writer.h"
#include "jobs/slice_worker.h"

namespace cw {

namespace {

qint64 nowNs() {
    static QElapsedTimer clock = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    return clock.nsecsElapsed();
}

QDoubleSpinBox* doubleBox(const char* name, double lo, double hi, double step, int decimals,
                          const QString& suffix) {
    auto* box = new QDoubleSpinBox;
    box->setObjectName(name);
    box->setRange(lo, hi);
    box->setSingleStep(step);
    box->setDecimals(decimals);
    box->setSuffix(suffix);
    return box;
}

}  // namespace

SlicePanel::SlicePanel(QWidget* parent)
    : QWidget(parent),
      m_picture(new QLabel),
      m_realPicture(new QLabel),
      m_realCaption(new QLabel),
      m_atomsLabel(new QLabel),
      m_statusLabel(new QLabel),
      m_tolerance(doubleBox("tolerance", 0.001, 10.0, 0.05, 3, " Å")),
      m_window(doubleBox("window", 1.0, 500.0, 5.0, 1, " Å")),
      m_size(new QSpinBox),
      m_sigma(doubleBox("sigma", 0.01, 10.0, 0.05, 3, " Å")),
      m_volumePerAtom(doubleBox("volumePerAtom", 0.0, 200.0, 0.5, 2, " Å³")),
      m_amplitude(new QComboBox),
      m_colorMap(new QComboBox),
      m_worker(new SliceWorker) {
    // m_slicing owns the worker from here on; it runs until the panel goes.
    setObjectName("slicePanel");
    qRegisterMetaType<cw::SliceResult>();
    m_picture->setObjectName("slicePicture");
    m_picture->setAlignment(Qt::AlignCenter);
    m_picture->setMinimumSize(160, 160);
    // Ignored: the scaled pixmap must not feed back into the layout's size.
    m_picture->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored);
    m_picture->setText("Pick three atoms to define a plane");
    m_picture->setStyleSheet("QLabel { background: #111; color: #bbb; }");
    m_realPicture->setObjectName("realSlicePicture");
    m_realPicture->setAlignment(Qt::AlignCenter);
    m_realPicture->setMinimumSize(120, 120);
    m_realPicture->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored);
    m_realPicture->setStyleSheet("QLabel { background: #111; color: #bbb; }");
    m_realCaption->setObjectName("realSliceCaption");
    m_realCaption->setWordWrap(true);
    m_realPicture->hide();
    m_realCaption->hide();
    m_atomsLabel->setObjectName("atomsInWindow");
    m_statusLabel->setObjectName("sliceStatus");
    m_statusLabel->setWordWrap(true);

    m_size->setObjectName("size");
    m_size->setRange(8, 2048);
    m_size->setSingleStep(32);
    m_size->setSuffix(" px");
    m_volumePerAtom->setSpecialValueText("off");
    m_volumePerAtom->setToolTip("Scale the cell to this volume per atom before slicing; 0 = off");
    m_amplitude->setObjectName("amplitude");
    m_amplitude->addItem("uniform");
    m_amplitude->addItem("Z / Zmax");
    m_colorMap->setObjectName("colorMap");
    m_colorMap->addItem("viridis");
    m_colorMap->addItem("magma");
    m_colorMap->addItem("gray");

    // Two label–field pairs per row: the panel keeps its picture on a laptop's short column.
    auto* form = new QGridLayout;
    const std::pair<const char*, QWidget*> fields[] = {
        {"Tolerance", m_tolerance}, {"Window", m_window},           {"Size", m_size},
        {"σ", m_sigma},             {"Volume / atom", m_volumePerAtom}, {"Amplitude", m_amplitude},
        {"Colour map", m_colorMap}};
    for (int i = 0; i < static_cast<int>(std::size(fields)); ++i) {
        auto* label = new QLabel(fields[i].first);
        label->setBuddy(fields[i].second);
        form->addWidget(label, i / 2, (i % 2) * 2);
        form->addWidget(fields[i].second, i / 2, (i % 2) * 2 + 1);
    }
    form->setColumnStretch(1, 1);
    form->setColumnStretch(3, 1);
    auto* layout = new QVBoxLayout(this);
    auto* pictures = new QHBoxLayout;
    pictures->addWidget(m_picture, 1);
    pictures->addWidget(m_realPicture, 1);
    layout->addLayout(pictures, 1);
    layout->addWidget(m_realCaption);
    layout->addWidget(m_atomsLabel);
    layout->addWidget(m_statusLabel);
    layout->addLayout(form);

    setParameters(SliceParameters{});

    for (auto* box : {m_tolerance, m_window, m_sigma, m_volumePerAtom})
        connect(box, &QDoubleSpinBox::valueChanged, this, &SlicePanel::onParametersEdited);
    connect(m_size, &QSpinBox::valueChanged, this, &SlicePanel::onParametersEdited);
    connect(m_amplitude, &QComboBox::currentIndexChanged, this, &SlicePanel::onParametersEdited);
    connect(m_colorMap, &QComboBox::currentIndexChanged, this, [this] {
        if (m_slice) m_image = toQImage(m_slice->image, colorMap());
        showImage();
        showRealImage();
    });

    connect(m_worker, &SliceWorker::finished, this, &SlicePanel::onFinished, Qt::QueuedConnection);
    connect(m_worker, &SliceWorker::sliceFailed, this, &SlicePanel::onFailed, Qt::QueuedConnection);
    connect(m_worker, &SliceWorker::realFinished, this, &SlicePanel::onRealFinished,
            Qt::QueuedConnection);
    connect(m_worker, &SliceWorker::realFailed, this, &SlicePanel::onRealFailed,
            Qt::QueuedConnection);
    m_slicing.start(m_worker);

    auto* exportFigureAction = new QAction("Export Figure…", this);
    exportFigureAction->setObjectName("exportSliceFigure");
    connect(exportFigureAction, &QAction::triggered, this, &SlicePanel::exportFigureDialog);
    auto* exportNpyAction = new QAction("Export Slice as .npy…", this);
    exportNpyAction->setObjectName("exportSliceNpy");
    connect(exportNpyAction, &QAction::triggered, this, [this] {
        if (!m_slice) return;
        const QString path =
            QFileDialog::getSaveFileName(this, "Export slice", "slice.npy", "NumPy array (*.npy)");
        if (path.isEmpty()) return;
        try {
            exportFigure(path);
        } catch (const Error& e) {
            QMessageBox::warning(this, "Export slice", QString::fromStdString(e.what()));
        }
    });
    m_picture->addAction(exportFigureAction);
    m_picture->addAction(exportNpyAction);
    m_picture->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_picture->setToolTip("Wheel: zoom; drag: pan; double click: whole slice; right click: export");
    m_picture->installEventFilter(this);
}

void SlicePanel::exportFigure(const QString& path, int pngWidth) const {
    if (!m_slice) throw ValueError(path.toStdString() + ": there is no slice to export");
    const QString title = QString("ECD slice, %1 × %2 px, window %3 Å, σ %4 Å")
                              .arg(m_slice->image.rows)
                              .arg(m_slice->image.cols)
                              .arg(m_window->value())
                              .arg(m_sigma->value());
    writeSliceFigure(path, m_slice->image, colorMap(), title, pngWidth);
}

void SlicePanel::exportFigureDialog() {
    if (!m_slice) {
        QMessageBox::information(this, "Export figure", "Pick three atoms to get a slice first.");
        return;
    }
    const QString path = chooseSavePath(this, "Export slice figure", "slice.png",
                                        figureFileFilter() + ";;NumPy array of the slice (*.npy)");
    if (path.isEmpty()) return;
    try {
        exportFigure(path);
    } catch (const Error& e) {
        QMessageBox::warning(this, "Export figure", QString::fromStdString(e.what()));
    }
}

SlicePanel::~SlicePanel() = default;  // m_slicing stops the worker and joins its thread

void SlicePanel::setStructure(const Structure& structure) {
    m_structure = std::make_shared<const Structure>(structure);
    m_zoom = 1.0;
    m_centre = {0.5, 0.5};
    clearPicks();
    setChgcar(nullptr);
}

void SlicePanel::setPicks(const PickTriple& picks) {
    m_picks = picks;
    request();
}

void SlicePanel::clearPicks() {
    m_picks.reset();
    m_slice.reset();
    m_image = QImage();
    ++m_requestId;  // results still in flight are stale now
    m_awaitedId = 0;
    m_picture->setPixmap(QPixmap());
    m_picture->setText("Pick three atoms to define a plane");
    m_realSlice.reset();
    m_realImage = QImage();
    m_realPicture->setPixmap(QPixmap());
    m_atomsLabel->clear();
    m_statusLabel->clear();
}

void SlicePanel::setParameters(const SliceParameters& p) {
    m_settingParameters = true;
    m_tolerance->setValue(p.tolerance);
    m_window->setValue(p.window);
    m_size->setValue(p.size);
    m_sigma->setValue(p.sigma);
    m_volumePerAtom->setValue(p.volumePerAtom.value_or(0.0));
    m_amplitude->setCurrentIndex(p.amplitude == AmplitudeMode::Uniform ? 0 : 1);
    m_settingParameters = false;
    onParametersEdited();
}

SliceParameters SlicePanel::parameters() const {
    SliceParameters p;
    p.tolerance = m_tolerance->value();
    p.window = m_window->value();
    p.size = m_size->value();
    p.sigma = m_sigma->value();
    if (m_volumePerAtom->value() > 0.0)
        p.volumePerAtom = m_volumePerAtom->value();
    else
        p.volumePerAtom.reset();
    p.amplitude =
        m_amplitude->currentIndex() == 0 ? AmplitudeMode::Uniform : AmplitudeMode::AtomicNumber;
    return p;
}

ColorMap SlicePanel::colorMap() const {
    switch (m_colorMap->currentIndex()) {
        case 1:
            return ColorMap::Magma;
        case 2:
            return ColorMap::Gray;
        default:
            return ColorMap::Viridis;
    }
}

void SlicePanel::setColorMap(ColorMap map) {
    m_colorMap->setCurrentIndex(map == ColorMap::Magma ? 1 : map == ColorMap::Gray ? 2 : 0);
}

QImage SlicePanel::toQImage(const Image& image, ColorMap map) {
    const std::vector<std::uint8_t> rgb = applyColorMap(image, map);
    QImage out(image.cols, image.rows, QImage::Format_RGB888);
    for (int r = 0; r < image.rows; ++r)
        std::memcpy(out.scanLine(r), rgb.data() + static_cast<std::size_t>(r) * image.cols * 3,
                    static_cast<std::size_t>(image.cols) * 3);
    return out;
}

void SlicePanel::onParametersEdited() {
    if (m_settingParameters) return;
    Q_EMIT parametersChanged(parameters());
    request();
}

void SlicePanel::request() {
    if (!m_structure || !m_picks) return;
    SliceRequest r;
    r.id = ++m_requestId;
    r.structure = m_structure;
    r.parameters = parameters();
    r.picks = *m_picks;
    r.chgcar = m_chgcar;
    m_requestStartNs = nowNs();
    m_statusLabel->setText("Computing…");
    const quint64 id = r.id;
    m_awaitedId = id;
    m_worker->submit(std::move(r));
    SliceOutcome outcome;
    if (m_worker->waitFor(id, std::chrono::milliseconds(kSameFrameWaitMs), outcome)) {
        if (outcome.result)
            onFinished(id, *outcome.result, outcome.milliseconds);
        else
            onFailed(id, outcome.error);
    }
}

void SlicePanel::onFinished(quint64 id, const SliceResult& result, double computeMs) {
    // A newer request is on its way, or this one was delivered already (waited for, then its
    // queued signal).
    if (id != m_requestId || id == m_deliveredId) return;
    m_deliveredId = id;
    m_latencyMs = static_cast<double>(nowNs() - m_requestStartNs) / 1e6;
    m_slice = result;
    m_image = toQImage(result.image, colorMap());
    m_atomsLabel->setText(QString("Atoms in window: %1 (kept %2)")
                              .arg(result.metadata.atomsInWindow)
                              .arg(result.metadata.atomsKept));
    m_statusLabel->setText(QString("%1 × %1 px, pitch %2 Å; computed in %3 ms")
                               .arg(result.image.cols)
                               .arg(result.metadata.parameters.pitch(), 0, 'f', 4)
                               .arg(computeMs, 0, 'f', 1));
    showImage();
    Q_EMIT sliceReady(*m_slice);
}

void SlicePanel::onFailed(quint64 id, const QString& message) {
    if (id != m_requestId || id == m_deliveredId) return;
    m_deliveredId = id;
    m_slice.reset();
    m_image = QImage();
    m_picture->setPixmap(QPixmap());
    m_picture->setText("No slice");
    m_atomsLabel->clear();
    m_statusLabel->setText(message);
    Q_EMIT sliceFailed(message);
}

void SlicePanel::setChgcar(std::shared_ptr<const ChgcarData> chgcar) {
    m_chgcar = std::move(chgcar);
    m_realSlice.reset();
    m_realImage = QImage();
    m_realPicture->setPixmap(QPixmap());
    m_realPicture->setText("Real ρ (CHGCAR)");
    m_realPicture->setVisible(m_chgcar != nullptr);
    m_realCaption->setVisible(m_chgcar != nullptr);
    m_realCaption->setText(m_chgcar ? QString("Left: synthetic ECD; right: the CHGCAR's density "
                                              "on the same plane (%1 × %2 × %3 grid)")
                                          .arg(m_chgcar->total.dims[0])
                                          .arg(m_chgcar->total.dims[1])
                                          .arg(m_chgcar->total.dims[2])
                                    : QString());
    request();
}

void SlicePanel::onRealFinished(quint64 id, const SliceResult& result) {
    if (id != m_requestId || !m_chgcar) return;
    m_realSlice = result;
    showRealImage();
    float high = 0.0f;
    for (float v : result.image.data) high = std::max(high, v);
    m_realCaption->setText(QString("Left: synthetic ECD; right: CHGCAR ρ on the same plane, "
                                   "0 … %1 e/Å³ (scaled to its maximum)")
                               .arg(high, 0, 'g', 4));
    Q_EMIT realSliceReady(*m_realSlice);
}

void SlicePanel::onRealFailed(quint64 id, const QString& message) {
    if (id != m_requestId || !m_chgcar) return;
    m_realSlice.reset();
    m_realImage = QImage();
    m_realPicture->setPixmap(QPixmap());
    m_realPicture->setText("No real slice");
    m_realCaption->setText(breakablePaths(message));
}

void SlicePanel::showRealImage() {
    if (!m_realSlice) return;
    Image scaled = m_realSlice->image;
    float high = 0.0f;
    for (float v : scaled.data) high = std::max(high, v);
    if (high > 0.0f)
        for (float& v : scaled.data) v /= high;
    m_realImage = toQImage(scaled, colorMap());
    const QSize room = m_realPicture->contentsRect().size();
    const QRect visible = visibleRect().toAlignedRect().intersected(m_image.rect());
    QImage part = m_realImage;
    // The same part as the synthetic picture when both have the same size.
    if (m_zoom > 1.0 && m_realImage.size() == m_image.size()) part = m_realImage.copy(visible);
    m_realPicture->setPixmap(
        QPixmap::fromImage(part.scaled(room, Qt::KeepAspectRatio, Qt::FastTransformation)));
}

void SlicePanel::showImage() {
    if (m_image.isNull()) return;
    const QSize room = m_picture->contentsRect().size();
    const QRect visible = visibleRect().toAlignedRect().intersected(m_image.rect());
    const QImage part = m_zoom > 1.0 ? m_image.copy(visible) : m_image;
    m_picture->setPixmap(
        QPixmap::fromImage(part.scaled(room, Qt::KeepAspectRatio, Qt::FastTransformation)));
    if (m_realSlice && m_zoom > 1.0) showRealImage();
}

QRectF SlicePanel::visibleRect() const {
    const double w = m_image.isNull() ? 0.0 : m_image.width() / m_zoom;
    const double h = m_image.isNull() ? 0.0 : m_image.height() / m_zoom;
    return {m_centre.x() * m_image.width() - w / 2.0, m_centre.y() * m_image.height() - h / 2.0,
            w, h};
}

void SlicePanel::setZoom(double zoom) {
    m_zoom = std::clamp(zoom, 1.0, 32.0);
    pan(0.0, 0.0);  // clamps the centre
}

void SlicePanel::pan(double dx, double dy) {
    if (m_image.isNull()) {
        showImage();
        return;
    }
    const double half = 0.5 / m_zoom;
    m_centre.setX(std::clamp(m_centre.x() + dx / m_image.width(), half, 1.0 - half));
    m_centre.setY(std::clamp(m_centre.y() + dy / m_image.height(), half, 1.0 - half));
    showImage();
}

bool SlicePanel::eventFilter(QObject* watched, QEvent* event) {
    if (watched != m_picture || m_image.isNull()) return QWidget::eventFilter(watched, event);
    // Slice pixels per screen pixel of the picture as drawn (kept aspect ratio).
    const QSize room = m_picture->contentsRect().size();
    const double shown = std::min(room.width(), room.height());
    const double perScreen = shown > 0 ? m_image.width() / m_zoom / shown : 0.0;
    switch (event->type()) {
        case QEvent::Wheel: {
            auto* wheel = static_cast<QWheelEvent*>(event);
            if (wheel->angleDelta().y() == 0) return true;
            // Zoom about the cursor: the slice point under it stays put.
            const QPointF offset = wheel->position() - QPointF(room.width() / 2.0, room.height() / 2.0);
            const QPointF before = offset * perScreen;
            const double oldZoom = m_zoom;
            m_zoom = std::clamp(m_zoom * std::pow(1.25, wheel->angleDelta().y() / 120.0), 1.0, 32.0);
            const QPointF after = before * (oldZoom / m_zoom);
            pan(before.x() - after.x(), before.y() - after.y());
            return true;
        }
        case QEvent::MouseButtonPress: {
            auto* mouse = static_cast<QMouseEvent*>(event);
            if (mouse->button() != Qt::LeftButton) break;
            m_dragging = true;
            m_dragPos = mouse->position();
            m_picture->setCursor(Qt::ClosedHandCursor);
            return true;
        }
        case QEvent::MouseMove: {
            if (!m_dragging) break;
            auto* mouse = static_cast<QMouseEvent*>(event);
            const QPointF delta = mouse->position() - m_dragPos;
            m_dragPos = mouse->position();
            pan(-delta.x() * perScreen, -delta.y() * perScreen);
            return true;
        }
        case QEvent::MouseButtonRelease:
            if (!m_dragging) break;
            m_dragging = false;
            m_picture->unsetCursor();
            return true;
        case QEvent::MouseButtonDblClick:
            m_centre = {0.5, 0.5};
            setZoom(1.0);
            return true;
        default:
            break;
    }
    return QWidget::eventFilter(watched, event);
}

void SlicePanel::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    showImage();
    showRealImage();
}

}  // namespace cw
