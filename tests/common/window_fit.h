#pragma once
// Which widgets hold a window wider or taller than a screen: the deepest ones whose minimum size
// exceeds the limit are named (class, object name, text), so a failing fit test says why.

#include <QAbstractButton>
#include <QLabel>
#include <QMainWindow>
#include <QSize>
#include <QString>
#include <QStringList>
#include <QWidget>

namespace cw::test {

inline QString describeWidget(const QWidget* w) {
    QString text;
    if (auto* label = qobject_cast<const QLabel*>(w)) text = label->text();
    if (auto* button = qobject_cast<const QAbstractButton*>(w)) text = button->text();
    const QSize min = w->minimumSizeHint().expandedTo(w->minimumSize());
    return QString("%1 '%2' min %3×%4 %5")
        .arg(w->metaObject()->className(), w->objectName())
        .arg(min.width())
        .arg(min.height())
        .arg(text.left(80));
}

/// Visible widgets under `root` whose own minimum width exceeds `maxWidth` or height exceeds
/// `maxHeight`, most deeply nested first.
inline QStringList widgetsLargerThan(const QWidget* root, int maxWidth, int maxHeight) {
    QStringList found;
    for (const QWidget* w : root->findChildren<QWidget*>()) {
        if (!w->isVisibleTo(root)) continue;
        const QSize min = w->minimumSizeHint().expandedTo(w->minimumSize());
        if (min.width() > maxWidth || min.height() > maxHeight) found << describeWidget(w);
    }
    return found;
}

/// Empty when the window's minimum size fits `screen`; else the size and the widgets at fault.
inline QString windowFitProblem(const QMainWindow& window, QSize screen) {
    const QSize min = window.minimumSizeHint().expandedTo(window.minimumSize());
    if (min.width() <= screen.width() && min.height() <= screen.height()) return {};
    return QString("minimum size %1×%2 exceeds %3×%4; large widgets:\n  %5")
        .arg(min.width())
        .arg(min.height())
        .arg(screen.width())
        .arg(screen.height())
        .arg(widgetsLargerThan(&window, screen.width() / 3, screen.height() / 3).join("\n  "));
}

}  // namespace cw::test
