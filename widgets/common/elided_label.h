#pragma once
// A one-line label that never widens its panel: text longer than the label is elided in the
// middle (a path keeps its start and its file name) and shown whole in the tooltip.

#include <QFrame>
#include <QString>

namespace cw {

class ElidedLabel : public QFrame {
    Q_OBJECT
public:
    explicit ElidedLabel(const QString& text = {}, QWidget* parent = nullptr);

    void setText(const QString& text);
    QString text() const { return m_text; }
    /// What is painted at the current width (the text, or its elided form).
    QString displayedText() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QString m_text;
};

}  // namespace cw
