#include "export_dialog.h"

#include "dataset/dataset_writers.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace kestrel::widgets {

ExportDialog::ExportDialog(QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Export Dataset"));
    setObjectName("exportDialog");
    format_ = new QComboBox;
    format_->setObjectName("exportFormat");
    format_->addItem(tr("COCO (instances JSON)"), QStringLiteral("coco"));
    format_->addItem(tr("YOLO (labels per image)"), QStringLiteral("yolo"));
    format_->addItem(tr("Pascal VOC (XML per image)"), QStringLiteral("voc"));
    format_->addItem(tr("MVTec AD (folders and masks)"), QStringLiteral("mvtec"));
    folder_ = new QLineEdit;
    folder_->setObjectName("exportFolder");
    folder_->setPlaceholderText(tr("A folder for the exported dataset"));
    browse_ = new QPushButton(tr("Browse…"));
    split_ = new QComboBox;
    split_->setObjectName("exportSplit");
    split_->addItem(tr("Every sample"), QString());
    split_->addItem(tr("train"), QStringLiteral("train"));
    split_->addItem(tr("val"), QStringLiteral("val"));
    split_->addItem(tr("test"), QStringLiteral("test"));

    auto* folderRow = new QHBoxLayout;
    folderRow->addWidget(folder_, 1);
    folderRow->addWidget(browse_);
    auto* form = new QFormLayout;
    form->addRow(tr("Format:"), format_);
    form->addRow(tr("Folder:"), folderRow);
    form->addRow(tr("Samples:"), split_);

    progress_ = new QProgressBar;
    progress_->hide();
    status_ = new QLabel;
    status_->setObjectName("exportStatus");
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    notes_ = new QPlainTextEdit;
    notes_->setObjectName("exportNotes");
    notes_->setReadOnly(true);
    notes_->hide();

    buttons_ = new QDialogButtonBox(QDialogButtonBox::Close);
    export_ = buttons_->addButton(tr("Export"), QDialogButtonBox::AcceptRole);
    export_->setObjectName("exportButton");
    connect(export_, &QPushButton::clicked, this, &ExportDialog::start);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(browse_, &QPushButton::clicked, this, &ExportDialog::chooseFolder);
    connect(folder_, &QLineEdit::textChanged, this, &ExportDialog::updateExportButton);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(progress_);
    layout->addWidget(status_);
    layout->addWidget(notes_, 1);
    layout->addWidget(buttons_);
    resize(520, 260);
    updateExportButton();
}

QString ExportDialog::format() const {
    return format_->currentData().toString();
}

QString ExportDialog::folder() const {
    return folder_->text().trimmed();
}

QString ExportDialog::split() const {
    return split_->currentData().toString();
}

void ExportDialog::setFolder(const QString& folder) {
    folder_->setText(folder);
}

void ExportDialog::setFormat(const QString& format) {
    const int index = format_->findData(format);
    if (index >= 0) {
        format_->setCurrentIndex(index);
    }
}

void ExportDialog::chooseFolder() {
    const QString chosen =
        QFileDialog::getExistingDirectory(this, tr("Choose a folder for the export"), folder());
    if (!chosen.isEmpty()) {
        folder_->setText(chosen);
    }
}

void ExportDialog::updateExportButton() {
    export_->setEnabled(!running_ && !folder().isEmpty());
}

void ExportDialog::setRunning(bool running) {
    running_ = running;
    for (QWidget* field : {static_cast<QWidget*>(format_), static_cast<QWidget*>(folder_),
                           static_cast<QWidget*>(browse_), static_cast<QWidget*>(split_)}) {
        field->setEnabled(!running);
    }
    progress_->setVisible(running);
    updateExportButton();
}

void ExportDialog::start() {
    if (folder().isEmpty() || running_) {
        return;
    }
    notes_->clear();
    notes_->hide();
    status_->setText(tr("Exporting…"));
    progress_->setRange(0, 0);
    setRunning(true);
    emit exportRequested(format(), folder(), split());
}

void ExportDialog::showProgress(qint64 done, qint64 total) {
    if (total > 0) {
        progress_->setRange(0, 1000);
        progress_->setValue(static_cast<int>(1000 * done / total));
        status_->setText(tr("Gathering samples: %1 of %2").arg(done).arg(total));
    }
}

void ExportDialog::showReport(const dataset::ExportReport& report) {
    setRunning(false);
    status_->setText(tr("Exported %1 images with %2 boxes, %3 polygons and %4 masks to %5.")
                         .arg(report.images)
                         .arg(report.boxes)
                         .arg(report.polygons)
                         .arg(report.masks)
                         .arg(folder()));
    QStringList notes;
    for (const std::string& note : report.notes) {
        notes << QString::fromStdString(note);
    }
    notes_->setPlainText(notes.join('\n'));
    notes_->setVisible(!notes.isEmpty());
}

void ExportDialog::showFailure(const QString& message) {
    setRunning(false);
    status_->setText(tr("The export failed: %1").arg(message));
}

} // namespace kestrel::widgets
