#include "table_width.h"

#include <algorithm>

#include <QHeaderView>
#include <QScrollBar>
#include <QTableWidget>

namespace kestrel::widgets {

namespace {

constexpr int kMaxNameWidth = 180;

} // namespace

void setUpFigureTable(QTableWidget& table, const QStringList& headers, const QStringList& tips) {
    table.setColumnCount(static_cast<int>(headers.size()));
    table.setHorizontalHeaderLabels(headers);
    for (int column = 0; column < table.columnCount() && column < tips.size(); ++column) {
        table.horizontalHeaderItem(column)->setToolTip(tips[column]);
    }
    table.setEditTriggers(QAbstractItemView::NoEditTriggers);
    table.setSelectionBehavior(QAbstractItemView::SelectRows);
    table.setAlternatingRowColors(true);
    table.setWordWrap(false);
    table.verticalHeader()->hide();
    QHeaderView* header = table.horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(0, QHeaderView::Interactive);
    header->setStretchLastSection(false);
}

int wholeTableWidth(const QTableWidget& table) {
    int width = 2 * table.frameWidth() + table.verticalScrollBar()->sizeHint().width();
    for (int column = 0; column < table.columnCount(); ++column) {
        width += std::max(table.horizontalHeader()->sectionSize(column),
                          table.horizontalHeader()->sectionSizeHint(column));
    }
    return width;
}

void fitNameColumn(QTableWidget& table) {
    table.resizeColumnToContents(0);
    table.setColumnWidth(0, std::min(table.columnWidth(0), kMaxNameWidth));
}

} // namespace kestrel::widgets
