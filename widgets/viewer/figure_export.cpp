#include "viewer/figure_export.h"

#include <QDir>
#include <QImage>

#include "core/error.h"
#include "core/npy.h"
#include "panels/crystens_panel.h"
#include "viewer/crystal_view.h"

namespace cw {

void exportFigures(const QString& directory, CrystalView& view, const SliceResult& slice,
                   ColorMap map, const CrysTensPanel* crysTens, int viewWidth) {
    QDir dir(directory);
    if (!dir.mkpath(".")) throw IoError(directory.toStdString(), "cannot create the directory");
    const QImage picture = viewWidth > 0 ? view.renderImage(viewWidth) : view.grabView();
    const QString viewPath = dir.filePath("view.png");
    if (picture.isNull() || !picture.save(viewPath, "PNG"))
        throw IoError(viewPath.toStdString(), "cannot write the rendered view");
    writePngColor(dir.filePath("slice.png").toStdString(), slice.image, map);
    writeNpy(dir.filePath("slice.npy").toStdString(), slice.image);
    if (crysTens) crysTens->exportFigure(dir.filePath("crystens.png"));
}

}  // namespace cw
