#pragma once

#include <QStringList>

class QTableWidget;

namespace kestrel::widgets {

// The per-class tables' shared look: these column headers with their tooltips, read-only
// rows selected whole, alternating colours, no row numbers, the first column (the names)
// resizable and the figures fitted to their contents.
void setUpFigureTable(QTableWidget& table, const QStringList& headers, const QStringList& tips);

// The width a table needs to show every column whole, with its frame and a vertical scroll
// bar: what the per-class tables ask a splitter for.
int wholeTableWidth(const QTableWidget& table);

// Fits the first column to its names, but no wider than a long name's 180 px: longer ones
// are elided rather than pushing the figures out of sight.
void fitNameColumn(QTableWidget& table);

} // namespace kestrel::widgets
