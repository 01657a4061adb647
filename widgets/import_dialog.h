#pragma once

#include <QDialog>
#include <QString>

class QComboBox;
class QDragEnterEvent;
class QDropEvent;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTreeWidget;

namespace kestrel::dataset {
struct ImportReport;
}

namespace kestrel::widgets {

// Asks which images to import and shows how the import goes. It runs nothing itself: it
// emits importRequested() and cancelRequested(), and the app, which runs the import on a
// worker thread, answers with showProgress() and then showReport() or showFailure().
//
// While an import runs the dialog cannot be closed: Esc, the window's close button and
// reject() ask for cancellation instead, because closing would hide an import that is still
// writing to the project.
class ImportDialog : public QDialog {
    Q_OBJECT
public:
    explicit ImportDialog(QWidget* parent = nullptr);

    void setSource(const QString& path);
    QString source() const; // trimmed: stray spaces around a pasted path are never meant
    QString format() const; // "auto", "imagefolder", "folder", "csv", "idx" or "mvtec"
    bool isRunning() const { return running_; }

    // Every way of closing a dialog (Esc, Close, the title bar, accept/reject) ends here.
    void done(int result) override;

public slots:
    // phase: "scanning", "extracting", "reading" or "saving"; total 0 means not known yet.
    void showProgress(const QString& phase, qint64 done, qint64 total);
    void showReport(const kestrel::dataset::ImportReport& report);
    // One sentence from core naming the file at fault.
    void showFailure(const QString& message);

signals:
    void importRequested(const QString& source, const QString& format);
    void cancelRequested();

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void onImportClicked();
    void startImport();
    void requestCancel();
    void resetForAnotherImport();
    void chooseFolder();
    void chooseFile();
    QString startFolder() const;
    void setRunning(bool running);
    void updateImportButton();
    void clearResults();

    QLineEdit* sourceEdit_ = nullptr;
    QPushButton* folderButton_ = nullptr;
    QPushButton* fileButton_ = nullptr;
    QComboBox* formatCombo_ = nullptr;
    QLabel* errorLabel_ = nullptr;
    QLabel* phaseLabel_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QLabel* summaryLabel_ = nullptr;
    QTreeWidget* problemList_ = nullptr;
    QPushButton* importButton_ = nullptr;
    QPushButton* cancelButton_ = nullptr;
    QPushButton* closeButton_ = nullptr;

    bool running_ = false;
    bool cancelling_ = false;
    bool showingResult_ = false; // a report is on screen: Import offers "Import another…"
    QString requestedFormat_;    // the format key of the running import
};

} // namespace kestrel::widgets
