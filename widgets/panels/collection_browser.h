#pragma once
// The collection browser: the entries of an MP / Alexandria collection or a folder in a
// filterable, sortable table, read off the GUI thread with a progress bar and Cancel; a click
// (or Enter) opens an entry. Skipped entries and file errors are reported by signals.

#include <QSortFilterProxyModel>
#include <QWidget>

#include "crystal/structure.h"
#include "jobs/job_runner.h"

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableView;

namespace cw {

class CollectionLoader;
class CollectionFilter;
class CollectionModel;
struct CollectionBatch;

class CollectionBrowser : public QWidget {
    Q_OBJECT
public:
    explicit CollectionBrowser(QWidget* parent = nullptr);
    ~CollectionBrowser() override;

    /// Starts reading `path` (replacing the current collection and cancelling a running load).
    /// With `openFirst`, the first entry read is activated as soon as it arrives.
    void load(const QString& path, bool openFirst = false);
    /// Stops the running load; the entries read so far stay.
    void cancel();
    bool isLoading() const { return m_loading; }
    QString path() const { return m_path; }

    /// Shows the rows whose id, formula or elements contain `text` (case-insensitive).
    void setFilterText(const QString& text);
    /// Emits structureActivated for the row at `row` of the sorted, filtered view.
    void activateRow(int row);

    CollectionModel* model() const { return m_model; }
    QSortFilterProxyModel* proxyModel() const;
    /// The filter as parsed ("contains Fe; band_gap > 2"), or why it could not be.
    QString filterDescription() const;
    QTableView* view() const { return m_view; }

Q_SIGNALS:
    void structureActivated(const cw::Structure& structure);
    /// An entry was skipped ("file:entry 3 (mp-1): reason").
    void entrySkipped(const QString& message);
    /// The file as a whole failed (after the entries before the damage were read).
    void loadFailed(const QString& message);
    /// Loading ended (finished, cancelled or failed): structures read and entries skipped.
    void loadFinished(qint64 delivered, qint64 skipped);
    void message(const QString& text);

private:
    void onBatch(quint64 generation, const cw::CollectionBatch& batch);
    void onFinished(quint64 generation, qint64 delivered, qint64 problems, bool cancelled,
                    const QString& error);
    void activateIndex(const QModelIndex& proxyIndex);
    void updateCount();

    QLineEdit* m_filter;
    QTableView* m_view;
    QProgressBar* m_progress;
    QPushButton* m_cancel;
    QLabel* m_count;
    CollectionModel* m_model;
    CollectionFilter* m_proxy;
    QString m_filterError;

    QString m_path;
    quint64 m_generation = 0;
    bool m_loading = false;
    bool m_openFirst = false;
    qint64 m_skipped = 0;

    JobRunner m_loader{"collectionLoader"};  // last member: stopped and joined first
};

}  // namespace cw
