#pragma once
/// @file A directory of structure files as one collection, with the CGCNN / seed convention of
/// an `id_prop.csv` that attaches properties to structures by id.
///
/// Files are read in name order (byte-wise), the directory alone (no recursion). Only files
/// whose name detectFormat recognises are read (CIF, POSCAR/CONTCAR, JSON, extended XYZ, each
/// possibly .gz/.bz2); hidden files, CSV files, other files and CGCNN's `atom_init.json`
/// (element embeddings, not structures) are passed over silently. A file that holds exactly one
/// structure gives it the file's stem as id (`mp-1234.cif` → "mp-1234", `POSCAR.Fe3O4` →
/// "POSCAR.Fe3O4"), so that ids match CSV rows as CGCNN expects; the structures of a file that
/// holds several keep their own ids (CIF block names, material ids).
///
/// The CSV is `id_prop.csv` if present, else the only `*.csv` of the directory. Each row is
/// `id,value…`; when some value field of the first row is not a number, that row is a header
/// naming the properties (its first field is ignored), else the columns are `property_0`, ….
/// Empty cells and `nan` leave the property unset; a value that is not a number, a row with too
/// many fields or a repeated id is a problem naming the CSV line, and that row is skipped.

#include <cstddef>
#include <map>
#include <stop_token>
#include <string>
#include <vector>

#include "core/problem_log.h"
#include "io/structure_stream.h"

namespace cw {

/// Properties by id read from an id_prop-style CSV.
struct IdPropertyTable {
    std::vector<std::string> names;                             ///< property names, by column
    std::map<std::string, std::map<std::string, double>> rows;  ///< id → name → value
    std::map<std::string, std::size_t> lineOfId;                ///< id → 1-based CSV line
};

/// Reads an id_prop-style CSV (see the file comment). Rows that cannot be read are added to
/// `problems` as "<path>:line N" and skipped. Throws IoError if the file cannot be read.
IdPropertyTable readIdPropertyCsv(const std::string& path, ProblemLog& problems);

/// The id a file gives its structure when it holds one: the file name without `.gz`/`.bz2`
/// and without a structure extension (`.cif`, `.mcif`, `.vasp`, `.poscar`, `.json`, `.xyz`,
/// `.extxyz`); names without one (POSCAR.Fe3O4, CONTCAR) are kept whole. Never throws.
std::string structureFileStem(const std::string& path);

/// The files of `directory` that forEachFolderStructure reads, in the order it reads them.
/// Throws IoError if the directory cannot be listed.
std::vector<std::string> listStructureFiles(const std::string& directory);

/// Streams every structure of every structure file of `directory` to `onStructure`, with the
/// CSV's properties attached (CSV values replace same-named properties of the file). `index`
/// counts the structures delivered and the files that failed. A file that fails (in part or
/// as a whole) is added to `problems` with the reason; what it delivered before stays
/// delivered. CSV ids matching no structure are reported once at the end. Stops when
/// `onStructure` returns false or `stop` is requested (checked between structures and files).
/// Returns the number of structures delivered.
/// Throws IoError if the directory cannot be listed or its CSV cannot be read.
std::size_t forEachFolderStructure(const std::string& directory,
                                   const StructureCallback& onStructure, ProblemLog& problems,
                                   std::stop_token stop = {});

}  // namespace cw
