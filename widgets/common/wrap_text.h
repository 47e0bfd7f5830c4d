#pragma once
// Long paths and file names in word-wrapped labels: Qt breaks lines only between words, so a
// path without spaces would set the label's (and the window's) minimum width. A zero-width
// space after each separator lets the line break there; it is invisible when not used.

#include <QString>

namespace cw {

inline QString breakablePaths(const QString& text) {
    QString out;
    out.reserve(text.size() + text.size() / 8);
    for (const QChar c : text) {
        out += c;
        if (c == '/' || c == '\\' || c == '_' || c == ',' || c == '=')
            out += QChar(0x200B);
    }
    return out;
}

}  // namespace cw
