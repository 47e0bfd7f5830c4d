#pragma once
// What the Properties panel offers as targets and how it labels them: the numeric property
// columns of a CrysTens (or xtal2png) data set's properties.csv, and the units of the
// properties the Materials Project and Alexandria collections carry.

#include <QString>
#include <QStringList>

namespace cw {

/// The property columns of dataDir/properties.csv (the columns after the table's fixed ones:
/// index, material_id, nsites, space_group, split, …, and space-group numbers such as
/// symmetry_number) whose every non-empty cell is a finite number, with at least one such cell;
/// in table order. Empty for a folder without a table.
/// Throws IoError, FormatError (an unreadable table).
QStringList numericPropertyColumns(const QString& dataDir);

/// The unit of a known property ("eV/atom" for formation_energy_per_atom, "g/cm³" for density,
/// "μB/cell" for total_magnetization, …); "" when unknown.
QString propertyUnit(const QString& name);
/// "band_gap (eV)", or the bare name when the unit is unknown.
QString propertyLabel(const QString& name);

}  // namespace cw
