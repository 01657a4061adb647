#pragma once

#include <cstddef>

#include <QString>

namespace kestrel::dataset {
struct ImportReport;
}

namespace kestrel::widgets {

// The words of the import dialog, apart from its widgets: what a finished import did, in
// plain sentences, and what a running one is doing.
QString importSummary(const kestrel::dataset::ImportReport& report, bool formatWasDetected);
QString importPhaseText(const QString& phase); // core's "scanning", "reading", ...

QString numberText(std::size_t n); // in the user's locale: 12,345
// "1 image", "3 images". English plurals by hand: tr()'s %n needs a translation file even
// for English, and the project ships none.
QString countedText(std::size_t n, const QString& one, const QString& many);

} // namespace kestrel::widgets
