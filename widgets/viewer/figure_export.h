#pragma once
// Figure export of the workbench: the 3D view and the current slice as files.

#include <QString>

#include "core/png_image.h"
#include "ecd/slicer.h"

namespace cw {

class CrystalView;

/// Writes into `directory` (created if needed): view.png (the rendered 3D view), slice.png (the
/// slice through `map`, 8-bit RGB) and slice.npy (the float32 slice, exactly the engine's
/// image). Needs a GL context (an X server). Throws IoError naming the file that failed.
void exportFigures(const QString& directory, CrystalView& view, const SliceResult& slice,
                   ColorMap map);

}  // namespace cw
