#include "viewer/figure_export.h"

#include <QDir>
#include <QImage>

#include "core/error.h"
#include "core/npy.h"
#include "viewer/crystal_view.h"

namespace cw {

void exportFigures(const QString& directory, CrystalView& view, const SliceResult& slice,
                   ColorMap map) {
    QDir dir(directory);
    if (!dir.mkpath(".")) throw IoError(directory.toStdString(), "cannot create the directory");
    const QImage picture = view.grabView();
    const QString viewPath = dir.filePath("view.png");
    if (picture.isNull() || !picture.save(viewPath, "PNG"))
        throw IoError(viewPath.toStdString(), "cannot write the rendered view");
    writePngColor(dir.filePath("slice.png").toStdString(), slice.image, map);
    writeNpy(dir.filePath("slice.npy").toStdString(), slice.image);
}

}  // namespace cw
