// The import dialog driven as a user and the app drive it, headless: the app's side (the
// worker thread) is played by calling the dialog's slots with made-up progress and reports.
#include "dataset/importer.h"
#include "import_dialog.h"

#include <memory>

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTreeWidget>

using kestrel::dataset::ImportReport;
using kestrel::widgets::ImportDialog;

class ImportDialogTest : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<ImportDialog> dialog_;

    template <typename T>
    T* child(const char* name) const {
        T* widget = dialog_->findChild<T*>(name);
        if (widget == nullptr) {
            qFatal("no child named %s", name);
        }
        return widget;
    }
    QLineEdit* sourceEdit() const { return child<QLineEdit>("sourceEdit"); }
    QComboBox* formatCombo() const { return child<QComboBox>("formatCombo"); }
    QPushButton* importButton() const { return child<QPushButton>("importButton"); }
    QPushButton* cancelButton() const { return child<QPushButton>("cancelButton"); }
    QProgressBar* progress() const { return child<QProgressBar>("importProgress"); }
    QLabel* summary() const { return child<QLabel>("summaryLabel"); }
    QLabel* error() const { return child<QLabel>("errorLabel"); }
    QTreeWidget* problems() const { return child<QTreeWidget>("problemList"); }

    // Types a source and clicks Import, as a user would.
    void startImport(const QString& source = QStringLiteral("/data/pets")) {
        sourceEdit()->clear();
        QTest::keyClicks(sourceEdit(), source);
        QTest::mouseClick(importButton(), Qt::LeftButton);
    }

    // Two unreadable files with reasons and one duplicate group that leaks across splits.
    static ImportReport brokenFolderReport() {
        ImportReport report;
        report.format = kestrel::dataset::ImportFormat::ImageFolder;
        report.found = 6;
        report.added = 3;
        report.alreadyPresent = 1;
        report.unreadable = {{"/data/pets/cat/truncated.jpg", "JPEG data ends early"},
                             {"/data/pets/dog/empty.png", "the file is empty"}};
        report.classesCreated = {"cat", "dog"};
        report.duplicates = {{"abc123",
                              {"/data/pets/train/cat/a.jpg", "/data/pets/val/cat/a.jpg"},
                              /*leakage=*/true}};
        return report;
    }

private slots:
    void init() {
        dialog_ = std::make_unique<ImportDialog>();
        dialog_->show();
        QVERIFY(QTest::qWaitForWindowExposed(dialog_.get()));
    }

    void cleanup() { dialog_.reset(); }

    void startsIdleWithTitleAndSize() {
        QCOMPARE(dialog_->windowTitle(), QStringLiteral("Import images"));
        QVERIFY(dialog_->width() >= 600);
        QVERIFY(dialog_->height() >= 440);
        QVERIFY(!dialog_->isRunning());
        QVERIFY(!progress()->isVisible());
        QVERIFY(!cancelButton()->isVisible());
        QVERIFY(!error()->isVisible());
        QVERIFY(!summary()->isVisible());
    }

    void formatsShowWordsAndCarryKeys() {
        const QStringList keys = {"auto",  "imagefolder", "folder", "csv", "idx",
                                  "mvtec", "coco",        "yolo",   "voc", "labelme"};
        QCOMPARE(formatCombo()->count(), keys.size());
        for (int i = 0; i < keys.size(); ++i) {
            QCOMPARE(formatCombo()->itemData(i).toString(), keys[i]);
            // The user reads sentences, not the command line's keys.
            QVERIFY(formatCombo()->itemText(i) != keys[i]);
        }
        QCOMPARE(formatCombo()->currentText(), QStringLiteral("Detect automatically"));
        QCOMPARE(dialog_->format(), QStringLiteral("auto"));
    }

    void importIsDisabledUntilASourceIsTyped() {
        QVERIFY(!importButton()->isEnabled());
        QTest::keyClicks(sourceEdit(), QStringLiteral("   "));
        QVERIFY(!importButton()->isEnabled()); // blanks are not a path
        QTest::keyClicks(sourceEdit(), QStringLiteral("/data/pets"));
        QVERIFY(importButton()->isEnabled());
        sourceEdit()->clear();
        QVERIFY(!importButton()->isEnabled());
        dialog_->setSource(QStringLiteral("/data/mnist"));
        QVERIFY(importButton()->isEnabled());
        QCOMPARE(dialog_->source(), QStringLiteral("/data/mnist"));
    }

    void importEmitsTheSourceAndTheChosenFormat() {
        QSignalSpy requested(dialog_.get(), &ImportDialog::importRequested);
        formatCombo()->setCurrentIndex(formatCombo()->findData(QStringLiteral("csv")));
        startImport(QStringLiteral("  /data/labels.csv "));

        QCOMPARE(requested.count(), 1);
        QCOMPARE(requested.at(0).at(0).toString(), QStringLiteral("/data/labels.csv"));
        QCOMPARE(requested.at(0).at(1).toString(), QStringLiteral("csv"));
        QVERIFY(dialog_->isRunning());
        QVERIFY(!sourceEdit()->isEnabled());
        QVERIFY(!formatCombo()->isEnabled());
        QVERIFY(!importButton()->isEnabled());
        QVERIFY(cancelButton()->isVisible());
        QVERIFY(progress()->isVisible());
        QCOMPARE(progress()->maximum(), 0); // busy: nothing counted yet

        // A second click (or Enter) cannot start a second import while one runs.
        QTest::mouseClick(importButton(), Qt::LeftButton);
        QTest::keyClick(dialog_.get(), Qt::Key_Return);
        QCOMPARE(requested.count(), 1);
    }

    void enterStartsTheImport() {
        QSignalSpy requested(dialog_.get(), &ImportDialog::importRequested);
        sourceEdit()->setFocus();
        QTest::keyClicks(sourceEdit(), QStringLiteral("/data/mvtec/bottle"));
        QTest::keyClick(sourceEdit(), Qt::Key_Return);
        QCOMPARE(requested.count(), 1);
        QCOMPARE(requested.at(0).at(0).toString(), QStringLiteral("/data/mvtec/bottle"));
        QCOMPARE(requested.at(0).at(1).toString(), QStringLiteral("auto"));
    }

    void progressShowsDoneOfTotalWithThePhase() {
        startImport();
        dialog_->showProgress(QStringLiteral("scanning"), 0, 0);
        QCOMPARE(progress()->minimum(), 0);
        QCOMPARE(progress()->maximum(), 0);
        // A busy bar draws no text, so the phase is spelled out beside it.
        QVERIFY(child<QLabel>("phaseLabel")->isVisible());
        QVERIFY(child<QLabel>("phaseLabel")->text().startsWith(QStringLiteral("Scanning")));

        dialog_->showProgress(QStringLiteral("reading"), 120, 400);
        QCOMPARE(progress()->maximum(), 400);
        QCOMPARE(progress()->value(), 120);
        QCOMPARE(progress()->text(), QStringLiteral("Reading images… 120 / 400"));
        QVERIFY(!child<QLabel>("phaseLabel")->isVisible()); // the bar says it now

        dialog_->showProgress(QStringLiteral("saving"), 3, 4);
        QCOMPARE(progress()->maximum(), 4);
        QCOMPARE(progress()->value(), 3);
        QVERIFY(progress()->text().startsWith(QStringLiteral("Saving")));

        // Counts beyond QProgressBar's int are scaled, not wrapped round.
        dialog_->showProgress(QStringLiteral("reading"), 3'000'000'000, 6'000'000'000);
        QVERIFY(progress()->maximum() > 0);
        QCOMPARE(progress()->value(), progress()->maximum() / 2);
    }

    void cancelAsksOnceEvenWhenClickedTwice() {
        startImport();
        QSignalSpy cancel(dialog_.get(), &ImportDialog::cancelRequested);
        QTest::mouseClick(cancelButton(), Qt::LeftButton);
        QTest::mouseClick(cancelButton(), Qt::LeftButton);
        QCOMPARE(cancel.count(), 1);
        QCOMPARE(cancelButton()->text(), QStringLiteral("Cancelling…"));
        QVERIFY(!cancelButton()->isEnabled());
        // Esc after Cancel does not ask again either, and the dialog waits for the report.
        QTest::keyClick(dialog_.get(), Qt::Key_Escape);
        QCOMPARE(cancel.count(), 1);
        QVERIFY(dialog_->isVisible());
        QVERIFY(dialog_->isRunning());
    }

    void rejectWhileRunningCancelsAndStaysOpen() {
        startImport();
        QSignalSpy cancel(dialog_.get(), &ImportDialog::cancelRequested);
        dialog_->reject();
        QCOMPARE(cancel.count(), 1);
        QVERIFY(dialog_->isVisible());
        QVERIFY(dialog_->isRunning());
        QCOMPARE(cancelButton()->text(), QStringLiteral("Cancelling…"));
    }

    void escapeAndCloseWhileRunningCancelAndStayOpen() {
        startImport();
        QSignalSpy cancel(dialog_.get(), &ImportDialog::cancelRequested);
        QTest::keyClick(dialog_.get(), Qt::Key_Escape);
        QCOMPARE(cancel.count(), 1);
        QVERIFY(dialog_->isVisible());
        QVERIFY(!dialog_->close()); // the window's close button
        QVERIFY(dialog_->isVisible());
        QCOMPARE(cancel.count(), 1);
    }

    void closeWhileRunningAloneCancels() {
        startImport();
        QSignalSpy cancel(dialog_.get(), &ImportDialog::cancelRequested);
        QVERIFY(!dialog_->close());
        QCOMPARE(cancel.count(), 1);
        QVERIFY(dialog_->isVisible());
    }

    void escapeClosesWhenIdle() {
        QSignalSpy cancel(dialog_.get(), &ImportDialog::cancelRequested);
        QTest::keyClick(dialog_.get(), Qt::Key_Escape);
        QVERIFY(!dialog_->isVisible());
        QCOMPARE(cancel.count(), 0);
    }

    void reportSummarisesAndListsTheProblems() {
        startImport();
        dialog_->showReport(brokenFolderReport());

        QVERIFY(!dialog_->isRunning());
        QVERIFY(!progress()->isVisible());
        QVERIFY(!cancelButton()->isVisible());
        QVERIFY(summary()->isVisible());
        const QString text = summary()->text();
        QVERIFY2(text.startsWith(QStringLiteral("Added 3 of 6 images. 2 could not be read. 1 was "
                                                "already in the project.")),
                 qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Created 2 classes: cat, dog.")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("1 group of identical files")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("1 spans more than one split (leakage")),
                 qPrintable(text));
        QVERIFY2(!text.contains(QStringLiteral("mask")), qPrintable(text)); // none attached

        QVERIFY(problems()->isVisible());
        QCOMPARE(problems()->topLevelItemCount(), 2);
        const QTreeWidgetItem* unreadable = problems()->topLevelItem(0);
        QCOMPARE(unreadable->text(0), QStringLiteral("Unreadable files (2)"));
        QVERIFY(unreadable->isExpanded());
        QCOMPARE(unreadable->childCount(), 2);
        QCOMPARE(unreadable->child(0)->text(0), QStringLiteral("/data/pets/cat/truncated.jpg"));
        QCOMPARE(unreadable->child(0)->text(1), QStringLiteral("JPEG data ends early"));
        QCOMPARE(unreadable->child(1)->text(0), QStringLiteral("/data/pets/dog/empty.png"));
        QCOMPARE(unreadable->child(1)->text(1), QStringLiteral("the file is empty"));

        const QTreeWidgetItem* identical = problems()->topLevelItem(1);
        QCOMPARE(identical->text(0), QStringLiteral("Identical files (1 group)"));
        QCOMPARE(identical->childCount(), 1);
        const QTreeWidgetItem* group = identical->child(0);
        QVERIFY(group->text(1).contains(QStringLiteral("Leakage")));
        QCOMPARE(group->childCount(), 2);
        QCOMPARE(group->child(0)->text(0), QStringLiteral("/data/pets/train/cat/a.jpg"));
        QCOMPARE(group->child(1)->text(0), QStringLiteral("/data/pets/val/cat/a.jpg"));

        // The user can go on: inputs are back and Import offers another import.
        QVERIFY(sourceEdit()->isEnabled());
        QVERIFY(formatCombo()->isEnabled());
        QVERIFY(importButton()->isEnabled());
        QCOMPARE(importButton()->text(), QStringLiteral("Import another…"));
    }

    void reportSentenceForOneUnreadableFileAndMasks() {
        startImport();
        ImportReport report;
        report.found = 4;
        report.added = 3;
        report.unreadable = {{"/data/bottle/test/crack/003.png", "not a PNG file"}};
        report.masks = 5;
        dialog_->showReport(report);
        const QString text = summary()->text();
        QVERIFY2(text.startsWith(QStringLiteral(
                     "Added 3 of 4 images. 1 could not be read. 0 were already in the project.")),
                 qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Attached 5 masks.")), qPrintable(text));
        QVERIFY2(!text.contains(QStringLiteral("identical")), qPrintable(text));
        QCOMPARE(problems()->topLevelItemCount(), 1); // no duplicate section when none
    }

    void cleanReportShowsNoProblemList() {
        startImport();
        ImportReport report;
        report.found = 2;
        report.added = 2;
        dialog_->showReport(report);
        QVERIFY(summary()->isVisible());
        QVERIFY(!problems()->isVisible());
        QCOMPARE(problems()->topLevelItemCount(), 0);
    }

    void cancelledReportSaysTheProjectIsUnchanged() {
        startImport();
        QTest::mouseClick(cancelButton(), Qt::LeftButton);
        ImportReport report = brokenFolderReport();
        report.cancelled = true;
        dialog_->showReport(report);
        QVERIFY(!dialog_->isRunning());
        QCOMPARE(summary()->text(), QStringLiteral("Import cancelled; the project is unchanged."));
        QVERIFY(!problems()->isVisible());
        // Once the import has ended, closing closes.
        QTest::keyClick(dialog_.get(), Qt::Key_Escape);
        QVERIFY(!dialog_->isVisible());
    }

    void failureShowsTheSentenceAndAllowsATry() {
        QSignalSpy requested(dialog_.get(), &ImportDialog::importRequested);
        formatCombo()->setCurrentIndex(formatCombo()->findData(QStringLiteral("csv")));
        startImport(QStringLiteral("/data/labels.csv"));
        const QString sentence =
            QStringLiteral("Cannot import /data/labels.csv: line 3 has 1 column, not 2 or 3.");
        dialog_->showFailure(sentence);

        QVERIFY(!dialog_->isRunning());
        QVERIFY(error()->isVisible());
        QCOMPARE(error()->text(), sentence);
        const QColor colour = error()->palette().color(QPalette::WindowText);
        QVERIFY(colour.red() > colour.green() + 60 && colour.red() > colour.blue() + 60);
        QVERIFY(!progress()->isVisible());
        QVERIFY(sourceEdit()->isEnabled());
        QCOMPARE(sourceEdit()->text(), QStringLiteral("/data/labels.csv"));
        QCOMPARE(dialog_->format(), QStringLiteral("csv"));
        QVERIFY(importButton()->isEnabled());
        QCOMPARE(importButton()->text(), QStringLiteral("Import"));

        // Trying again clears the old error.
        QTest::mouseClick(importButton(), Qt::LeftButton);
        QCOMPARE(requested.count(), 2);
        QVERIFY(!error()->isVisible());
    }

    void progressAfterTheReportIsIgnored() {
        startImport();
        dialog_->showReport(brokenFolderReport());
        // A progress signal queued before the report may be delivered after it.
        dialog_->showProgress(QStringLiteral("saving"), 4, 4);
        dialog_->showProgress(QStringLiteral("scanning"), 0, 0);
        QVERIFY(!dialog_->isRunning());
        QVERIFY(!progress()->isVisible());
        QVERIFY(!child<QLabel>("phaseLabel")->isVisible());
        QVERIFY(summary()->isVisible());
    }

    void importAnotherClearsTheForm() {
        startImport();
        dialog_->showReport(brokenFolderReport());
        QTest::mouseClick(importButton(), Qt::LeftButton);
        QVERIFY(sourceEdit()->text().isEmpty());
        QVERIFY(!summary()->isVisible());
        QVERIFY(!problems()->isVisible());
        QCOMPARE(importButton()->text(), QStringLiteral("Import"));
        QVERIFY(!importButton()->isEnabled());
    }

    void editingTheSourceAfterAReportImportsIt() {
        QSignalSpy requested(dialog_.get(), &ImportDialog::importRequested);
        startImport(QStringLiteral("/data/a"));
        dialog_->showReport(brokenFolderReport());
        QTest::keyClick(sourceEdit(), Qt::Key_End);
        QTest::keyClicks(sourceEdit(), QStringLiteral("b"));
        QCOMPARE(importButton()->text(), QStringLiteral("Import"));
        QTest::mouseClick(importButton(), Qt::LeftButton);
        QCOMPARE(requested.count(), 2);
        QCOMPARE(requested.at(1).at(0).toString(), QStringLiteral("/data/ab"));
    }

    // The app answers from its worker thread, so the report arrives through the event loop.
    void reportArrivesThroughAQueuedConnection() {
        startImport();
        QVERIFY(
            QMetaObject::invokeMethod(dialog_.get(), "showReport", Qt::QueuedConnection,
                                      Q_ARG(kestrel::dataset::ImportReport, brokenFolderReport())));
        QVERIFY(dialog_->isRunning()); // not delivered yet
        QTRY_VERIFY(!dialog_->isRunning());
        QVERIFY(summary()->text().startsWith(QStringLiteral("Added 3 of 6 images.")));
    }
};

QTEST_MAIN(ImportDialogTest)
#include "import_dialog_test.moc"
