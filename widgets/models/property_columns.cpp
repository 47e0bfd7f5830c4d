#include "models/property_columns.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/csv_reader.h"
#include "dataset/encoding_builder.h"

namespace cw {

namespace {

bool isNumber(const std::string& text) {
    if (text.empty()) return false;
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    return end == text.c_str() + text.size() && std::isfinite(value);
}

}  // namespace

QStringList numericPropertyColumns(const QString& dataDir) {
    const QString table = QDir(dataDir).filePath("properties.csv");
    if (!QFileInfo(table).isFile()) return {};
    CsvReader csv(table.toStdString());
    std::vector<std::string> header, fields;
    if (!csv.next(header)) return {};
    std::vector<std::string> skip = encodingTableFixedColumns();
    // Space-group numbers are numeric labels, not quantities to regress.
    skip.insert(skip.end(), {"symmetry_number", "spg", "property_space_group"});
    std::vector<bool> candidate(header.size()), seen(header.size(), false);
    for (std::size_t c = 0; c < header.size(); ++c)
        candidate[c] = std::find(skip.begin(), skip.end(), header[c]) == skip.end();
    while (csv.next(fields))
        for (std::size_t c = 0; c < header.size() && c < fields.size(); ++c) {
            if (!candidate[c] || fields[c].empty()) continue;
            if (isNumber(fields[c]))
                seen[c] = true;
            else
                candidate[c] = false;  // text (a flag such as "True", a name): not a target
        }
    QStringList columns;
    for (std::size_t c = 0; c < header.size(); ++c)
        if (candidate[c] && seen[c]) columns << QString::fromStdString(header[c]);
    return columns;
}

QString propertyUnit(const QString& name) {
    // The units of shared/data/README.md (Materials Project) and of Alexandria's entries.
    static const QHash<QString, QString> units{
        {"formation_energy_per_atom", "eV/atom"},
        {"energy_per_atom", "eV/atom"},
        {"e_above_hull", "eV/atom"},
        {"energy_above_hull", "eV/atom"},
        {"band_gap", "eV"},
        {"band_gap_ind", "eV"},
        {"band_gap_dir", "eV"},
        {"efermi", "eV"},
        {"energy", "eV"},
        {"energy_total", "eV"},
        {"total_magnetization", "μB/cell"},
        {"total_mag", "μB/cell"},
        {"density", "g/cm³"},
        {"volume", "Å³"},
    };
    return units.value(name);
}

QString propertyLabel(const QString& name) {
    const QString unit = propertyUnit(name);
    return unit.isEmpty() ? name : QString("%1 (%2)").arg(name, unit);
}

}  // namespace cw
