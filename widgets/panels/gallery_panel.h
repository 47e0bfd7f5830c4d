#pragma once
// The Gallery panel: every generated slice beside its nearest training slice (pixel distance,
// the memorisation check), in a grid drawn lazily (a QListView in icon mode over GalleryModel),
// sorted by nearest-neighbour distance or atom count, with optional blob overlays; a click
// enlarges a pair; the grid (its first pairs in the current order) exports as a figure.

#include <QWidget>

#include "jobs/evaluation_data.h"
#include "models/gallery_model.h"

class QCheckBox;
class QComboBox;
class QDialog;
class QLabel;
class QListView;
class QSlider;
class QSpinBox;

namespace cw {

class GalleryPanel : public QWidget {
    Q_OBJECT
public:
    explicit GalleryPanel(QWidget* parent = nullptr);

    void setEvaluation(EvaluationDataPtr data);
    void setSort(GalleryModel::Sort sort);
    void setOverlays(bool on);
    GalleryModel* model() const { return m_model; }
    QListView* view() const { return m_view; }

    /// Shows the pair of `row` large in a (non-modal) dialog.
    void showEnlarged(int row);
    /// The dialog (null until a pair was enlarged), the row it shows and its image.
    QDialog* enlargedDialog() const { return m_enlarged; }
    int enlargedRow() const { return m_enlargedRow; }
    QImage enlargedImage() const;

    /// Writes the first `pairs` pairs in the current order, `columns` to a row, as a figure
    /// (.png `pngWidth` wide, .svg, .pdf), overlays as shown. Throws ConfigError (suffix),
    /// ValueError (nothing to export), IoError.
    void exportFigure(const QString& path, int pairs = 48, int columns = 6,
                      int pngWidth = 1600) const;
    void exportDialog();

private:
    void updateStatus();

    GalleryModel* m_model;
    QListView* m_view;
    QComboBox* m_sort;
    QCheckBox* m_overlays;
    QSlider* m_zoom;
    QSpinBox* m_figurePairs;
    QLabel* m_status;
    QDialog* m_enlarged = nullptr;
    QLabel* m_enlargedImage = nullptr;
    QLabel* m_enlargedCaption = nullptr;
    int m_enlargedRow = -1;
};

}  // namespace cw
