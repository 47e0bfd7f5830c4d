#include "core/csv_reader.h"

#include "core/error.h"

namespace cw {

CsvReader::CsvReader(const std::string& path) : m_path(path), m_in(path) {}

bool CsvReader::next(std::vector<std::string>& fields) {
    std::streambuf* buf = m_in.rdbuf();
    using Traits = std::char_traits<char>;
    for (;;) {
        fields.clear();
        int c = buf->sbumpc();
        if (c == Traits::eof()) return false;
        if (c == '\n') {  // blank line
            ++m_line;
            continue;
        }
        if (c == '\r' && buf->sgetc() == '\n') {
            buf->sbumpc();
            ++m_line;
            continue;
        }
        m_recordLine = m_line;
        std::string field;
        bool quoted = false;     // inside a quoted field
        bool wasQuoted = false;  // the current field was quoted and its quote closed
        for (;; c = buf->sbumpc()) {
            if (c == Traits::eof()) {
                if (quoted)
                    throw FormatError(m_path, "line " + std::to_string(m_recordLine),
                                      "a quoted field is never closed");
                fields.push_back(std::move(field));
                return true;
            }
            const char ch = Traits::to_char_type(c);
            if (quoted) {
                if (ch == '"') {
                    if (buf->sgetc() == '"') {
                        buf->sbumpc();
                        field += '"';
                    } else {
                        quoted = false;
                        wasQuoted = true;
                    }
                } else {
                    if (ch == '\n') ++m_line;
                    field += ch;
                }
                continue;
            }
            if (ch == ',') {
                fields.push_back(std::move(field));
                field.clear();
                wasQuoted = false;
            } else if (ch == '\n' || (ch == '\r' && buf->sgetc() == '\n')) {
                if (ch == '\r') buf->sbumpc();
                ++m_line;
                fields.push_back(std::move(field));
                return true;
            } else if (wasQuoted) {
                throw FormatError(m_path, "line " + std::to_string(m_line),
                                  "text after the closing quote of a field");
            } else if (ch == '"' && field.empty()) {
                quoted = true;
            } else {
                field += ch;
            }
        }
    }
}

}  // namespace cw
