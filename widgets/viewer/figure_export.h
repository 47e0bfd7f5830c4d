#pragma once
// Figure export of the workbench: the 3D view, the current slice and the CrysTens panel as files.

#include <QString>

#include "core/png_image.h"
#include "ecd/slicer.h"

namespace cw {

class CrysTensPanel;
class CrystalView;

/// Writes into `directory` (created if needed): view.png (the rendered 3D view, `viewWidth`
/// pixels wide when > 0, rendered offscreen at that size; the widget's size when 0), slice.png
/// (the slice through `map`, 8-bit RGB, one pixel per sample), slice.npy (the float32 slice,
/// exactly the engine's image) and, when `crysTens` is given, crystens.png (the xtal2png and
/// CrysTens images with their outlines). Needs a GL context (an X server). Throws IoError naming
/// the file that failed, ValueError when `crysTens` has no encoding. `transparentView`: view.png
/// with no background (renderImage's transparent mode; then at `viewWidth`, or the widget's width).
void exportFigures(const QString& directory, CrystalView& view, const SliceResult& slice,
                   ColorMap map, const CrysTensPanel* crysTens = nullptr, int viewWidth = 0,
                   bool transparentView = false);

/// Writes the 3D view as a PNG `width` pixels wide (rendered offscreen at that size; the widget's
/// aspect ratio), with no background when `transparent`. Throws ConfigError for a path that is
/// not .png or a width outside 16…16384, IoError when the file cannot be written.
void exportViewImage(CrystalView& view, const QString& path, int width, bool transparent);

}  // namespace cw
