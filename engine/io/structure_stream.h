#pragma once
/// @file Reading any supported input as a stream of structures: the one entry point that the
/// CLI, the data-set builders and the GUI use.
///
/// Supported (by extension or content; `.gz` and `.bz2` are decompressed on the fly):
/// - `.cif`, `.mcif`: every block with atoms (io/cif.h)
/// - `POSCAR*`, `CONTCAR*`, `*.vasp`, `*.poscar`: one structure (io/poscar.h)
/// - `.json`: a pymatgen Structure dict, a JSON array of Materials Project summary documents
///   (`material_id`, `structure`, numeric properties), or an Alexandria file (an object with
///   `entries`, each a ComputedStructureEntry dict with `structure`, `energy`, `correction` and
///   `data`); arrays and `entries` are parsed streaming, one document in memory at a time
/// - `.xyz`, `.extxyz`: extended XYZ with `Lattice="…"` and `Properties=species:S:1:pos:R:3`,
///   several frames per file; other numeric key=value pairs of the comment line become properties
/// - `.csv`: a crystal CSV of the generation benchmarks (CDVAE, MP-20, Perov-5, Carbon-24)
///   with a `cif` column, `material_id` as id and numeric columns as properties, streamed row
///   by row (io/cdvae_csv.h)
/// - a directory: every readable file above in it (sorted by name), plus the CGCNN / seed
///   convention of a CSV `id_prop.csv` (or the only `*.csv`) with rows `id,property…` whose
///   header names the properties (headerless: `property_0`, …); ids match file stems.
///
/// A file whose name says nothing is recognised by its first 8 KB (JSON, CIF, extended XYZ,
/// POSCAR). Details of each collection: io/json_collection.h, io/folder_collection.h.
///
/// In a JSON collection, damage to the file as a whole (a syntax error, a truncated gzip/bzip2
/// stream) is thrown only after every entry before it has been delivered: what was delivered
/// stays delivered, and the error says how many entries were read. A truncated gzip/bzip2
/// stream can hide the last entries before the cut, up to 4 KB of text: CompressedInput drops
/// the bytes it decoded in the read that meets the truncation. (CIF and extended XYZ files are
/// read whole before their structures are delivered.)
///
/// All functions are re-entrant: separate calls share nothing.

#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/problem_log.h"
#include "crystal/structure.h"

namespace cw {

/// The file formats the engine knows.
enum class StructureFormat { Unknown, Cif, Poscar, PymatgenJson, ExtendedXyz, CdvaeCsv, Directory };

/// Format of a path by its name (and for a directory, by being one).
StructureFormat detectFormat(const std::string& path);

/// Called for each structure read, in file order; `index` counts entries from 0 (bad ones
/// included; for a directory, the structures delivered and the files that failed). Return
/// false to stop reading. An exception it throws propagates out of forEachStructure.
using StructureCallback = std::function<bool(Structure&& structure, std::size_t index)>;

/// Streams every structure of `path` to `onStructure`. An entry that cannot be read is added to
/// `problems` ("file:entry 17 (mp-1234)" and the reason) and skipped. Returns the number of
/// structures delivered. Stops early when `stop` is requested.
/// Throws IoError if the file cannot be opened or decompressed, FormatError if the file as a
/// whole is not in a known format (not for one bad entry).
/// For JSON a lone bad document is a problem like a bad entry; CIF, POSCAR and extended XYZ
/// files whose only structure is bad throw FormatError (their readers decide). A JSON syntax
/// error throws FormatError with location "byte N" (offset in the decompressed text).
std::size_t forEachStructure(const std::string& path, const StructureCallback& onStructure,
                             ProblemLog& problems, std::stop_token stop = {});

/// Every structure of `path` in memory. Throws as forEachStructure; also throws the first
/// problem as FormatError if the file held a single entry and it was bad. Problems of other
/// files are appended to `problems` when given, and dropped otherwise.
std::vector<Structure> readStructures(const std::string& path, ProblemLog* problems = nullptr);

/// The structure with id `id` (an MP material id, a CIF block name, a file stem), or the first
/// one when `id` is empty. Reading stops at the first match, so a damaged file still yields
/// the entries before the damage. Throws as forEachStructure, and FormatError if no entry has
/// that id (the message counts the entries that could not be read and might have had it).
Structure readStructure(const std::string& path, const std::string& id = {});

/// Writes by extension: `.cif` (P1, several blocks), `POSCAR`/`CONTCAR`/`.vasp`/`.poscar`
/// (exactly one structure), `.json` (one dict, or an array of MP-style documents with
/// `material_id` and properties when several), `.xyz`/`.extxyz` (several frames). Written
/// atomically. Throws IoError, ConfigError (unknown extension, several structures for POSCAR).
/// `.json` details: one structure is a pymatgen Structure dict whose `properties` hold its
/// numeric properties and its id as `material_id` (pymatgen reads it; so does forEachStructure,
/// with id and properties); several are documents {material_id, formula_pretty, nsites,
/// structure, property…}, one per line (ConfigError if a property is named like one of those
/// fields). CIF keeps ids (block names) but no properties; POSCAR keeps neither.
/// Compressed output (.gz, .bz2) is a ConfigError. Also throws ValueError for a structure the
/// format cannot hold (a CIF of a structure without sites).
void writeStructures(const std::string& path, const std::vector<Structure>& structures);

}  // namespace cw
