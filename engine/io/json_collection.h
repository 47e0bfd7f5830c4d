#pragma once
/// @file Streaming reader of JSON structure collections: a JSON array of Materials Project
/// summary documents, an Alexandria file (an object with `entries`, each a pymatgen
/// ComputedStructureEntry dict), or a single pymatgen Structure dict. Large files (hundreds of
/// MB, ~100,000 entries) are parsed with a SAX handler that holds one entry in memory at a
/// time; plain, gzip and bzip2 files are decompressed on the fly (core/compressed_input.h).
///
/// What becomes what:
/// - MP summary document: `material_id` → id; `structure` → the structure; every numeric
///   top-level field except `nsites` → a property (formation_energy_per_atom, band_gap, efermi,
///   total_magnetization, density, volume, …); `symmetry.number` → `symmetry_number`.
/// - Alexandria / ComputedStructureEntry: `data.mat_id` (else `entry_id`) → id; `energy`,
///   `correction` and every numeric field of `data` (e_above_hull, band_gap_ind, band_gap_dir,
///   dos_ef, energy_total, total_mag, …) → properties.
/// - A bare pymatgen Structure dict: its numeric `properties` → properties; a string
///   `properties.material_id` → id, else the file stem.
/// Null property values are dropped. `NaN`, `Infinity` and `-Infinity` literals, which
/// Python's json module writes (pymatgen uses NaN for "not computed") but JSON does not allow,
/// are accepted: a property holding one is dropped, a structure holding one makes that entry
/// bad (reported with "NaN" in the reason) without spoiling the rest of the file.
/// A top-level object whose `data` is an array (the MP API response shape) is streamed too.

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <stop_token>
#include <string>

#include "core/problem_log.h"
#include "crystal/structure.h"
#include "io/structure_stream.h"

namespace cw {

/// Streams every structure of a JSON collection file to `onStructure` in file order; `index`
/// counts the entries of the array or of `entries` from 0, bad ones included (0 for a single
/// document). Returns the number of structures delivered.
///
/// An entry that cannot be read (not an object, no structure, bad lattice, unknown element,
/// non-finite coordinate, no sites) is added to `problems` as "<path>:entry 17 (mp-1234)" with
/// the reason, and skipped. The file is read front to back once; everything before a defect of
/// the file as a whole has been delivered when the error is thrown, and stays delivered.
/// Stops (returning normally) when `onStructure` returns false or `stop` is requested; `stop`
/// is checked after each entry.
///
/// Not thread-safe with respect to `problems`; separate calls are independent.
/// Throws IoError (cannot open, corrupt or truncated gzip/bzip2; the message says how many
/// entries were read before), FormatError with location "byte N" (a JSON syntax error or a
/// plain file that ends early; N is the offset in the decompressed text), FormatError without
/// location (valid JSON but none of the three shapes). A single top-level document that is
/// bad is a problem like a bad entry (readStructures turns it into a FormatError).
std::size_t forEachJsonStructure(const std::string& path, const StructureCallback& onStructure,
                                 ProblemLog& problems, std::stop_token stop = {});

/// One document of a collection as a structure: an MP summary document, a
/// ComputedStructureEntry dict or a bare Structure dict (see the file comment for the
/// mapping). `path` and `location` ("entry 17 (mp-1234)") name it in errors.
/// Throws FormatError (path, location, reason) when the document holds no readable structure.
Structure structureFromJsonDocument(const nlohmann::json& document, const std::string& path,
                                    const std::string& location);

/// The id a document carries (`material_id`, `data.mat_id`, `entry_id`, or
/// `properties.material_id` of a bare Structure dict); empty when none. Never throws.
std::string jsonDocumentId(const nlohmann::json& document);

/// An MP-style summary document of a structure: `material_id` (when the id is set),
/// `formula_pretty`, `nsites`, `structure` (pymatgen dict) and each property as a top-level
/// number; structureFromJsonDocument reads it back with the same id and properties.
/// Throws ConfigError if a property is named like one of those fields.
nlohmann::json summaryDocumentFromStructure(const Structure& structure);

}  // namespace cw
