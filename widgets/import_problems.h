#pragma once

class QIcon;
class QTreeWidget;

namespace kestrel::dataset {
struct ImportReport;
}

namespace kestrel::widgets {

// Fills `tree` with what an import could not take: each unreadable file with its reason
// and each annotation left out or clipped (expanded: these are what the user has to fix),
// and each group of identical files, the
// ones spread over splits marked with `warning`.
void listImportProblems(QTreeWidget& tree, const kestrel::dataset::ImportReport& report,
                        const QIcon& warning);

} // namespace kestrel::widgets
