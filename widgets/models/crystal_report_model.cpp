#include "models/crystal_report_model.h"

#include <QColor>

namespace cw {
namespace {

QString yesNo(bool value) { return value ? "yes" : "no"; }

}  // namespace

CrystalReportModel::CrystalReportModel(QObject* parent) : QAbstractTableModel(parent) {}

void CrystalReportModel::setData(std::shared_ptr<const CrystalReportData> data) {
    beginResetModel();
    m_data = std::move(data);
    endResetModel();
}

int CrystalReportModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() || !m_data ? 0 : int(m_data->report.crystals.size());
}

int CrystalReportModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CrystalReportModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    static const char* names[ColumnCount] = {"id",     "formula", "space group", "struct",
                                             "comp",   "valid",   "unique",      "novel",
                                             "covers", "nearest training", "RMS", "why not valid"};
    return section >= 0 && section < ColumnCount ? QString(names[section]) : QVariant();
}

QVariant CrystalReportModel::data(const QModelIndex& index, int role) const {
    if (!m_data || !index.isValid()) return {};
    const CrystalVerdict& v = m_data->report.crystals.at(std::size_t(index.row()));
    const bool sort = role == SortRole;
    if (role == Qt::ForegroundRole && index.column() == Valid) {
        return QColor(v.valid ? QColor(0, 110, 0) : QColor(170, 0, 0));
    }
    if (role == Qt::ToolTipRole && index.column() == SpaceGroup && !v.spaceGroupNote.empty()) {
        return QString::fromStdString(v.spaceGroupNote);
    }
    if (role != Qt::DisplayRole && !sort) return {};
    switch (index.column()) {
        case Id: return QString::fromStdString(v.id);
        case Formula: return QString::fromStdString(v.formula);
        case SpaceGroup:
            if (sort) return v.spaceGroup;
            return v.spaceGroup ? QString("%1 (%2)").arg(QString::fromStdString(v.spaceGroupSymbol))
                                      .arg(v.spaceGroup)
                                : QString("none");
        case Structural: return sort ? QVariant(v.validity.structural.valid) : yesNo(v.validity.structural.valid);
        case Compositional: return sort ? QVariant(v.validity.composition.valid) : yesNo(v.validity.composition.valid);
        case Valid: return sort ? QVariant(v.valid) : yesNo(v.valid);
        case Unique: return sort ? QVariant(v.unique) : yesNo(v.unique);
        case Novel:
            if (!v.novel) return sort ? QVariant(-1) : QVariant("–");
            return sort ? QVariant(*v.novel) : yesNo(*v.novel);
        case Covers: return sort ? QVariant(v.coversReference) : yesNo(v.coversReference);
        case NearestTraining: return QString::fromStdString(v.nearestTrainingId);
        case NearestRms:
            if (!v.nearestTrainingRms) return sort ? QVariant(1e9) : QVariant();
            return sort ? QVariant(v.nearestTrainingRms->rms)
                        : QVariant(QString::number(v.nearestTrainingRms->rms, 'f', 4) +
                                   (v.matchesNearestTraining ? " (match)" : ""));
        case Reason: {
            if (v.valid) return QString();
            if (!v.validity.valid()) return QString::fromStdString(v.validity.reason());
            return QString("no fingerprint: %1").arg(QString::fromStdString(v.fingerprintError));
        }
        default: return {};
    }
}

}  // namespace cw
