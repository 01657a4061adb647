#include "import_problems.h"

#include "dataset/importer.h"
#include "import_dialog.h"
#include "import_summary.h"

#include <algorithm>

#include <QTreeWidget>

namespace kestrel::widgets {

void listImportProblems(QTreeWidget& tree, const dataset::ImportReport& report,
                        const QIcon& warning) {
    const std::size_t unreadable = report.unreadable.size();
    if (unreadable > 0) {
        auto* section = new QTreeWidgetItem(
            &tree, {ImportDialog::tr("Unreadable files (%1)").arg(numberText(unreadable))});
        // Added in one call: a broken folder can hold thousands, and one by one is slow.
        QList<QTreeWidgetItem*> items;
        items.reserve(static_cast<qsizetype>(unreadable));
        for (const dataset::UnreadableFile& file : report.unreadable) {
            const QString path = QString::fromStdString(file.path);
            const QString reason = QString::fromStdString(file.reason);
            auto* item = new QTreeWidgetItem({path, reason});
            item->setToolTip(0, path); // the column elides long paths
            item->setToolTip(1, reason);
            items << item;
        }
        section->addChildren(items);
        section->setExpanded(true); // these are what the user has to fix
    }
    if (!report.problems.empty()) {
        auto* section =
            new QTreeWidgetItem(&tree, {ImportDialog::tr("Annotations not taken as they were (%1)")
                                            .arg(numberText(report.problems.size()))});
        QList<QTreeWidgetItem*> items;
        items.reserve(static_cast<qsizetype>(report.problems.size()));
        for (const std::string& problem : report.problems) {
            const QString text = QString::fromStdString(problem);
            auto* item = new QTreeWidgetItem({text});
            item->setToolTip(0, text); // the sentence names file and place; the column elides
            items << item;
        }
        section->addChildren(items);
        section->setExpanded(true);
    }
    if (!report.duplicates.empty()) {
        auto* section = new QTreeWidgetItem(
            &tree, {ImportDialog::tr("Identical files (%1)")
                        .arg(countedText(report.duplicates.size(), ImportDialog::tr("group"),
                                         ImportDialog::tr("groups")))});
        int index = 0;
        for (const dataset::DuplicateGroup& group : report.duplicates) {
            ++index;
            auto* groupItem = new QTreeWidgetItem(
                section,
                {ImportDialog::tr("Group %1: %2")
                     .arg(index)
                     .arg(countedText(group.paths.size(), ImportDialog::tr("file"),
                                      ImportDialog::tr("files"))),
                 group.leakage ? ImportDialog::tr("Leakage: in more than one split") : QString()});
            if (group.leakage) {
                groupItem->setIcon(1, warning);
            }
            for (const std::string& path : group.paths) {
                const QString text = QString::fromStdString(path);
                auto* item = new QTreeWidgetItem(groupItem, {text});
                item->setToolTip(0, text);
            }
        }
        // Leakage spoils evaluation, so it is shown; plain duplicates only cost space.
        section->setExpanded(std::any_of(report.duplicates.begin(), report.duplicates.end(),
                                         [](const auto& group) { return group.leakage; }));
    }
}

} // namespace kestrel::widgets
