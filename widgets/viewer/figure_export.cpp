#include "viewer/figure_export.h"

#include <QDir>
#include <QFileInfo>
#include <QImage>

#include "core/error.h"
#include "core/npy.h"
#include "panels/crystens_panel.h"
#include "viewer/crystal_view.h"

namespace cw {

void exportFigures(const QString& directory, CrystalView& view, const SliceResult& slice,
                   ColorMap map, const CrysTensPanel* crysTens, int viewWidth, bool transparentView) {
    QDir dir(directory);
    if (!dir.mkpath(".")) throw IoError(directory.toStdString(), "cannot create the directory");
    const QImage picture = transparentView ? view.renderImage(viewWidth > 0 ? viewWidth : view.grabView().width(), true)
                           : viewWidth > 0 ? view.renderImage(viewWidth)
                                           : view.grabView();
    const QString viewPath = dir.filePath("view.png");
    if (picture.isNull() || !picture.save(viewPath, "PNG"))
        throw IoError(viewPath.toStdString(), "cannot write the rendered view");
    writePngColor(dir.filePath("slice.png").toStdString(), slice.image, map);
    writeNpy(dir.filePath("slice.npy").toStdString(), slice.image);
    if (crysTens) crysTens->exportFigure(dir.filePath("crystens.png"));
}

void exportViewImage(CrystalView& view, const QString& path, int width, bool transparent) {
    if (QFileInfo(path).suffix().compare("png", Qt::CaseInsensitive) != 0)
        throw ConfigError(path.toStdString() + ": the 3D view is written as PNG (.png)");
    if (width < 16 || width > 16384) throw ConfigError(path.toStdString() + ": width must be 16…16384 pixels");
    const QImage picture = view.renderImage(width, transparent);
    if (picture.isNull()) throw IoError(path.toStdString(), "the view could not be rendered (no OpenGL context)");
    if (!picture.save(path, "PNG")) throw IoError(path.toStdString(), "cannot write the PNG");
}

}  // namespace cw
