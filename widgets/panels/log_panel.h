#pragma once
// The Messages panel: what went wrong (files that could not be read, skipped entries of a
// collection) and what happened, newest last, with the time.

#include <QStringList>
#include <QWidget>

class QListWidget;

namespace cw {

class LogPanel : public QWidget {
    Q_OBJECT
public:
    enum class Severity { Info, Warning, Error };

    explicit LogPanel(QWidget* parent = nullptr);

    /// The lines shown, oldest first, without the time stamp ("error: …").
    QStringList messages() const { return m_messages; }
    int count() const { return static_cast<int>(m_messages.size()); }

public Q_SLOTS:
    void addMessage(cw::LogPanel::Severity severity, const QString& text);
    void info(const QString& text) { addMessage(Severity::Info, text); }
    void warning(const QString& text) { addMessage(Severity::Warning, text); }
    void error(const QString& text) { addMessage(Severity::Error, text); }
    void clear();

private:
    QListWidget* m_list;
    QStringList m_messages;
};

}  // namespace cw
