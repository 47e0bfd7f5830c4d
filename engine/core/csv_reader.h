#pragma once
/// @file A streaming reader of CSV tables (data-set manifests, properties.csv, CDVAE's
/// crystal CSVs): RFC 4180 records, fields in double quotes may hold commas, newlines and ""
/// for a quote (what csvField in dataset/store.h writes). Streaming, because an ECD manifest can
/// hold millions of rows; gzip- and bzip2-compressed files are read on the fly.

#include <cstddef>
#include <string>
#include <vector>

#include "core/compressed_input.h"

namespace cw {

/// Reads one record at a time. Not thread-safe.
class CsvReader {
public:
    /// Opens `path` (plain, gzip or bzip2). Throws IoError.
    explicit CsvReader(const std::string& path);

    /// Reads the next record into `fields`; false at the end of the file. Blank lines are
    /// skipped; a trailing "\r" (Windows line ends) is dropped. Throws FormatError (path, line)
    /// for a quote that is never closed or text after a closing quote.
    bool next(std::vector<std::string>& fields);
    /// The 1-based line on which the last record read starts (the header is line 1).
    std::size_t line() const { return m_recordLine; }
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
    CompressedIStream m_in;
    std::size_t m_line = 1;
    std::size_t m_recordLine = 0;
};

}  // namespace cw
