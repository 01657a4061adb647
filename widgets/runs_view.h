#pragma once

#include "run_row.h"

#include <cstdint>
#include <vector>

#include <QWidget>

class QAction;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QStackedWidget;
class QTableView;

namespace kestrel::widgets {

class RunNotesEditor;
class RunParameterDiff;
class RunsTableModel;

// The project's training runs: a sortable, filterable table to compare and manage them, the
// parameters that differ between the selected runs, and the notes and tags of one run. It only
// asks, through signals; the app does the work and answers with setRuns() or updateRun().
class RunsView : public QWidget {
    Q_OBJECT
public:
    explicit RunsView(QWidget* parent = nullptr);
    ~RunsView() override;

    // Keeps the selection by run id; notes or tags being typed are not overwritten.
    void setRuns(std::vector<RunRow> runs);
    void updateRun(const RunRow& run);
    std::vector<std::int64_t> selectedRuns() const; // in table order
    void selectRuns(const std::vector<std::int64_t>& ids);

public slots:
    void requestResume();
    void requestExport();
    void requestContinue();
    void requestReport();
    void promptDelete(); // confirms first

signals:
    void selectionChanged(const std::vector<std::int64_t>& ids);
    void notesEdited(std::int64_t id, const QString& notes);
    void tagsEdited(std::int64_t id, const QStringList& tags);
    void deleteRequested(const std::vector<std::int64_t>& ids); // only after the user confirmed
    void resumeRequested(std::int64_t id);
    void exportRequested(std::int64_t id);
    // Train a new run from this run's best weights on the current samples.
    void continueRequested(std::int64_t id);
    void reportRequested(std::int64_t id);

private:
    void filterChanged(const QString& text);
    void selectionMayHaveChanged();
    void refresh(); // after the runs changed
    void updateButtons(const std::vector<std::int64_t>& ids);
    void updateParamDiff(const std::vector<std::int64_t>& ids);
    void applyNotes(std::int64_t id, const QString& notes);
    void applyTags(std::int64_t id, const QStringList& tags);
    const RunRow* singleSelected() const;

    RunsTableModel* model_ = nullptr;
    QSortFilterProxyModel* proxy_ = nullptr;
    std::vector<std::int64_t> lastSelection_; // sorted, to tell a new selection from a re-sort

    QStackedWidget* pages_ = nullptr;
    QTableView* table_ = nullptr;
    QLabel* emptyLabel_ = nullptr;
    QLineEdit* filter_ = nullptr;
    QPushButton* resumeButton_ = nullptr;
    QPushButton* exportButton_ = nullptr;
    QPushButton* continueButton_ = nullptr;
    QPushButton* reportButton_ = nullptr;
    QPushButton* deleteButton_ = nullptr;
    QAction* resumeAction_ = nullptr;
    QAction* exportAction_ = nullptr;
    QAction* continueAction_ = nullptr;
    QAction* reportAction_ = nullptr;
    QAction* deleteAction_ = nullptr;
    QWidget* details_ = nullptr;
    RunParameterDiff* paramDiff_ = nullptr;
    RunNotesEditor* editor_ = nullptr;
};

} // namespace kestrel::widgets
