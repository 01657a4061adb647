#include "runs_view.h"

#include "flow_layout.h"
#include "run_notes_editor.h"
#include "run_parameter_diff.h"
#include "runs_table_model.h"

#include <algorithm>

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace kestrel::widgets {

namespace {

constexpr std::size_t kMostNamedRuns = 8; // a longer list in a question is not read

bool isRunning(const RunRow& run) {
    return run.status == QLatin1String("running");
}

} // namespace

RunsView::RunsView(QWidget* parent) : QWidget(parent) {
    model_ = new RunsTableModel(this);
    proxy_ = new QSortFilterProxyModel(this);
    proxy_->setSourceModel(model_);
    proxy_->setSortRole(RunsTableModel::SortRole);
    proxy_->setFilterRole(RunsTableModel::FilterRole);
    proxy_->setFilterKeyColumn(0);

    auto* column = new QVBoxLayout(this);
    // The filter and the buttons wrap onto more rows in a narrow pane rather than clip.
    auto* bar = new FlowLayout;
    bar->setSpacing(6);
    filter_ = new QLineEdit;
    filter_->setObjectName("runsFilter");
    filter_->setPlaceholderText(tr("Model, tag, notes or status"));
    filter_->setToolTip(tr("Shows the runs whose model, tags, notes or status contain every "
                           "word typed here"));
    filter_->setClearButtonEnabled(true);
    connect(filter_, &QLineEdit::textChanged, this, &RunsView::filterChanged);
    filter_->setMinimumWidth(filter_->fontMetrics().horizontalAdvance(QLatin1Char('x')) * 28);
    auto* filterLabel = new QLabel(tr("Fil&ter:"));
    filterLabel->setBuddy(filter_);
    auto* filterRow = new QWidget;
    auto* filterLayout = new QHBoxLayout(filterRow);
    filterLayout->setContentsMargins(0, 0, 0, 0);
    filterLayout->addWidget(filterLabel);
    filterLayout->addWidget(filter_, 1);
    bar->addWidget(filterRow);

    const auto addButton = [this, bar](const char* name, const QString& text, auto slot) {
        auto* button = new QPushButton(text);
        button->setObjectName(name);
        connect(button, &QPushButton::clicked, this, slot);
        bar->addWidget(button);
        auto* action = new QAction(text, this);
        connect(action, &QAction::triggered, this, slot);
        return std::make_pair(button, action);
    };
    std::tie(resumeButton_, resumeAction_) =
        addButton("resumeRun", tr("&Resume"), &RunsView::requestResume);
    std::tie(exportButton_, exportAction_) =
        addButton("exportRun", tr("E&xport…"), &RunsView::requestExport);
    std::tie(continueButton_, continueAction_) =
        addButton("continueRun", tr("&Continue training"), &RunsView::requestContinue);
    std::tie(reportButton_, reportAction_) =
        addButton("reportRun", tr("Re&port…"), &RunsView::requestReport);
    std::tie(deleteButton_, deleteAction_) =
        addButton("deleteRuns", tr("&Delete…"), &RunsView::promptDelete);
    deleteAction_->setShortcut(QKeySequence::Delete);
    deleteAction_->setShortcutContext(Qt::WidgetShortcut); // Delete in the notes edits text
    column->addLayout(bar);

    table_ = new QTableView;
    table_->setObjectName("runsTable");
    table_->setModel(proxy_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setAlternatingRowColors(true);
    table_->setWordWrap(false);
    table_->verticalHeader()->hide();
    table_->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->setSortingEnabled(true);
    table_->sortByColumn(RunsTableModel::RunColumn, Qt::DescendingOrder); // newest first
    table_->setContextMenuPolicy(Qt::ActionsContextMenu);
    table_->addActions(
        {resumeAction_, exportAction_, continueAction_, reportAction_, deleteAction_});
    connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &RunsView::selectionMayHaveChanged);
    // Double-click views the run: it becomes the only selected one, nothing is edited.
    connect(table_, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        selectRuns({index.data(RunsTableModel::RunIdRole).toLongLong()});
    });
    // Removed rows leave the selection without a selectionChanged in every case.
    connect(proxy_, &QAbstractItemModel::rowsRemoved, this, &RunsView::selectionMayHaveChanged);
    // Columns grow to their text as runs arrive and change ("Running" becomes "Completed"),
    // and never shrink under a width the user chose.
    const auto fitColumns = [this] {
        for (int c = 0; c < RunsTableModel::NotesColumn; ++c) {
            const int chosen = table_->columnWidth(c);
            table_->resizeColumnToContents(c);
            if (table_->columnWidth(c) < chosen) {
                table_->setColumnWidth(c, chosen);
            }
        }
    };
    connect(model_, &QAbstractItemModel::rowsInserted, this, fitColumns);
    connect(model_, &QAbstractItemModel::dataChanged, this, fitColumns);

    emptyLabel_ = new QLabel(tr("No runs yet. Set up a run on the left and press Start."));
    emptyLabel_->setObjectName("runsEmpty");
    emptyLabel_->setAlignment(Qt::AlignCenter);
    emptyLabel_->setWordWrap(true);
    pages_ = new QStackedWidget;
    pages_->addWidget(emptyLabel_);
    pages_->addWidget(table_);

    auto* splitter = new QSplitter(Qt::Vertical);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(pages_);
    details_ = new QWidget;
    auto* detailsRow = new QHBoxLayout(details_);
    detailsRow->setContentsMargins(0, 0, 0, 0);
    paramDiff_ = new RunParameterDiff;
    detailsRow->addWidget(paramDiff_, 2);
    editor_ = new RunNotesEditor;
    connect(editor_, &RunNotesEditor::notesEdited, this, &RunsView::applyNotes);
    connect(editor_, &RunNotesEditor::tagsEdited, this, &RunsView::applyTags);
    detailsRow->addWidget(editor_, 1);
    splitter->addWidget(details_);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    column->addWidget(splitter, 1);

    refresh();
}

// QWidget's destructor takes the focus from an editor, which then commits; this view is half
// gone by then and must not take the edit.
RunsView::~RunsView() {
    disconnect(editor_, nullptr, this, nullptr);
}

void RunsView::setRuns(std::vector<RunRow> runs) {
    model_->setRuns(std::move(runs));
    refresh();
}

void RunsView::updateRun(const RunRow& run) {
    model_->updateRun(run);
    refresh();
}

std::vector<std::int64_t> RunsView::selectedRuns() const {
    std::vector<std::int64_t> ids;
    const QItemSelectionModel* selection = table_->selectionModel();
    for (int row = 0; row < proxy_->rowCount(); ++row) {
        if (selection->rowIntersectsSelection(row, {})) {
            ids.push_back(proxy_->index(row, 0).data(RunsTableModel::RunIdRole).toLongLong());
        }
    }
    return ids;
}

void RunsView::selectRuns(const std::vector<std::int64_t>& ids) {
    QItemSelection selection;
    QModelIndex first;
    for (const std::int64_t id : ids) {
        const QModelIndex index = proxy_->mapFromSource(model_->index(model_->rowOf(id), 0));
        if (index.isValid()) {
            selection.select(index, index);
            first = first.isValid() ? first : index;
        }
    }
    QItemSelectionModel* model = table_->selectionModel();
    model->select(selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    if (first.isValid()) {
        model->setCurrentIndex(first, QItemSelectionModel::NoUpdate);
        table_->scrollTo(first);
    }
}

void RunsView::requestResume() {
    const RunRow* run = singleSelected();
    if (run && run->resumable && !isRunning(*run)) {
        emit resumeRequested(run->id);
    }
}

void RunsView::requestContinue() {
    const RunRow* run = singleSelected();
    if (run && run->exportable) {
        emit continueRequested(run->id);
    }
}

void RunsView::requestReport() {
    const RunRow* run = singleSelected();
    if (run && !isRunning(*run)) {
        emit reportRequested(run->id);
    }
}

void RunsView::requestExport() {
    const RunRow* run = singleSelected();
    if (run && run->exportable) {
        emit exportRequested(run->id);
    }
}

void RunsView::promptDelete() {
    std::vector<std::int64_t> ids = selectedRuns();
    const auto deletable = [this](std::int64_t id) {
        const RunRow* run = model_->run(id);
        return run && !isRunning(*run);
    };
    if (ids.empty() || !std::all_of(ids.begin(), ids.end(), deletable)) {
        return;
    }
    std::vector<std::int64_t> ascending = ids;
    std::sort(ascending.begin(), ascending.end());
    QStringList names;
    for (std::size_t i = 0; i < ascending.size() && i < kMostNamedRuns; ++i) {
        names << tr("run #%1").arg(ascending[i]);
    }
    if (ascending.size() > kMostNamedRuns) {
        names.removeLast();
        names << tr("%1 more runs").arg(ascending.size() - kMostNamedRuns + 1);
    }
    const QString list = QLocale().createSeparatedList(names);
    const QString question =
        ids.size() == 1
            ? tr("Delete %1? Its checkpoints, curves and exported models are removed from the "
                 "project. This cannot be undone.")
                  .arg(list)
            : tr("Delete %1? Their checkpoints, curves and exported models are removed from "
                 "the project. This cannot be undone.")
                  .arg(list);
    QMessageBox box(QMessageBox::Warning, ids.size() == 1 ? tr("Delete run") : tr("Delete runs"),
                    question, QMessageBox::Yes | QMessageBox::No, this);
    box.setTextFormat(Qt::PlainText);
    box.button(QMessageBox::Yes)->setText(tr("Delete"));
    box.setDefaultButton(QMessageBox::No); // this cannot be undone; Enter must not do it
    if (box.exec() != QMessageBox::Yes) {
        return;
    }
    // The runs may have changed while the question was open.
    ids.erase(
        std::remove_if(ids.begin(), ids.end(), [&](std::int64_t id) { return !deletable(id); }),
        ids.end());
    if (!ids.empty()) {
        emit deleteRequested(ids);
    }
}

void RunsView::filterChanged(const QString& text) {
    // Every word must match, in any order: "resnet aug" finds a resnet run tagged augmented.
    QString pattern;
    for (const QString& word : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        pattern += QStringLiteral("(?=.*%1)").arg(QRegularExpression::escape(word));
    }
    proxy_->setFilterRegularExpression(
        QRegularExpression(pattern, QRegularExpression::CaseInsensitiveOption |
                                        QRegularExpression::DotMatchesEverythingOption));
    selectionMayHaveChanged();
}

void RunsView::refresh() {
    const bool any = model_->rowCount() > 0;
    pages_->setCurrentWidget(any ? static_cast<QWidget*>(table_) : emptyLabel_);
    details_->setVisible(any);
    filter_->setEnabled(any);
    selectionMayHaveChanged();
}

// Runs on every selection or data change: the details are rebuilt, the signal goes out only
// when other runs are selected (a re-sort or refresh keeps the same ones).
void RunsView::selectionMayHaveChanged() {
    editor_->showRun(singleSelected()); // may commit an edit that filters its run out
    const std::vector<std::int64_t> ids = selectedRuns();
    // Notes belong to one run: while several are compared, their columns get its room.
    editor_->setVisible(ids.size() <= 1);
    updateButtons(ids);
    updateParamDiff(ids);
    std::vector<std::int64_t> sorted = ids;
    std::sort(sorted.begin(), sorted.end());
    if (sorted != lastSelection_) {
        lastSelection_ = std::move(sorted);
        emit selectionChanged(ids);
    }
}

void RunsView::updateButtons(const std::vector<std::int64_t>& ids) {
    const RunRow* one = ids.size() == 1 ? model_->run(ids.front()) : nullptr;
    const bool anyRunning = std::any_of(ids.begin(), ids.end(), [this](std::int64_t id) {
        const RunRow* run = model_->run(id);
        return run && isRunning(*run);
    });
    const bool canResume = one && one->resumable && !isRunning(*one);
    const bool canExport = one && one->exportable;
    const bool canDelete = !ids.empty() && !anyRunning;
    const auto set = [](QPushButton* button, QAction* action, bool enabled, const QString& tip) {
        button->setEnabled(enabled);
        button->setToolTip(tip);
        action->setEnabled(enabled);
    };
    set(resumeButton_, resumeAction_, canResume,
        canResume ? tr("Continue run #%1 from its last checkpoint").arg(one->id)
        : !one    ? tr("Select one run to resume it")
                  : tr("Only an interrupted, cancelled or failed run with a checkpoint can be "
                          "resumed"));
    set(exportButton_, exportAction_, canExport,
        canExport ? tr("Export the best model of run #%1").arg(one->id)
        : !one    ? tr("Select one run to export its model")
                  : tr("This run has no saved model yet"));
    set(continueButton_, continueAction_, canExport,
        canExport ? tr("Train a new run from the best weights of run #%1 on the samples and "
                       "labels of now")
                        .arg(one->id)
        : !one ? tr("Select one run to continue training from it")
               : tr("This run has no saved model to continue from"));
    const bool canReport = one && !isRunning(*one);
    set(reportButton_, reportAction_, canReport,
        canReport ? tr("Write an HTML or PDF report of run #%1").arg(one->id)
                  : tr("Select one finished run to report on it"));
    set(deleteButton_, deleteAction_, canDelete,
        canDelete    ? tr("Delete the selected runs and their files (Del)")
        : anyRunning ? tr("A running run cannot be deleted; stop it first")
                     : tr("Select the runs to delete"));
}

void RunsView::updateParamDiff(const std::vector<std::int64_t>& ids) {
    std::vector<const RunRow*> runs;
    for (const std::int64_t id : ids) {
        if (const RunRow* run = model_->run(id)) {
            runs.push_back(run);
        }
    }
    paramDiff_->showRuns(runs);
}

// The edit is shown at once; the app's next refresh confirms it.
void RunsView::applyNotes(std::int64_t id, const QString& notes) {
    const RunRow* run = model_->run(id);
    if (!run || notes == run->notes) {
        return; // deleted meanwhile, or the same already
    }
    RunRow edited = *run;
    edited.notes = notes;
    model_->updateRun(edited);
    emit notesEdited(id, notes);
}

void RunsView::applyTags(std::int64_t id, const QStringList& tags) {
    const RunRow* run = model_->run(id);
    if (!run || tags == run->tags) {
        return;
    }
    RunRow edited = *run;
    edited.tags = tags;
    model_->updateRun(edited);
    emit tagsEdited(id, tags);
}

const RunRow* RunsView::singleSelected() const {
    const std::vector<std::int64_t> ids = selectedRuns();
    return ids.size() == 1 ? model_->run(ids.front()) : nullptr;
}

} // namespace kestrel::widgets
