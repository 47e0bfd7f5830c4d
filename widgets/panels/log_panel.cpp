#include "panels/log_panel.h"

#include <QHBoxLayout>
#include <QListWidget>
#include <QPushButton>
#include <QTime>
#include <QVBoxLayout>

namespace cw {

namespace {
// Beyond this the oldest lines go: a 30,000-entry collection with every entry bad stays usable.
constexpr int kMaxLines = 5000;
}  // namespace

LogPanel::LogPanel(QWidget* parent) : QWidget(parent), m_list(new QListWidget(this)) {
    m_list->setObjectName("logList");
    m_list->setWordWrap(true);
    m_list->setUniformItemSizes(false);
    m_list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    auto* clearButton = new QPushButton("Clear", this);
    connect(clearButton, &QPushButton::clicked, this, &LogPanel::clear);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(clearButton);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_list, 1);
    layout->addLayout(buttons);
}

void LogPanel::addMessage(Severity severity, const QString& text) {
    const char* prefix = severity == Severity::Error     ? "error: "
                         : severity == Severity::Warning ? "skipped: "
                                                         : "";
    const QString line = prefix + text;
    m_messages << line;
    auto* item = new QListWidgetItem(QTime::currentTime().toString("HH:mm:ss") + "  " + line);
    item->setToolTip(text);
    if (severity == Severity::Error) item->setForeground(QColor(176, 0, 32));
    if (severity == Severity::Warning) item->setForeground(QColor(150, 90, 0));
    m_list->addItem(item);
    while (m_list->count() > kMaxLines) {
        delete m_list->takeItem(0);
        m_messages.removeFirst();
    }
    m_list->scrollToBottom();
}

void LogPanel::clear() {
    m_list->clear();
    m_messages.clear();
}

}  // namespace cw
