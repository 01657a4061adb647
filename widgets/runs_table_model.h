#pragma once

#include "run_row.h"

#include <cstdint>
#include <map>
#include <vector>

#include <QAbstractTableModel>
#include <QIcon>

namespace kestrel::widgets {

// The project's training runs, a row each, in the order they arrived; the view sorts and
// filters through a proxy. Rows are kept by run id, so a refresh keeps the view's selection.
class RunsTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        RunColumn,
        StatusColumn,
        ModelColumn,
        ValAccuracyColumn,
        TestAccuracyColumn,
        ValLossColumn,
        EpochsColumn,
        DurationColumn,
        DeviceColumn,
        TagsColumn,
        CreatedColumn,
        NotesColumn,
        ColumnCount
    };
    enum Role {
        RunIdRole = Qt::UserRole + 1,
        SortRole,   // a number for numeric columns, so 9.5% sorts below 10.2%
        FilterRole, // model, tags, notes and status in one text
    };

    explicit RunsTableModel(QObject* parent = nullptr);

    // Updates rows whose id is still there in place, removes the others and appends new ones.
    void setRuns(std::vector<RunRow> runs);
    void updateRun(const RunRow& run); // appends a run it does not know yet
    const std::vector<RunRow>& runs() const { return runs_; }
    const RunRow* runAt(int row) const; // nullptr when out of range
    const RunRow* run(std::int64_t id) const;
    int rowOf(std::int64_t id) const; // -1 when unknown

    static QString statusText(const QString& status); // "failed" -> "Failed"
    static QString durationText(double seconds);      // 192 -> "3 min 12 s"

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QVariant display(const RunRow& run, int column) const;
    QVariant sortKey(const RunRow& run, int column) const;
    QString toolTip(const RunRow& run, int column) const;
    QIcon statusIcon(const QString& status) const;
    void rowChanged(int row);

    std::vector<RunRow> runs_;
    mutable std::map<QString, QIcon> icons_; // drawn on first use: the model needs no GUI
};

} // namespace kestrel::widgets
