#include "import_dialog.h"

#include "dataset/importer.h"
#include "import_problems.h"
#include "import_summary.h"

#include <algorithm>
#include <limits>

#include <QComboBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QStandardPaths>
#include <QStyle>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

namespace kestrel::widgets {

namespace {

// The keys are core's format names (parseImportFormat); they are spelled out here because
// the widgets never link core's code.
struct FormatChoice {
    const char* key;
    const char* text;
};

constexpr FormatChoice kFormats[] = {
    {"auto", QT_TRANSLATE_NOOP("kestrel::widgets::ImportDialog", "Detect automatically")},
    {"imagefolder", QT_TRANSLATE_NOOP("kestrel::widgets::ImportDialog",
                                      "Folder per class (with optional train/val/test folders)")},
    {"folder",
     QT_TRANSLATE_NOOP("kestrel::widgets::ImportDialog", "Flat folder of unlabelled images")},
    {"csv", QT_TRANSLATE_NOOP("kestrel::widgets::ImportDialog", "CSV: path,label[,split]")},
    {"idx", QT_TRANSLATE_NOOP("kestrel::widgets::ImportDialog", "MNIST idx files")},
    {"mvtec", QT_TRANSLATE_NOOP("kestrel::widgets::ImportDialog", "MVTec AD category")},
    {"coco",
     QT_TRANSLATE_NOOP("kestrel::widgets::ImportDialog", "COCO JSON (boxes, polygons, RLE masks)")},
    {"yolo", QT_TRANSLATE_NOOP("kestrel::widgets::ImportDialog",
                               "YOLO: images/, labels/, classes.txt or data.yaml")},
    {"voc",
     QT_TRANSLATE_NOOP("kestrel::widgets::ImportDialog", "Pascal VOC: Annotations/, JPEGImages/")},
    {"labelme", QT_TRANSLATE_NOOP("kestrel::widgets::ImportDialog", "Folder of labelme JSON")},
};

// MNIST ships as pairs like train-images-idx3-ubyte(.gz); core reads the pairs of a folder.
bool looksLikeIdxFile(const QString& path) {
    const QString name = QFileInfo(path).fileName();
    return name.contains(QLatin1String("-idx")) &&
           (name.endsWith(QLatin1String("-ubyte")) || name.endsWith(QLatin1String("-ubyte.gz")));
}

// A local file or folder dropped on the dialog, or nothing.
QString droppedPath(const QMimeData* mime) {
    if (mime == nullptr || !mime->hasUrls() || mime->urls().size() != 1) {
        return {};
    }
    const QUrl url = mime->urls().constFirst();
    return url.isLocalFile() ? url.toLocalFile() : QString();
}

} // namespace

ImportDialog::ImportDialog(QWidget* parent) : QDialog(parent) {
    // The app delivers reports from its worker thread through queued connections, which
    // need the type registered by name; doing it here means no caller can forget.
    qRegisterMetaType<kestrel::dataset::ImportReport>("kestrel::dataset::ImportReport");

    setWindowTitle(tr("Import images"));
    setAcceptDrops(true);
    resize(640, 480);
    setMinimumSize(480, 320);

    sourceEdit_ = new QLineEdit;
    sourceEdit_->setObjectName("sourceEdit");
    sourceEdit_->setPlaceholderText(
        tr("A folder of images, a CSV or COCO JSON file, or an annotated dataset folder"));
    sourceEdit_->setClearButtonEnabled(true);
    folderButton_ = new QPushButton(tr("Folder…"));
    folderButton_->setObjectName("folderButton");
    folderButton_->setToolTip(tr("Choose a folder of images, an MVTec AD category, a folder "
                                 "of MNIST idx files or a YOLO, VOC, COCO or labelme dataset"));
    fileButton_ = new QPushButton(tr("File…"));
    fileButton_->setObjectName("fileButton");
    fileButton_->setToolTip(
        tr("Choose a CSV of path,label[,split], a COCO JSON file or an MNIST idx file"));
    // Only the Import button may take Enter: a browse button that is auto-default would
    // open a file dialog when the user presses Enter after tabbing past it.
    folderButton_->setAutoDefault(false);
    fileButton_->setAutoDefault(false);
    auto* sourceRow = new QHBoxLayout;
    sourceRow->addWidget(sourceEdit_, 1);
    sourceRow->addWidget(folderButton_);
    sourceRow->addWidget(fileButton_);

    formatCombo_ = new QComboBox;
    formatCombo_->setObjectName("formatCombo");
    for (const FormatChoice& choice : kFormats) {
        formatCombo_->addItem(tr(choice.text), QString::fromLatin1(choice.key));
    }

    auto* form = new QFormLayout;
    // The field is a row of widgets, so the label's buddy (for Alt+S) is set by hand.
    auto* sourceLabel = new QLabel(tr("&Source:"));
    sourceLabel->setBuddy(sourceEdit_);
    form->addRow(sourceLabel, sourceRow);
    form->addRow(tr("&Format:"), formatCombo_);

    errorLabel_ = new QLabel;
    errorLabel_->setObjectName("errorLabel");
    errorLabel_->setTextFormat(Qt::PlainText); // paths may hold '<' or '&'
    errorLabel_->setWordWrap(true);
    errorLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse); // to copy the path
    {
        // Dark red reads badly on a dark theme, so the shade follows the window colour.
        QPalette palette = errorLabel_->palette();
        const bool dark = palette.color(QPalette::Window).lightness() < 128;
        palette.setColor(QPalette::WindowText,
                         dark ? QColor(0xff, 0x6b, 0x6b) : QColor(0xb0, 0x1c, 0x1c));
        errorLabel_->setPalette(palette);
    }
    errorLabel_->hide();

    // Busy bars draw no text in most styles, so while the total is unknown the phase goes
    // into a label beside the bar instead.
    phaseLabel_ = new QLabel;
    phaseLabel_->setObjectName("phaseLabel");
    progress_ = new QProgressBar;
    progress_->setObjectName("importProgress");
    auto* progressRow = new QHBoxLayout;
    progressRow->addWidget(phaseLabel_);
    progressRow->addWidget(progress_, 1);
    phaseLabel_->hide();
    progress_->hide();

    summaryLabel_ = new QLabel;
    summaryLabel_->setObjectName("summaryLabel");
    summaryLabel_->setTextFormat(Qt::PlainText);
    summaryLabel_->setWordWrap(true);
    summaryLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    summaryLabel_->hide();

    problemList_ = new QTreeWidget;
    problemList_->setObjectName("problemList");
    problemList_->setColumnCount(2);
    problemList_->setHeaderLabels({tr("File"), tr("Problem")});
    problemList_->setTextElideMode(Qt::ElideMiddle); // the file name is at the end of a path
    problemList_->setUniformRowHeights(true);        // fast with thousands of bad files
    problemList_->header()->setStretchLastSection(true);
    problemList_->header()->resizeSection(0, 380);
    problemList_->hide();

    importButton_ = new QPushButton(tr("Import"));
    importButton_->setObjectName("importButton");
    importButton_->setDefault(true); // Enter in the source field starts the import
    cancelButton_ = new QPushButton(tr("Cancel"));
    cancelButton_->setObjectName("cancelButton");
    // Enter pressed out of habit must not cancel a long import; Space on it still does.
    cancelButton_->setAutoDefault(false);
    cancelButton_->hide();
    closeButton_ = new QPushButton(tr("Close"));
    closeButton_->setObjectName("closeButton");
    closeButton_->setAutoDefault(false);
    // A plain row rather than a QDialogButtonBox: the box shows every button it lays out,
    // and Cancel and Close take turns in the same place.
    auto* buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(importButton_);
    buttons->addWidget(cancelButton_);
    buttons->addWidget(closeButton_);

    auto* column = new QVBoxLayout(this);
    column->addLayout(form);
    column->addWidget(errorLabel_);
    column->addLayout(progressRow);
    column->addWidget(summaryLabel_);
    column->addWidget(problemList_, 1);
    column->addStretch(); // keeps the inputs at the top while the list is hidden
    column->addLayout(buttons);

    connect(sourceEdit_, &QLineEdit::textChanged, this, [this] { updateImportButton(); });
    // Editing the source after a report means "import this": the button says so again.
    connect(sourceEdit_, &QLineEdit::textEdited, this, [this] {
        showingResult_ = false;
        updateImportButton();
    });
    connect(formatCombo_, qOverload<int>(&QComboBox::activated), this, [this] {
        showingResult_ = false;
        updateImportButton();
    });
    connect(folderButton_, &QPushButton::clicked, this, &ImportDialog::chooseFolder);
    connect(fileButton_, &QPushButton::clicked, this, &ImportDialog::chooseFile);
    connect(importButton_, &QPushButton::clicked, this, &ImportDialog::onImportClicked);
    connect(cancelButton_, &QPushButton::clicked, this, &ImportDialog::requestCancel);
    connect(closeButton_, &QPushButton::clicked, this, &ImportDialog::reject);

    updateImportButton();
}

void ImportDialog::setSource(const QString& path) {
    sourceEdit_->setText(path);
    showingResult_ = false; // a new source is to be imported, not "another"
    updateImportButton();
}

QString ImportDialog::source() const {
    return sourceEdit_->text().trimmed();
}

QString ImportDialog::format() const {
    return formatCombo_->currentData().toString();
}

void ImportDialog::onImportClicked() {
    if (showingResult_) {
        resetForAnotherImport();
    } else {
        startImport();
    }
}

void ImportDialog::startImport() {
    if (running_ || source().isEmpty()) {
        return;
    }
    clearResults();
    errorLabel_->hide();
    requestedFormat_ = format();
    setRunning(true);
    // Busy until core says how much there is.
    progress_->setRange(0, 0);
    phaseLabel_->setText(tr("Starting…"));
    phaseLabel_->show();
    emit importRequested(source(), requestedFormat_);
}

void ImportDialog::requestCancel() {
    // One request is enough: the worker checks its flag, and a second signal would only
    // make the app cancel something that is already stopping.
    if (!running_ || cancelling_) {
        return;
    }
    cancelling_ = true;
    cancelButton_->setText(tr("Cancelling…"));
    cancelButton_->setEnabled(false);
    emit cancelRequested();
}

void ImportDialog::resetForAnotherImport() {
    clearResults();
    errorLabel_->hide();
    sourceEdit_->clear();
    showingResult_ = false;
    updateImportButton();
    sourceEdit_->setFocus();
}

void ImportDialog::done(int result) {
    if (running_) {
        requestCancel(); // the dialog stays until the worker answers with its report
        return;
    }
    QDialog::done(result);
}

void ImportDialog::dragEnterEvent(QDragEnterEvent* event) {
    if (!running_ && !droppedPath(event->mimeData()).isEmpty()) {
        event->acceptProposedAction();
    }
}

void ImportDialog::dropEvent(QDropEvent* event) {
    const QString path = droppedPath(event->mimeData());
    if (!running_ && !path.isEmpty()) {
        event->acceptProposedAction();
        setSource(QDir::toNativeSeparators(path));
    }
}

QString ImportDialog::startFolder() const {
    // Browse from the current source, so picking a sibling is one step. QFileDialog opens a
    // folder and preselects a file itself: no need to look at the disk here.
    const QString current = source();
    return current.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::HomeLocation)
                             : current;
}

void ImportDialog::chooseFolder() {
    const QString folder =
        QFileDialog::getExistingDirectory(this, tr("Choose a folder to import"), startFolder());
    if (!folder.isEmpty()) {
        setSource(QDir::toNativeSeparators(folder));
    }
}

void ImportDialog::chooseFile() {
    const QString file = QFileDialog::getOpenFileName(
        this, tr("Choose a file to import"), startFolder(),
        tr("CSV, COCO JSON or MNIST idx files (*.csv *.json *-ubyte *-ubyte.gz);;"
           "CSV files (*.csv);;COCO JSON files (*.json);;MNIST idx files (*-ubyte *-ubyte.gz);;"
           "All files (*)"));
    if (file.isEmpty()) {
        return;
    }
    if (looksLikeIdxFile(file)) {
        // Core imports every image/label pair of an idx folder, so the folder is the source.
        setSource(QDir::toNativeSeparators(QFileInfo(file).absolutePath()));
        if (format() != QLatin1String("auto")) {
            formatCombo_->setCurrentIndex(formatCombo_->findData(QStringLiteral("idx")));
        }
    } else {
        setSource(QDir::toNativeSeparators(file));
    }
}

void ImportDialog::showProgress(const QString& phase, qint64 done, qint64 total) {
    // A progress signal queued before the report can arrive after it; it must not bring
    // back a finished import's bar.
    if (!running_) {
        return;
    }
    const QString text = importPhaseText(phase);
    if (total <= 0) {
        progress_->setRange(0, 0);
        phaseLabel_->setText(text);
        phaseLabel_->show();
        return;
    }
    phaseLabel_->hide();
    done = qBound<qint64>(0, done, total);
    // QProgressBar counts in int; huge totals are scaled, the text keeps the real numbers.
    if (total > std::numeric_limits<int>::max()) {
        progress_->setRange(0, 1000000);
        progress_->setValue(static_cast<int>(done * 1000000.0 / static_cast<double>(total)));
    } else {
        progress_->setRange(0, static_cast<int>(total));
        progress_->setValue(static_cast<int>(done));
    }
    const QLocale locale;
    QString label = text + QLatin1Char(' ') + locale.toString(done) + QStringLiteral(" / ") +
                    locale.toString(total);
    label.replace(QLatin1Char('%'), QStringLiteral("%%")); // setFormat treats % specially
    progress_->setFormat(label);
}

void ImportDialog::showReport(const kestrel::dataset::ImportReport& report) {
    setRunning(false);
    clearResults();
    showingResult_ = true;
    updateImportButton();

    if (report.cancelled) {
        summaryLabel_->setText(tr("Import cancelled; the project is unchanged."));
        summaryLabel_->show();
        return;
    }

    summaryLabel_->setText(importSummary(report, requestedFormat_ == QLatin1String("auto")));
    summaryLabel_->show();

    listImportProblems(*problemList_, report, style()->standardIcon(QStyle::SP_MessageBoxWarning));
    problemList_->setVisible(problemList_->topLevelItemCount() > 0);
}

void ImportDialog::showFailure(const QString& message) {
    setRunning(false);
    clearResults();
    errorLabel_->setText(message);
    errorLabel_->show();
    // The user is expected to fix the source and press Import again, so no "another".
    showingResult_ = false;
    updateImportButton();
    sourceEdit_->setFocus();
}

void ImportDialog::setRunning(bool running) {
    running_ = running;
    cancelling_ = false;
    sourceEdit_->setEnabled(!running);
    folderButton_->setEnabled(!running);
    fileButton_->setEnabled(!running);
    formatCombo_->setEnabled(!running);
    setAcceptDrops(!running);

    progress_->setVisible(running);
    if (!running) {
        phaseLabel_->hide();
    }
    // While running the only way out is Cancel, which stays until the worker answers.
    cancelButton_->setText(tr("Cancel"));
    cancelButton_->setEnabled(true);
    cancelButton_->setVisible(running);
    closeButton_->setVisible(!running);
    updateImportButton(); // before the focus moves: a disabled button cannot take it
    // The focused input was just disabled or re-enabled; keep the keyboard somewhere useful.
    if (running) {
        cancelButton_->setFocus();
    } else {
        importButton_->setFocus();
    }
}

void ImportDialog::updateImportButton() {
    importButton_->setText(showingResult_ ? tr("Import another…") : tr("Import"));
    // "Import another…" only clears the form, so it needs no source.
    importButton_->setEnabled(!running_ && (showingResult_ || !source().isEmpty()));
}

void ImportDialog::clearResults() {
    summaryLabel_->clear();
    summaryLabel_->hide();
    problemList_->clear();
    problemList_->hide();
}

} // namespace kestrel::widgets
