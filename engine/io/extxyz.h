#pragma once
/// @file Extended XYZ (the ASE / QUIP convention): per frame an atom count line, a comment
/// line of key=value pairs with `Lattice="ax ay az bx by bz cx cy cz"` (Å, rows a, b, c) and
/// `Properties=species:S:1:pos:R:3[:name:type:count…]`, then one line per atom.

#include <cstddef>
#include <functional>
#include <istream>
#include <string>
#include <vector>

#include "core/error.h"
#include "crystal/structure.h"

namespace cw {

/// Reads every frame of an extended XYZ file (plain, .gz or .bz2). Positions are Cartesian
/// (Å). Columns other than species (or Z) and pos are skipped by their declared type and
/// count. Other numeric key=value pairs of the comment line (`energy=-3.2`, `band_gap=1.1`)
/// become properties; booleans (T/F), arrays and strings other than the id are dropped; `pbc`
/// is ignored (a frame with a lattice is read as periodic). The id is `id=` or, failing that,
/// `material_id=`, else "<file stem>_<frame index>" (frame index from 0; the stem drops .gz
/// and .bz2 and then the extension: "train.extxyz.gz" → "train_0").
/// Throws IoError (cannot open, corrupt compression), FormatError (file, line, reason) for a
/// bad frame, including a frame without `Lattice=` ("frame 0: no Lattice=: not periodic").
std::vector<Structure> readExtendedXyz(const std::string& path);

/// Parses extended XYZ text; `sourceName` names it in errors and gives the default id stem.
/// Throws FormatError as readExtendedXyz.
std::vector<Structure> parseExtendedXyz(std::istream& in, const std::string& sourceName);

/// Called with each frame read, in order, with its index from 0. Return false to stop.
using ExtendedXyzFrameCallback = std::function<bool(Structure&& structure, std::size_t frame)>;
/// Called with the error of a frame that cannot be read. Return false to stop.
using ExtendedXyzErrorCallback = std::function<bool(const FormatError& error, std::size_t frame)>;

/// Streams the frames of `in` one at a time (for large files). A bad frame whose atom count
/// line is readable is passed to `onBadFrame` and skipped, and reading goes on with the next
/// frame; without `onBadFrame` (or when its atom count line is unreadable, so the next frame
/// cannot be found) the FormatError is thrown. Returns the number of frames delivered.
/// Throws FormatError, IoError (from a CompressedIStream).
std::size_t forEachExtendedXyzFrame(std::istream& in, const std::string& sourceName,
                                    const ExtendedXyzFrameCallback& onFrame,
                                    const ExtendedXyzErrorCallback& onBadFrame = {});

/// The id stem of a file: its name without .gz/.bz2 and then without its extension.
std::string extendedXyzStem(const std::string& sourceName);

/// Extended XYZ text of the structures, one frame each: `Lattice="…"`,
/// `Properties=species:S:1:pos:R:3`, `id=` when set, each property as key=value, and
/// `pbc="T T T"`; Cartesian positions in Å with 17 significant digits. Occupancies are not
/// representable and are dropped (a disordered site becomes several atoms).
std::string toExtendedXyzText(const std::vector<Structure>& structures);

/// Writes toExtendedXyzText atomically. Throws IoError.
void writeExtendedXyz(const std::string& path, const std::vector<Structure>& structures);

}  // namespace cw
