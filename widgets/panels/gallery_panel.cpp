#include "panels/gallery_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QMessageBox>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "figures/figure_path.h"
#include "figures/figure_writer.h"
#include "figures/gallery_figure.h"

namespace cw {

GalleryPanel::GalleryPanel(QWidget* parent)
    : QWidget(parent),
      m_model(new GalleryModel(this)),
      m_view(new QListView),
      m_sort(new QComboBox),
      m_overlays(new QCheckBox("Blobs")),
      m_zoom(new QSlider(Qt::Horizontal)),
      m_figurePairs(new QSpinBox),
      m_status(new QLabel) {
    m_view->setObjectName("galleryView");
    m_view->setModel(m_model);
    m_view->setViewMode(QListView::IconMode);
    m_view->setMovement(QListView::Static);
    m_view->setResizeMode(QListView::Adjust);
    m_view->setUniformItemSizes(true);  // the view then lays out 1000 items without asking each
    m_view->setLayoutMode(QListView::Batched);
    m_view->setBatchSize(100);
    m_view->setSpacing(3);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setWordWrap(true);
    m_view->setIconSize(pairImageSize(m_model->tileSize()));

    m_sort->setObjectName("gallerySortBox");
    m_sort->addItems(gallerySortNames());
    connect(m_sort, &QComboBox::currentIndexChanged, this,
            [this](int i) { setSort(static_cast<GalleryModel::Sort>(i)); });
    m_overlays->setObjectName("galleryOverlaysBox");
    m_overlays->setToolTip("Circle the blobs counted as atoms");
    connect(m_overlays, &QCheckBox::toggled, this, &GalleryPanel::setOverlays);
    m_zoom->setObjectName("galleryZoomSlider");
    m_zoom->setRange(48, 256);
    m_zoom->setValue(m_model->tileSize());
    m_zoom->setMinimumWidth(60);
    m_zoom->setMaximumWidth(120);
    m_zoom->setToolTip("Thumbnail size");
    connect(m_zoom, &QSlider::valueChanged, this, [this](int side) {
        m_model->setTileSize(side);
        m_view->setIconSize(pairImageSize(m_model->tileSize()));
    });
    m_figurePairs->setRange(1, 400);
    m_figurePairs->setValue(48);
    m_figurePairs->setPrefix("first ");
    m_figurePairs->setSuffix(" pairs");
    m_figurePairs->setToolTip("Pairs in the exported figure (the first ones in the current order)");
    auto* exportButton = new QPushButton("Export…");
    exportButton->setObjectName("exportGalleryButton");
    connect(exportButton, &QPushButton::clicked, this, &GalleryPanel::exportDialog);
    connect(m_view, &QListView::clicked, this,
            [this](const QModelIndex& index) { showEnlarged(index.row()); });
    connect(m_view, &QListView::activated, this,
            [this](const QModelIndex& index) { showEnlarged(index.row()); });

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel("Sort"));
    controls->addWidget(m_sort, 1);
    controls->addWidget(m_overlays);
    controls->addWidget(m_zoom);
    auto* figure = new QHBoxLayout;
    figure->addWidget(m_status, 1);
    figure->addWidget(m_figurePairs);
    figure->addWidget(exportButton);
    m_status->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(controls);
    layout->addWidget(m_view, 1);
    layout->addLayout(figure);
    updateStatus();
}

void GalleryPanel::setEvaluation(EvaluationDataPtr data) {
    m_model->setEvaluation(std::move(data));
    if (m_enlarged) m_enlarged->hide();
    m_enlargedRow = -1;
    updateStatus();
}

void GalleryPanel::setSort(GalleryModel::Sort sort) {
    m_model->setSort(sort);
    const QSignalBlocker block(m_sort);
    m_sort->setCurrentIndex(static_cast<int>(sort));
    if (m_enlarged) m_enlarged->hide();
    m_enlargedRow = -1;
}

void GalleryPanel::setOverlays(bool on) {
    m_model->setOverlays(on);
    const QSignalBlocker block(m_overlays);
    m_overlays->setChecked(on);
    if (m_enlarged && m_enlarged->isVisible() && m_enlargedRow >= 0) showEnlarged(m_enlargedRow);
}

void GalleryPanel::updateStatus() {
    const EvaluationDataPtr data = m_model->evaluation();
    if (!data) {
        m_status->setText(
            "Evaluate generated slices to see each (left) beside its nearest "
            "training slice (right).");
        return;
    }
    m_status->setText(
        QString("%1 generated slices (left) beside their nearest of %2 training slices "
                "(right). Click to enlarge.")
            .arg(data->generated->count())
            .arg(data->real->count()));
}

void GalleryPanel::showEnlarged(int row) {
    if (row < 0 || row >= m_model->rowCount()) return;
    if (!m_enlarged) {
        m_enlarged = new QDialog(this);
        m_enlarged->setObjectName("galleryEnlargedDialog");
        m_enlargedImage = new QLabel;
        m_enlargedImage->setAlignment(Qt::AlignCenter);
        m_enlargedCaption = new QLabel;
        m_enlargedCaption->setTextInteractionFlags(Qt::TextSelectableByMouse);
        auto* layout = new QVBoxLayout(m_enlarged);
        layout->addWidget(m_enlargedImage, 1);
        layout->addWidget(m_enlargedCaption);
    }
    m_enlargedRow = row;
    // A whole multiple of the image side keeps every pixel the same size.
    const int side = std::max(1, m_model->evaluation()->generated->width);
    const int tile = std::min(side * std::max(1, (384 + side - 1) / side), std::max(side, 768));
    m_enlargedImage->setPixmap(QPixmap::fromImage(m_model->renderPair(row, tile)));
    m_enlargedCaption->setText(m_model->toolTip(row));
    m_enlarged->setWindowTitle(QString("Generated slice %1 and its nearest training slice")
                                   .arg(m_model->generatedIndex(row)));
    m_enlarged->show();
    m_enlarged->raise();
}

QImage GalleryPanel::enlargedImage() const {
    return m_enlargedImage ? m_enlargedImage->pixmap().toImage() : QImage();
}

void GalleryPanel::exportFigure(const QString& path, int pairs, int columns, int pngWidth) const {
    const int count = std::min(pairs, m_model->rowCount());
    if (count < 1) throw ValueError("the gallery is empty: evaluate generated slices first");
    std::vector<GalleryFigureItem> items(static_cast<std::size_t>(count));
    for (int row = 0; row < count; ++row) {
        GalleryFigureItem& item = items[static_cast<std::size_t>(row)];
        const std::size_t g = m_model->generatedIndex(row), t = m_model->trainingIndex(row);
        const bool hasNeighbour = t != static_cast<std::size_t>(-1);
        item.generated = m_model->gray(false, g);
        if (hasNeighbour) item.training = m_model->gray(true, t);
        if (m_model->overlays()) {
            item.generatedBlobs = m_model->blobs(false, g);
            if (hasNeighbour) item.trainingBlobs = m_model->blobs(true, t);
        }
        item.caption = m_model->caption(row);
    }
    const QString title =
        QString("Generated (left) and nearest training slice (right), %1; %2 of %3")
            .arg(gallerySortNames()[static_cast<int>(m_model->sort())].toLower())
            .arg(count)
            .arg(m_model->rowCount());
    writeFigure(path, galleryFigureSize(count, columns), pngWidth,
                [&](QPainter& painter, const QRectF& target) {
                    paintGalleryFigure(painter, target, items, columns, title, m_model->overlays(),
                                       m_model->blobRadius());
                });
}

void GalleryPanel::exportDialog() {
    if (m_model->rowCount() == 0) {
        QMessageBox::information(this, "Export gallery", "Evaluate generated slices first.");
        return;
    }
    const QString path = chooseSavePath(this, "Export gallery figure", "gallery.png", figureFileFilter());
    if (path.isEmpty()) return;
    try {
        exportFigure(path, m_figurePairs->value());
    } catch (const Error& e) {
        QMessageBox::warning(this, "Export gallery", QString::fromStdString(e.what()));
    }
}

}  // namespace cw
