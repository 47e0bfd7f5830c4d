#include "figures/figure_path.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QRegularExpression>

namespace cw {

QString pathWithFilterSuffix(const QString& path, const QString& selectedFilter) {
    if (path.isEmpty()) return path;
    // The filter's patterns: "*.png", "*.tar.gz"…
    static const QRegularExpression pattern(R"(\*\.([A-Za-z0-9.]+))");
    QStringList suffixes;
    for (auto match = pattern.globalMatch(selectedFilter); match.hasNext();) suffixes << match.next().captured(1);
    if (suffixes.isEmpty()) return path;
    const QString name = QFileInfo(path).fileName();
    for (const QString& suffix : suffixes)
        if (name.endsWith("." + suffix, Qt::CaseInsensitive)) return path;
    return path + "." + suffixes.first();
}

QString chooseSavePath(QWidget* parent, const QString& caption, const QString& suggestedName,
                       const QString& filters) {
    QString selected;
    const QString path = QFileDialog::getSaveFileName(parent, caption, suggestedName, filters, &selected);
    return pathWithFilterSuffix(path, selected);
}

}  // namespace cw
