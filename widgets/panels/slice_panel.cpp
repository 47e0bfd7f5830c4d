#include "panels/slice_panel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFormLayout>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>
#include <cstring>

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
    setObjectName("slicePanel");
    qRegisterMetaType<cw::SliceResult>();
    m_picture->setObjectName("slicePicture");
    m_picture->setAlignment(Qt::AlignCenter);
    m_picture->setMinimumSize(200, 200);
    // Ignored: the scaled pixmap must not feed back into the layout's size.
    m_picture->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored);
    m_picture->setText("Pick three atoms to define a plane");
    m_picture->setStyleSheet("QLabel { background: #111; color: #bbb; }");
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

    auto* form = new QFormLayout;
    form->addRow("Tolerance", m_tolerance);
    form->addRow("Window", m_window);
    form->addRow("Size", m_size);
    form->addRow("σ", m_sigma);
    form->addRow("Volume / atom", m_volumePerAtom);
    form->addRow("Amplitude", m_amplitude);
    form->addRow("Colour map", m_colorMap);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_picture, 1);
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
    });

    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &SliceWorker::finished, this, &SlicePanel::onFinished, Qt::QueuedConnection);
    connect(m_worker, &SliceWorker::failed, this, &SlicePanel::onFailed, Qt::QueuedConnection);
    m_thread.setObjectName("sliceWorker");
    m_thread.start();
}

SlicePanel::~SlicePanel() {
    m_thread.quit();
    m_thread.wait();
}

void SlicePanel::setStructure(const Structure& structure) {
    m_structure = std::make_shared<const Structure>(structure);
    clearPicks();
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
    m_picture->setPixmap(QPixmap());
    m_picture->setText("Pick three atoms to define a plane");
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
    m_requestStartNs = nowNs();
    m_statusLabel->setText("Computing…");
    m_worker->submit(std::move(r));
}

void SlicePanel::onFinished(quint64 id, const SliceResult& result, double computeMs) {
    if (id != m_requestId) return;  // a newer request is on its way
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
    if (id != m_requestId) return;
    m_slice.reset();
    m_image = QImage();
    m_picture->setPixmap(QPixmap());
    m_picture->setText("No slice");
    m_atomsLabel->clear();
    m_statusLabel->setText(message);
    Q_EMIT sliceFailed(message);
}

void SlicePanel::showImage() {
    if (m_image.isNull()) return;
    const QSize room = m_picture->contentsRect().size();
    m_picture->setPixmap(
        QPixmap::fromImage(m_image.scaled(room, Qt::KeepAspectRatio, Qt::FastTransformation)));
}

void SlicePanel::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    showImage();
}

}  // namespace cw
