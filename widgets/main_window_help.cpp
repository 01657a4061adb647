// The Help menu: the shortcut list, the log folder and the About box with library versions.
#include "common/log_file.h"
#include "main_window.h"

#include <filesystem>
#include <system_error>

#include <QDesktopServices>
#include <QMessageBox>
#include <QUrl>

namespace kestrel::widgets {

void MainWindow::showAbout() {
    QString versions;
    for (const auto& [name, version] : libraryVersions_) {
        versions += QStringLiteral("<tr><td>%1</td><td>%2</td></tr>").arg(name, version);
    }
    versions += QStringLiteral("<tr><td>Qt</td><td>%1</td></tr>").arg(qVersion());
    QMessageBox::about(this, tr("About Kestrel"),
                       tr("<h3>Kestrel</h3><p>A workbench for vision models in industrial defect "
                          "inspection.</p><table>%1</table>")
                           .arg(versions));
}

void MainWindow::openLogFolder() {
    const std::filesystem::path file = logging::logFile();
    const std::filesystem::path folder =
        file.empty() ? logging::defaultLogFolder() : file.parent_path();
    std::error_code ignored;
    std::filesystem::create_directories(folder, ignored);
    const QString path = QString::fromStdString(folder.string());
    if (!QDesktopServices::openUrl(QUrl::fromLocalFile(path))) {
        showError(tr("No program here opens folders; the log is in %1.").arg(path));
    }
}

void MainWindow::showShortcuts() {
    const QList<QPair<QString, QString>> keys = {
        {tr("1 – 9"), tr("Label the selected samples with that class (or give it to the "
                         "shapes selected in the viewer)")},
        {tr("0"), tr("Remove the label")},
        {tr("Ctrl+K"), tr("Quick OK/NG mode on or off")},
        {tr("O / N"), tr("Quick mode: mark OK / NG and go to the next unlabelled sample")},
        {tr("U"), tr("Next unlabelled sample")},
        {tr("Ctrl+1 / 2 / 3"), tr("Move the selection to train / val / test")},
        {tr("Ctrl+Z, Ctrl+Shift+Z"), tr("Undo, redo (labels and shapes alike)")},
        {tr("V or Esc"), tr("Shapes: select (Shift adds), move, resize with the handles")},
        {tr("Arrows, Shift+arrows"), tr("Shapes: nudge the selection 1 px, 10 px")},
        {tr("W or R"), tr("Shapes: draw boxes")},
        {tr("P"), tr("Shapes: draw a polygon (click the points, double-click or Enter to close)")},
        {tr("Double-click, Alt+click"),
         tr("Shapes: add a vertex on a polygon's edge, remove the vertex")},
        {tr("B / E"), tr("Shapes: paint a mask / erase from it (brush size beside the tools)")},
        {tr("G"), tr("Shapes: fill a region into a mask")},
        {tr("Delete"), tr("Shapes: delete the selected shapes")},
        {tr("Ctrl+D"), tr("Shapes: duplicate the selected shapes")},
        {tr("H"), tr("Shapes: hide or show the selected shapes")},
        {tr("Ctrl+Shift+V"), tr("Shapes: copy the previous sample's shapes onto this one")},
        {tr("Ctrl+Shift+E"), tr("Export the dataset (COCO, YOLO, VOC, MVTec)")},
        {tr("Arrow keys"), tr("Previous / next sample (grid or viewer)")},
        {tr("Ctrl+F"), tr("Search file names")},
        {tr("Ctrl+L"), tr("Thumbnails or detail list")},
        {tr("Wheel, drag"), tr("Zoom at the cursor, pan")},
        {tr("Ctrl+9, Ctrl+0, F"), tr("Fit the image, 1:1, fit")},
        {tr("Ctrl+I"), tr("Import images")},
        {tr("F2"), tr("Rename the current class")},
        {tr("Alt+1 / Alt+2"), tr("The Samples tab / the Training tab")},
        {tr("Ctrl+Return"), tr("Training tab: start a run with the settings shown")},
        {tr("Alt+P, Alt+T, Alt+Q"), tr("Training tab: pause or resume, stop, add to the queue")},
        {tr("Arrows, Enter"), tr("Confusion matrix: move between cells, list a cell's samples")},
        {tr("Double-click, Home"), tr("Charts: fit all the data again")},
        {tr("Delete"), tr("Runs table: delete the selected runs (asks first)")},
    };
    QString rows;
    for (const auto& [key, what] : keys) {
        rows += QStringLiteral("<tr><td><b>%1</b>&nbsp;&nbsp;</td><td>%2</td></tr>")
                    .arg(key.toHtmlEscaped(), what.toHtmlEscaped());
    }
    QMessageBox box(QMessageBox::NoIcon, tr("Keyboard Shortcuts"),
                    QStringLiteral("<table>%1</table>").arg(rows), QMessageBox::Close, this);
    box.exec();
}

} // namespace kestrel::widgets
