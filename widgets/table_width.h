#pragma once

class QTableWidget;

namespace kestrel::widgets {

// The width a table needs to show every column whole, with its frame and a vertical scroll
// bar: what the per-class tables ask a splitter for.
int wholeTableWidth(const QTableWidget& table);

// Fits the first column to its names, but no wider than a long name's 180 px: longer ones
// are elided rather than pushing the figures out of sight.
void fitNameColumn(QTableWidget& table);

} // namespace kestrel::widgets
