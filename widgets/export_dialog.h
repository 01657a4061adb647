#pragma once

#include <QDialog>
#include <QString>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

namespace kestrel::dataset {
struct ExportReport;
}

namespace kestrel::widgets {

// Asks where and how to export the project's samples with their labels and shapes (COCO,
// YOLO, Pascal VOC or MVTec layout, one split or all) and shows how it went. It runs
// nothing itself: it emits exportRequested() and the app, which exports on a task thread,
// answers with showProgress() and then showReport() or showFailure().
class ExportDialog : public QDialog {
    Q_OBJECT
public:
    explicit ExportDialog(QWidget* parent = nullptr);

    QString format() const; // "coco", "yolo", "voc" or "mvtec"
    QString folder() const; // trimmed
    QString split() const;  // "train", "val", "test", or empty for every sample
    void setFolder(const QString& folder);
    void setFormat(const QString& format);
    bool isRunning() const { return running_; }

public slots:
    void showProgress(qint64 done, qint64 total);
    void showReport(const kestrel::dataset::ExportReport& report);
    void showFailure(const QString& message); // one sentence naming the file at fault

signals:
    void exportRequested(const QString& format, const QString& folder, const QString& split);

private:
    void start();
    void chooseFolder();
    void setRunning(bool running);
    void updateExportButton();

    QComboBox* format_ = nullptr;
    QLineEdit* folder_ = nullptr;
    QPushButton* browse_ = nullptr;
    QComboBox* split_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QLabel* status_ = nullptr;
    QPlainTextEdit* notes_ = nullptr;
    QPushButton* export_ = nullptr;
    QDialogButtonBox* buttons_ = nullptr;
    bool running_ = false;
};

} // namespace kestrel::widgets
