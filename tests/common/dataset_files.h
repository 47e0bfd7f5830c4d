#pragma once
// Reading a data-set folder as the CLI tests compare them: a file's bytes, a CSV's lines, the
// table's content without its index columns, every top-level file.

#include <QDir>
#include <QFile>
#include <QMap>
#include <QString>
#include <QStringList>

namespace cw::test {

/// The bytes of `path`; empty when it cannot be read.
inline QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// The non-empty lines of `dir/name` (header included).
inline QStringList csvLines(const QString& dir, const QString& name) {
    QStringList lines = QString::fromUtf8(readAll(dir + "/" + name)).split('\n');
    lines.removeAll(QString());
    return lines;
}

/// The rows of `dir/name` without their first three columns (index, shard, row), sorted: the
/// content of a data set, whatever its sharding.
inline QStringList tableContent(const QString& dir, const QString& name) {
    QStringList rows;
    const QStringList lines = csvLines(dir, name);
    for (int i = 1; i < lines.size(); ++i) rows << lines[i].section(QChar(','), 3);
    rows.sort();
    return rows;
}

/// Every top-level file of a folder: name → bytes.
inline QMap<QString, QByteArray> folderFiles(const QString& dir) {
    QMap<QString, QByteArray> out;
    for (const QString& name : QDir(dir).entryList(QDir::Files)) out[name] = readAll(dir + "/" + name);
    return out;
}

}  // namespace cw::test
