#include "project_overview.h"

#include "dataset/project_summary.h"

#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QStackedLayout>
#include <QTableWidget>
#include <QVBoxLayout>

namespace kestrel::widgets {

ProjectOverview::ProjectOverview(QWidget* parent) : QWidget(parent) {
    pages_ = new QStackedLayout(this);

    auto* empty = new QLabel(tr("<h2>No project open</h2>"
                                "<p>Create one with <b>File ▸ New Project</b> (Ctrl+N), open one "
                                "with <b>File ▸ Open Project</b> (Ctrl+O),<br>or drop a project "
                                "folder onto this window.</p>"));
    empty->setObjectName("emptyState");
    empty->setAlignment(Qt::AlignCenter);
    empty->setWordWrap(true); // the overview lives in a narrow dock

    pages_->addWidget(empty);

    auto* page = new QWidget;
    auto* column = new QVBoxLayout(page);
    title_ = new QLabel;
    title_->setObjectName("projectTitle");
    QFont titleFont = title_->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.6);
    titleFont.setBold(true);
    title_->setFont(titleFont);
    folder_ = new QLabel;
    folder_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    folder_->setWordWrap(true);
    column->addWidget(title_);
    column->addWidget(folder_);

    auto* grid = new QGridLayout;
    samples_ = addCount(grid, 0, tr("Samples"));
    labelled_ = addCount(grid, 1, tr("Labelled"));
    unlabelled_ = addCount(grid, 2, tr("Unlabelled"));
    unreadable_ = addCount(grid, 3, tr("Unreadable files"));
    duplicates_ = addCount(grid, 4, tr("Identical files"));
    splits_ = addCount(grid, 5, tr("Splits"));
    runs_ = addCount(grid, 6, tr("Training runs"));
    grid->setColumnStretch(2, 1);
    column->addLayout(grid);

    classes_ = new QTableWidget(0, 2);
    classes_->setObjectName("classTable");
    classes_->setHorizontalHeaderLabels({tr("Class"), tr("Samples")});
    classes_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    classes_->verticalHeader()->hide();
    classes_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    classes_->setSelectionBehavior(QAbstractItemView::SelectRows);
    column->addWidget(new QLabel(tr("<b>Classes</b>")));
    column->addWidget(classes_, 1);
    pages_->addWidget(page);
}

QLabel* ProjectOverview::addCount(QGridLayout* grid, int row, const QString& caption) {
    auto* value = new QLabel;
    value->setObjectName(caption);
    value->setWordWrap(true);
    grid->addWidget(new QLabel(caption + ':'), row, 0);
    grid->addWidget(value, row, 1);
    return value;
}

void ProjectOverview::showEmptyState() {
    pages_->setCurrentIndex(0);
}

void ProjectOverview::showSummary(const ProjectSummary& summary) {
    const auto number = [](std::int64_t n) {
        return QLocale().toString(qlonglong(n));
    };
    title_->setText(QString::fromStdString(summary.name));
    folder_->setText(QString::fromStdString(summary.folder));
    samples_->setText(number(summary.samples));
    labelled_->setText(number(summary.labelled));
    unlabelled_->setText(number(summary.unlabelled));
    unreadable_->setText(number(summary.unreadable));
    duplicates_->setText(
        summary.leakageGroups > 0
            ? tr("%1 groups, %2 across splits (leakage)")
                  .arg(number(summary.duplicateGroups), number(summary.leakageGroups))
            : tr("%1 groups").arg(number(summary.duplicateGroups)));
    splits_->setText(tr("train %1 · val %2 · test %3 · unassigned %4")
                         .arg(number(summary.splits.train), number(summary.splits.val),
                              number(summary.splits.test), number(summary.splits.unassigned)));
    runs_->setText(number(summary.runs));

    classes_->setRowCount(static_cast<int>(summary.classes.size()));
    for (int row = 0; row < classes_->rowCount(); ++row) {
        const ClassCount& entry = summary.classes[static_cast<std::size_t>(row)];
        classes_->setItem(row, 0, new QTableWidgetItem(QString::fromStdString(entry.name)));
        auto* count = new QTableWidgetItem(number(entry.count));
        count->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        classes_->setItem(row, 1, count);
    }
    pages_->setCurrentIndex(1);
}

} // namespace kestrel::widgets
