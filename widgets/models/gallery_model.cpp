#include "models/gallery_model.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "figures/gallery_figure.h"

namespace cw {

namespace {
constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// About four screens of thumbnails; each is a few tens of kB.
constexpr int kThumbnailCacheSize = 600;

QString count(double value) {
    return std::isnan(value) ? QString("?") : QString::number(value, 'g', 6);
}
}  // namespace

QStringList gallerySortNames() {
    return {"Nearest distance (closest first)", "Nearest distance (farthest first)",
            "Atom count (fewest first)", "Atom count (most first)", "File order"};
}

GalleryModel::GalleryModel(QObject* parent) : QAbstractListModel(parent) {
    m_thumbnails.setMaxCost(kThumbnailCacheSize);
}

void GalleryModel::setEvaluation(EvaluationDataPtr data) {
    beginResetModel();
    m_data = std::move(data);
    m_thumbnails.clear();
    m_rendered = 0;
    for (int set = 0; set < 2; ++set) {
        m_blobs[set].clear();
        if (m_data) {
            const auto& images = set == 1 ? m_data->real : m_data->generated;
            m_blobs[set].resize(images ? images->count() : 0);
        }
    }
    reorder();
    endResetModel();
}

void GalleryModel::setSort(Sort sort) {
    if (sort == m_sort) return;
    beginResetModel();
    m_sort = sort;
    reorder();
    endResetModel();
}

void GalleryModel::setOverlays(bool on) {
    if (on == m_overlays) return;
    m_overlays = on;
    m_thumbnails.clear();
    if (!m_order.empty()) Q_EMIT dataChanged(index(0), index(rowCount() - 1), {Qt::DecorationRole});
}

void GalleryModel::setTileSize(int pixels) {
    pixels = std::clamp(pixels, 16, 1024);
    if (pixels == m_tile) return;
    m_tile = pixels;
    m_thumbnails.clear();
    if (!m_order.empty()) Q_EMIT dataChanged(index(0), index(rowCount() - 1), {Qt::DecorationRole});
}

void GalleryModel::reorder() {
    const std::size_t n = m_data && m_data->generated ? m_data->generated->count() : 0;
    m_order.resize(n);
    std::iota(m_order.begin(), m_order.end(), std::size_t{0});
    if (n == 0 || m_sort == Sort::FileOrder) return;
    const EvaluationResult& r = m_data->result;
    const bool haveDistance = r.pixelNeighbours.size() == n;
    const bool haveCount = r.generatedAtomCounts.size() == n;
    auto dist = [&](std::size_t i) { return haveDistance ? r.pixelNeighbours[i].distance : 0.0; };
    auto atoms = [&](std::size_t i) { return haveCount ? r.generatedAtomCounts[i] : 0.0; };
    // Stable sorts keep file order among equal keys, so the order is reproducible.
    switch (m_sort) {
        case Sort::DistanceAscending:
            std::stable_sort(m_order.begin(), m_order.end(),
                             [&](std::size_t a, std::size_t b) { return dist(a) < dist(b); });
            break;
        case Sort::DistanceDescending:
            std::stable_sort(m_order.begin(), m_order.end(),
                             [&](std::size_t a, std::size_t b) { return dist(a) > dist(b); });
            break;
        case Sort::CountAscending:
        case Sort::CountDescending: {
            const bool up = m_sort == Sort::CountAscending;
            std::stable_sort(m_order.begin(), m_order.end(), [&](std::size_t a, std::size_t b) {
                if (atoms(a) != atoms(b)) return up ? atoms(a) < atoms(b) : atoms(a) > atoms(b);
                return dist(a) < dist(b);
            });
            break;
        }
        case Sort::FileOrder:
            break;
    }
}

int GalleryModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_order.size());
}

QVariant GalleryModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    switch (role) {
        case Qt::DisplayRole:
            return caption(index.row());
        case Qt::DecorationRole:
            return thumbnail(index.row());
        case Qt::ToolTipRole:
            return toolTip(index.row());
        default:
            return {};
    }
}

std::size_t GalleryModel::generatedIndex(int row) const {
    return m_order.at(static_cast<std::size_t>(row));
}

std::size_t GalleryModel::trainingIndex(int row) const {
    const std::size_t g = generatedIndex(row);
    const auto& neighbours = m_data->result.pixelNeighbours;
    return g < neighbours.size() ? neighbours[g].index : kNone;
}

double GalleryModel::distance(int row) const {
    const std::size_t g = generatedIndex(row);
    const auto& neighbours = m_data->result.pixelNeighbours;
    return g < neighbours.size() ? neighbours[g].distance : kNaN;
}

double GalleryModel::atomCount(int row) const {
    const std::size_t g = generatedIndex(row);
    const auto& counts = m_data->result.generatedAtomCounts;
    return g < counts.size() ? counts[g] : kNaN;
}

QString GalleryModel::caption(int row) const {
    const double d = distance(row);
    QString text = QString("%1 atoms").arg(count(atomCount(row)));
    if (!std::isnan(d)) text += QString(" · NN %1").arg(QString::number(d, 'g', 3));
    return text;
}

QString GalleryModel::toolTip(int row) const {
    const std::size_t g = generatedIndex(row), t = trainingIndex(row);
    QString text = QString("generated: %1 (%2 atoms)")
                       .arg(QString::fromStdString(m_data->generated->names[g]))
                       .arg(count(atomCount(row)));
    if (t != kNone) {
        const auto& counts = m_data->result.realAtomCounts;
        text += QString("\nnearest training image: %1 (%2 atoms)\nRMS pixel distance %3")
                    .arg(QString::fromStdString(m_data->real->names[t]))
                    .arg(count(t < counts.size() ? counts[t] : kNaN))
                    .arg(distance(row), 0, 'g', 4);
    }
    return text;
}

QImage GalleryModel::gray(bool training, std::size_t index) const {
    const auto& images = training ? m_data->real : m_data->generated;
    return evalImageGray(*images, index);
}

const std::vector<Blob>& GalleryModel::blobs(bool training, std::size_t index) const {
    std::optional<std::vector<Blob>>& cached = m_blobs[training ? 1 : 0].at(index);
    if (!cached) {
        const auto& images = training ? m_data->real : m_data->generated;
        cached = findBlobs(images->channelImage(index, 0), m_data->request.evaluation.counting);
    }
    return *cached;
}

double GalleryModel::blobRadius() const {
    return m_data ? std::max(1.0, 2.0 * m_data->request.evaluation.counting.blobSigma) : 2.0;
}

QImage GalleryModel::renderPair(int row, int tileSide) const {
    const std::size_t g = generatedIndex(row), t = trainingIndex(row);
    return pairImage(gray(false, g), t == kNone ? QImage() : gray(true, t), tileSide,
                     m_overlays ? &blobs(false, g) : nullptr,
                     m_overlays && t != kNone ? &blobs(true, t) : nullptr, blobRadius());
}

QImage GalleryModel::thumbnail(int row) const {
    const std::size_t g = generatedIndex(row);
    if (const QImage* cached = m_thumbnails.object(g)) return *cached;
    ++m_rendered;
    auto* image = new QImage(renderPair(row, m_tile));
    m_thumbnails.insert(g, image, 1);
    return *image;
}

}  // namespace cw
