#include "panels/collection_browser.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include "core/error.h"
#include "jobs/collection_loader.h"
#include "jobs/job.h"
#include "models/collection_filter.h"
#include "models/collection_model.h"

namespace cw {

CollectionBrowser::CollectionBrowser(QWidget* parent)
    : QWidget(parent),
      m_filter(new QLineEdit(this)),
      m_view(new QTableView(this)),
      m_progress(new QProgressBar(this)),
      m_cancel(new QPushButton("Cancel", this)),
      m_count(new QLabel(this)),
      m_model(new CollectionModel(this)),
      m_proxy(new CollectionFilter(this)) {
    qRegisterMetaType<cw::CollectionBatch>();
    m_filter->setObjectName("collectionFilter");
    m_filter->setPlaceholderText("Filter: Fe O · -O · Fe2O3 · sg:225 · band_gap>2 · nsites<=20 · mp-1000");
    m_filter->setToolTip(
        "Every word must match: an element symbol (Fe; -Fe excludes it), a formula (Fe2O3: that "
        "composition), sg:225 or sg:221-230 or sg:Fm-3m, a property compared with a number "
        "(band_gap>2, formation_energy_per_atom<-1, nsites<=20, nelements=2), or text in the "
        "id or formula (mp-1000).");
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, this, &CollectionBrowser::setFilterText);

    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(CollectionModel::kSortRole);
    m_view->setObjectName("collectionTable");
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(-1, Qt::AscendingOrder);  // file order until a header is clicked
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);  // fast for 30,000 rows
    m_view->horizontalHeader()->setDefaultSectionSize(90);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    connect(m_view, &QTableView::clicked, this, &CollectionBrowser::activateIndex);
    connect(m_view, &QTableView::activated, this, &CollectionBrowser::activateIndex);

    m_progress->setObjectName("collectionProgress");
    m_progress->setRange(0, 0);  // the entry count is unknown until the end
    m_progress->setTextVisible(false);
    m_progress->setMaximumHeight(fontMetrics().height());
    m_progress->hide();
    m_cancel->setObjectName("collectionCancel");
    m_cancel->hide();
    connect(m_cancel, &QPushButton::clicked, this, &CollectionBrowser::cancel);
    m_count->setObjectName("collectionCount");
    m_count->setText("Open a collection (MP / Alexandria JSON) or a folder to browse it.");
    m_count->setWordWrap(true);

    auto* bottom = new QHBoxLayout;
    bottom->addWidget(m_count, 1);
    bottom->addWidget(m_progress);
    bottom->addWidget(m_cancel);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_filter);
    layout->addWidget(m_view, 1);
    layout->addLayout(bottom);
}

CollectionBrowser::~CollectionBrowser() = default;

void CollectionBrowser::load(const QString& path, bool openFirst) {
    ++m_generation;
    m_model->clear();
    m_path = path;
    m_loading = true;
    m_openFirst = openFirst;
    m_skipped = 0;
    m_progress->show();
    m_cancel->show();
    m_count->setText(QString("Reading %1…").arg(QFileInfo(path).fileName()));
    auto* loader = new CollectionLoader(path, m_generation);
    connect(loader, &CollectionLoader::batchReady, this, &CollectionBrowser::onBatch);
    connect(loader, &CollectionLoader::finished, this, &CollectionBrowser::onFinished);
    m_loader.replace(loader);  // a load still running is cancelled first
}

void CollectionBrowser::cancel() {
    if (m_loading) m_loader.cancel();
}

void CollectionBrowser::setFilterText(const QString& text) {
    if (m_filter->text() != text) m_filter->setText(text);  // re-enters through textChanged
    try {
        m_proxy->setQuery(CrystalQuery::parse(text.toStdString()));
        m_filterError.clear();
    } catch (const Error& e) {
        // The rows of the last good query stay; the word at fault is named.
        m_filterError = QString::fromStdString(e.what());
    }
    m_filter->setStyleSheet(m_filterError.isEmpty() ? QString() : "QLineEdit { border: 1px solid #b00020; }");
    updateCount();
}

QSortFilterProxyModel* CollectionBrowser::proxyModel() const {
    return m_proxy;
}

QString CollectionBrowser::filterDescription() const {
    return m_filterError.isEmpty() ? QString::fromStdString(m_proxy->query().describe()) : m_filterError;
}

void CollectionBrowser::activateRow(int row) {
    activateIndex(m_proxy->index(row, 0));
}

void CollectionBrowser::activateIndex(const QModelIndex& proxyIndex) {
    const QModelIndex source = m_proxy->mapToSource(proxyIndex);
    if (!source.isValid()) return;
    Q_EMIT structureActivated(m_model->structure(source.row()));
}

void CollectionBrowser::onBatch(quint64 generation, const CollectionBatch& batch) {
    if (generation != m_generation) return;  // a replaced or cancelled load
    for (const QString& problem : batch.problems) Q_EMIT entrySkipped(problem);
    m_skipped += batch.problems.size();
    const bool first = m_model->rowCount() == 0 && !batch.entries.empty();
    m_model->append(std::vector<CollectionEntry>(batch.entries));
    if (first) {
        m_view->resizeColumnsToContents();
        if (m_openFirst) {
            m_view->selectRow(m_proxy->mapFromSource(m_model->index(0, 0)).row());
            Q_EMIT structureActivated(m_model->structure(0));
        }
    }
    m_count->setText(
        QString("Reading %1… %2 entries").arg(QFileInfo(m_path).fileName()).arg(batch.entriesRead));
}

void CollectionBrowser::onFinished(quint64 generation, qint64 delivered, qint64 problems,
                                   bool cancelled, const QString& error) {
    if (generation != m_generation) return;
    m_loading = false;
    m_progress->hide();
    m_cancel->hide();
    if (problems > m_skipped)  // the loader keeps the first 1000 problems in full
        Q_EMIT entrySkipped(
            QString("%1: %2 more entries skipped").arg(m_path).arg(problems - m_skipped));
    if (!error.isEmpty()) Q_EMIT loadFailed(error);
    updateCount();
    const QString summary = QString("%1: %2 structures read, %3 skipped%4")
                                .arg(m_path)
                                .arg(delivered)
                                .arg(problems)
                                .arg(cancelled ? " (cancelled)" : "");
    Q_EMIT message(summary);
    Q_EMIT loadFinished(delivered, problems);
}

void CollectionBrowser::updateCount() {
    if (m_loading) return;
    const int total = m_model->rowCount();
    const int shown = m_proxy->rowCount();
    QString text = QString("%1: %2 entries").arg(QFileInfo(m_path).fileName()).arg(total);
    if (shown != total) text += QString(", %1 shown").arg(shown);
    if (!m_filterError.isEmpty()) {
        text += QString(" — filter: %1").arg(m_filterError);
    } else if (!m_proxy->query().empty()) {
        // Unknown property names match nothing: say which the collection has.
        for (const std::string& name : m_proxy->query().propertyNames())
            if (m_model->propertyColumn(QString::fromStdString(name)) < 0)
                text += QString(" — no property '%1' here (the columns are the properties)")
                            .arg(QString::fromStdString(name));
    }
    if (m_skipped > 0) text += QString(", %1 skipped (see Messages)").arg(m_skipped);
    m_count->setText(text);
}

}  // namespace cw
