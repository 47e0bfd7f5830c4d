#include "common/elided_label.h"

#include <QPainter>

namespace cw {

ElidedLabel::ElidedLabel(const QString& text, QWidget* parent) : QFrame(parent) {
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    setText(text);
}

void ElidedLabel::setText(const QString& text) {
    if (text == m_text) return;
    m_text = text;
    setToolTip(text);
    updateGeometry();
    update();
}

QString ElidedLabel::displayedText() const {
    return fontMetrics().elidedText(m_text, Qt::ElideMiddle, contentsRect().width());
}

QSize ElidedLabel::sizeHint() const {
    const QFontMetrics metrics = fontMetrics();
    return {metrics.horizontalAdvance(m_text) + 2 * frameWidth() + 4,
            metrics.height() + 2 * frameWidth()};
}

QSize ElidedLabel::minimumSizeHint() const {
    // About six characters: enough to show that there is text, and its tooltip.
    const QFontMetrics metrics = fontMetrics();
    return {metrics.averageCharWidth() * 6 + 2 * frameWidth(), metrics.height() + 2 * frameWidth()};
}

void ElidedLabel::paintEvent(QPaintEvent* event) {
    QFrame::paintEvent(event);
    QPainter painter(this);
    painter.setPen(palette().color(QPalette::WindowText));
    painter.drawText(contentsRect(), Qt::AlignLeft | Qt::AlignVCenter, displayedText());
}

}  // namespace cw
