#include "run_parameter_diff.h"

#include <algorithm>
#include <iterator>
#include <set>

#include <QEvent>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QResizeEvent>
#include <QScrollBar>
#include <QStyle>
#include <QTableWidget>
#include <QVBoxLayout>

namespace kestrel::widgets {

namespace {

const QString* paramValue(const RunRow* run, const QString& name) {
    const auto found = run->params.find(name);
    return found == run->params.end() ? nullptr : &found->second;
}

} // namespace

RunParameterDiff::RunParameterDiff(QWidget* parent) : QWidget(parent) {
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto* box = new QGroupBox(tr("Compare"));
    auto* column = new QVBoxLayout(box);
    note_ = new QLabel;
    note_->setObjectName("paramDiffNote");
    note_->setWordWrap(true);
    table_ = new QTableWidget;
    table_->setObjectName("paramDiff");
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setAlternatingRowColors(true);
    table_->setWordWrap(false);
    table_->setToolTip(tr("Training parameters; for several runs, only those that differ"));
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->viewport()->installEventFilter(this);
    column->addWidget(note_);
    column->addWidget(table_, 1);
    outer->addWidget(box);
    showRuns({});
}

void RunParameterDiff::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    table_->verticalHeader()->setMaximumWidth(std::max(80, table_->width() / 2));
    elideNames(); // the columns follow the table's viewport, through eventFilter
}

bool RunParameterDiff::eventFilter(QObject* watched, QEvent* event) {
    if (watched == table_->viewport() && event->type() == QEvent::Resize) {
        fitColumns();
    }
    return QWidget::eventFilter(watched, event);
}

void RunParameterDiff::fitColumns() {
    const int columns = table_->columnCount();
    if (columns == 0) {
        return;
    }
    table_->resizeColumnsToContents();
    int wanted = 0;
    for (int c = 0; c < columns; ++c) {
        wanted += table_->columnWidth(c);
    }
    const int room = table_->viewport()->width();
    if (wanted <= room) {
        return;
    }
    // Values are elided at the right and whole in their tooltips; every run stays in view
    // down to a readable share, and only below it does the table scroll.
    const int share = std::max(room / columns, table_->fontMetrics().horizontalAdvance("0.0000"));
    for (int c = 0; c < columns; ++c) {
        table_->setColumnWidth(c, std::min(table_->columnWidth(c), share));
    }
}

void RunParameterDiff::elideNames() {
    const QHeaderView* header = table_->verticalHeader();
    const int room =
        header->maximumWidth() - 2 * header->style()->pixelMetric(QStyle::PM_HeaderMargin) - 4;
    for (int r = 0; r < names_.size() && r < table_->rowCount(); ++r) {
        if (QTableWidgetItem* item = table_->verticalHeaderItem(r)) {
            // From the left: "augment.blur_sigma" and "augment.noise_sigma" differ at their ends,
            // which eliding the middle hid ("augme…sigma" twice).
            item->setText(header->fontMetrics().elidedText(names_[r], Qt::ElideLeft, room));
        }
    }
}

void RunParameterDiff::showRuns(const std::vector<const RunRow*>& runs) {
    std::set<QString> names;
    for (const RunRow* run : runs) {
        std::transform(run->params.begin(), run->params.end(), std::inserter(names, names.end()),
                       [](const auto& p) { return p.first; });
    }
    // A parameter one run lacks differs too: that run used the default of its time.
    QStringList shown;
    for (const QString& name : names) {
        const QString* first = paramValue(runs.front(), name);
        if (runs.size() == 1 || std::any_of(runs.begin(), runs.end(), [&](const RunRow* run) {
                const QString* other = paramValue(run, name);
                return !first || !other || *other != *first;
            })) {
            shown << name;
        }
    }
    const int scrolled = table_->verticalScrollBar()->value(); // a refresh keeps the place
    table_->clear();
    table_->setColumnCount(static_cast<int>(runs.size()));
    table_->setRowCount(static_cast<int>(shown.size()));
    table_->setVerticalHeaderLabels(shown);
    for (int r = 0; r < shown.size(); ++r) {
        table_->verticalHeaderItem(r)->setToolTip(shown[r]); // the whole name when elided
    }
    names_ = shown;
    elideNames();
    for (int c = 0; c < table_->columnCount(); ++c) {
        const RunRow* run = runs[static_cast<std::size_t>(c)];
        table_->setHorizontalHeaderItem(c, new QTableWidgetItem(tr("Run #%1").arg(run->id)));
        for (int r = 0; r < shown.size(); ++r) {
            const QString* text = paramValue(run, shown[r]);
            auto* item = new QTableWidgetItem(text ? *text : QString(QChar(0x2013)));
            item->setToolTip(text ? *text : tr("Not set in run #%1").arg(run->id));
            table_->setItem(r, c, item);
        }
    }
    fitColumns();
    table_->verticalScrollBar()->setValue(scrolled);

    const auto same = static_cast<int>(names.size()) - static_cast<int>(shown.size());
    note_->setText(runs.empty()       ? tr("Select a run to see its parameters, or several to "
                                                 "compare them.")
                   : runs.size() == 1 ? tr("All parameters of run #%1.").arg(runs.front()->id)
                   : shown.isEmpty()
                       ? tr("All %1 parameters are the same in all selected runs.").arg(same)
                   : same == 1 ? tr("1 parameter is the same in all selected runs.")
                               : tr("%1 parameters are the same in all selected runs.").arg(same));
}

} // namespace kestrel::widgets
