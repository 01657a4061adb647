#include "table_width.h"

#include <algorithm>

#include <QHeaderView>
#include <QScrollBar>
#include <QTableWidget>

namespace kestrel::widgets {

namespace {

constexpr int kMaxNameWidth = 180;

} // namespace

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
