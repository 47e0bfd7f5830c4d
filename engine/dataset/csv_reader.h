#pragma once
/// @file A streaming reader of the CSV tables of data sets (manifest.csv, properties.csv):
/// RFC 4180 records, fields in double quotes may hold commas, newlines and "" for a quote (what
/// csvField in store.h writes). Streaming, because an ECD manifest can hold millions of rows.

#include <cstddef>
#include <fstream>
#include <string>
#include <vector>

namespace cw {

/// Reads one record at a time. Not thread-safe.
class CsvReader {
public:
    /// Opens `path`. Throws IoError.
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
    std::ifstream m_in;
    std::size_t m_line = 1;
    std::size_t m_recordLine = 0;
};

}  // namespace cw
