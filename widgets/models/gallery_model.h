#pragma once
// The Gallery's list model: one row per generated image, in the chosen order (nearest-neighbour
// distance or atom count, either way, or file order), whose decoration is the generated slice
// beside its nearest training slice. Thumbnails and blob positions are computed when a view
// first asks for a row and cached, so a thousand images cost only what is on screen.

#include <QAbstractListModel>
#include <QCache>
#include <QImage>
#include <optional>
#include <vector>

#include "jobs/evaluation_data.h"
#include "metrics/blob_count.h"

namespace cw {

class GalleryModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum class Sort {
        DistanceAscending,  ///< the closest to a training image first (memorised ones)
        DistanceDescending,
        CountAscending,  ///< by the generated image's atom count, then by distance
        CountDescending,
        FileOrder,
    };

    explicit GalleryModel(QObject* parent = nullptr);

    void setEvaluation(EvaluationDataPtr data);
    EvaluationDataPtr evaluation() const { return m_data; }
    void setSort(Sort sort);
    Sort sort() const { return m_sort; }
    void setOverlays(bool on);
    bool overlays() const { return m_overlays; }
    /// Side of each of the two tiles of a thumbnail, pixels.
    void setTileSize(int pixels);
    int tileSize() const { return m_tile; }

    int rowCount(const QModelIndex& parent = {}) const override;
    /// DisplayRole: the caption; DecorationRole: the thumbnail (QImage); ToolTipRole: names and
    /// numbers.
    QVariant data(const QModelIndex& index, int role) const override;

    /// The generated image shown in `row`, and its nearest training image (npos without
    /// neighbours).
    std::size_t generatedIndex(int row) const;
    std::size_t trainingIndex(int row) const;
    /// Nearest-neighbour distance (RMS pixel difference; NaN without neighbours) and atom count
    /// (NaN when not counted) of the generated image of `row`.
    double distance(int row) const;
    double atomCount(int row) const;
    QString caption(int row) const;
    QString toolTip(int row) const;

    /// The thumbnail of a row (cached; rendered now if needed).
    QImage thumbnail(int row) const;
    /// A pair at any tile size (the enlarged view, not cached), overlays as set.
    QImage renderPair(int row, int tileSide) const;
    /// Channel 0 of an image, gray; blobs found in it (cached) with the evaluation's options.
    QImage gray(bool training, std::size_t index) const;
    const std::vector<Blob>& blobs(bool training, std::size_t index) const;
    /// The overlay circle radius in image pixels (2σ of the counted blobs).
    double blobRadius() const;
    /// Thumbnails rendered since the evaluation was set (for tests of the lazy drawing).
    int thumbnailsRendered() const { return m_rendered; }

private:
    void reorder();

    EvaluationDataPtr m_data;
    Sort m_sort = Sort::DistanceAscending;
    bool m_overlays = false;
    int m_tile = 80;
    std::vector<std::size_t> m_order;
    mutable QCache<std::size_t, QImage> m_thumbnails;
    mutable std::vector<std::optional<std::vector<Blob>>> m_blobs[2];
    mutable int m_rendered = 0;
};

/// "Nearest distance (closest first)", … for the sort combo box, in Sort order.
QStringList gallerySortNames();

}  // namespace cw
