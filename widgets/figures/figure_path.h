#pragma once
// Save dialogs for figures and tables: a name typed without an extension takes the one of the
// file type chosen in the dialog ("slice" with "PDF document (*.pdf)" → "slice.pdf"), as users
// expect, instead of being refused as an unknown format.

#include <QString>

class QWidget;

namespace cw {

/// `path` with the extension of `selectedFilter` ("PNG image (*.png)") appended when it has
/// none of the filter's; unchanged when it has one, or when the filter names no extension.
QString pathWithFilterSuffix(const QString& path, const QString& selectedFilter);

/// QFileDialog::getSaveFileName, then pathWithFilterSuffix; "" when cancelled.
QString chooseSavePath(QWidget* parent, const QString& caption, const QString& suggestedName,
                       const QString& filters);

}  // namespace cw
