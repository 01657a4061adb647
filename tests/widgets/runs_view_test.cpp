// The runs view driven the way a user drives it, headless: clicks and keys on its table and
// editors, its delete question answered by a timer that waits for the modal dialog.
#include "modal_answerer.h"
#include "runs_table_model.h"
#include "runs_view.h"

#include <algorithm>
#include <memory>
#include <vector>

#include <QApplication>
#include <QColor>
#include <QDateTime>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

using kestrel::widgets::RunRow;
using kestrel::widgets::RunsTableModel;
using kestrel::widgets::RunsView;
using namespace kestrel::testing;
using Ids = std::vector<std::int64_t>;

namespace {

std::vector<RunRow> sampleRuns() {
    RunRow completed;
    completed.id = 1;
    completed.status = "completed";
    completed.task = "classification";
    completed.model = "resnet18";
    completed.device = "cuda:0";
    completed.createdAt = "2024-05-01T10:00:00.000Z";
    completed.durationSeconds = 192;
    completed.epochsDone = 10;
    completed.epochs = 10;
    completed.metrics = {{"val_accuracy", 0.912}, {"test_accuracy", 0.9}, {"val_loss", 0.2134}};
    completed.params = {{"epochs", "10"},
                        {"lr", "0.001"},
                        {"model", "resnet18"},
                        {"batch_size", "32"},
                        {"augment", "on"}};
    completed.notes = "baseline";
    completed.tags = {"baseline"};
    completed.exportable = true;

    RunRow failed = completed;
    failed.id = 2;
    failed.status = "failed";
    failed.model = "resnet50";
    failed.createdAt = "2024-05-02T09:30:00.000Z";
    failed.durationSeconds = 45;
    failed.epochsDone = 3;
    failed.metrics = {{"val_accuracy", 0.095}, {"val_loss", 2.5}};
    failed.params["lr"] = "0.01";
    failed.params["model"] = "resnet50";
    failed.notes.clear();
    failed.tags.clear();
    failed.error = "CUDA out of memory";
    failed.exportable = false;

    RunRow interrupted = completed;
    interrupted.id = 3;
    interrupted.status = "interrupted";
    interrupted.createdAt = "2024-05-03T08:00:00.000Z";
    interrupted.durationSeconds = 3725;
    interrupted.epochsDone = 5;
    interrupted.epochs = 20;
    interrupted.metrics = {{"val_accuracy", 0.45}, {"val_loss", 1.1}};
    interrupted.params["epochs"] = "20";
    interrupted.params["augment"] = "off";
    interrupted.notes = "try longer";
    interrupted.tags = {"long", "augmented"};
    interrupted.resumable = true;
    interrupted.exportable = false;

    RunRow running = completed;
    running.id = 4;
    running.status = "running";
    running.model = "mobilenet_v3";
    running.device = "cpu";
    running.createdAt = "2024-05-04T12:00:00.000Z";
    running.durationSeconds = -1;
    running.epochsDone = 2;
    running.metrics = {{"val_accuracy", 0.105}};
    running.params["model"] = "mobilenet_v3";
    running.params["width_mult"] = "0.75";
    running.notes.clear();
    running.tags.clear();
    running.exportable = false;
    return {completed, failed, interrupted, running};
}

Ids idsOf(const QSignalSpy& spy, qsizetype emission) {
    return spy.at(emission).at(0).value<Ids>();
}

} // namespace

class RunsViewTest : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<RunsView> view_;

    QTableView* table() const { return view_->findChild<QTableView*>("runsTable"); }
    QTableWidget* diff() const { return view_->findChild<QTableWidget*>("paramDiff"); }
    QString diffNote() const { return view_->findChild<QLabel*>("paramDiffNote")->text(); }
    QPushButton* button(const char* name) const { return view_->findChild<QPushButton*>(name); }
    QPlainTextEdit* notes() const { return view_->findChild<QPlainTextEdit*>("runNotes"); }
    QLineEdit* tags() const { return view_->findChild<QLineEdit*>("runTags"); }
    QLineEdit* filter() const { return view_->findChild<QLineEdit*>("runsFilter"); }

    int rowOf(std::int64_t id) const {
        const QAbstractItemModel* model = table()->model();
        for (int row = 0; row < model->rowCount(); ++row) {
            if (model->index(row, 0).data(RunsTableModel::RunIdRole).toLongLong() == id) {
                return row;
            }
        }
        return -1;
    }
    QString cell(std::int64_t id, int column) const {
        return table()->model()->index(rowOf(id), column).data().toString();
    }
    Ids tableOrder() const {
        Ids ids;
        for (int row = 0; row < table()->model()->rowCount(); ++row) {
            ids.push_back(
                table()->model()->index(row, 0).data(RunsTableModel::RunIdRole).toLongLong());
        }
        return ids;
    }
    void click(std::int64_t id, Qt::KeyboardModifiers modifiers = {}) {
        const QRect rect =
            table()->visualRect(table()->model()->index(rowOf(id), RunsTableModel::ModelColumn));
        QTest::mouseClick(table()->viewport(), Qt::LeftButton, modifiers, rect.center());
    }
    QStringList diffParams() const {
        QStringList names;
        for (int row = 0; row < diff()->rowCount(); ++row) {
            names << diff()->verticalHeaderItem(row)->text();
        }
        return names;
    }

private slots:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void init() {
        view_ = std::make_unique<RunsView>();
        view_->resize(1200, 700);
        view_->setRuns(sampleRuns());
        view_->show();
        QVERIFY(QTest::qWaitForWindowActive(view_.get()));
    }

    void cleanup() { view_.reset(); }

    void tableShowsFormattedValues() {
        QCOMPARE(table()->model()->rowCount(), 4);
        QCOMPARE(tableOrder(), Ids({4, 3, 2, 1})); // newest first
        QCOMPARE(cell(1, RunsTableModel::RunColumn), QString("#1"));
        QCOMPARE(cell(1, RunsTableModel::StatusColumn), QString("Completed"));
        QCOMPARE(cell(1, RunsTableModel::ModelColumn), QString("resnet18"));
        QCOMPARE(cell(1, RunsTableModel::ValAccuracyColumn), QString("91.2%"));
        QCOMPARE(cell(1, RunsTableModel::TestAccuracyColumn), QString("90.0%"));
        QCOMPARE(cell(1, RunsTableModel::ValLossColumn), QString("0.213"));
        QCOMPARE(cell(3, RunsTableModel::EpochsColumn), QString("5/20"));
        QCOMPARE(cell(1, RunsTableModel::DurationColumn), QString("3 min 12 s"));
        QCOMPARE(cell(2, RunsTableModel::DurationColumn), QString("45 s"));
        QCOMPARE(cell(3, RunsTableModel::DurationColumn), QString("1 h 2 min"));
        QCOMPARE(cell(4, RunsTableModel::DurationColumn), QString("–"));
        QCOMPARE(cell(4, RunsTableModel::TestAccuracyColumn), QString("–"));
        QCOMPARE(cell(4, RunsTableModel::DeviceColumn), QString("cpu"));
        QCOMPARE(cell(3, RunsTableModel::TagsColumn), QString("long, augmented"));
        QCOMPARE(cell(3, RunsTableModel::NotesColumn), QString("try longer"));
        const QDateTime created(QDate(2024, 5, 1), QTime(10, 0), Qt::UTC);
        QCOMPARE(cell(1, RunsTableModel::CreatedColumn),
                 created.toLocalTime().toString("yyyy-MM-dd HH:mm"));
        QCOMPARE(table()->model()->headerData(RunsTableModel::ValAccuracyColumn, Qt::Horizontal),
                 QVariant("Val accuracy"));

        const QModelIndex failedStatus =
            table()->model()->index(rowOf(2), RunsTableModel::StatusColumn);
        QCOMPARE(failedStatus.data().toString(), QString("Failed"));
        const QString tip = failedStatus.data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains("Failed") && tip.contains("CUDA out of memory"), qPrintable(tip));
        const QString resumableTip = table()
                                         ->model()
                                         ->index(rowOf(3), RunsTableModel::StatusColumn)
                                         .data(Qt::ToolTipRole)
                                         .toString();
        QVERIFY2(resumableTip.contains("resumed"), qPrintable(resumableTip));
        QCOMPARE(table()
                     ->model()
                     ->index(rowOf(1), RunsTableModel::ModelColumn)
                     .data(Qt::ToolTipRole)
                     .toString(),
                 QString("resnet18, trained for classification"));

        const auto dot = [this](std::int64_t id) {
            const auto icon = table()
                                  ->model()
                                  ->index(rowOf(id), RunsTableModel::StatusColumn)
                                  .data(Qt::DecorationRole)
                                  .value<QIcon>();
            return icon.pixmap(16, 16).toImage().pixelColor(8, 8);
        };
        QVERIFY(dot(2).red() > 200 && dot(2).green() < 100); // failed: red
        QVERIFY(dot(1).green() > 140 && dot(1).red() < 100); // completed: green
        QVERIFY(dot(4).blue() > 200 && dot(4).red() < 100);  // running: blue
        QVERIFY(dot(2) != dot(3));
    }

    void emptyStateShowsTheHint() {
        RunsView empty;
        empty.show();
        QVERIFY(QTest::qWaitForWindowExposed(&empty));
        auto* hint = empty.findChild<QLabel*>("runsEmpty");
        QVERIFY(hint && hint->isVisible());
        QCOMPARE(hint->text(), QString("No runs yet. Set up a run on the left and press Start."));
        QVERIFY(!empty.findChild<QTableView*>("runsTable")->isVisible());
        empty.setRuns(sampleRuns());
        QVERIFY(!hint->isVisible());
        QVERIFY(empty.findChild<QTableView*>("runsTable")->isVisible());
        empty.setRuns({});
        QVERIFY(hint->isVisible());
    }

    void refreshKeepsTheSelection() {
        view_->selectRuns({1, 3});
        QCOMPARE(view_->selectedRuns(), Ids({3, 1}));
        QSignalSpy selection(view_.get(), &RunsView::selectionChanged);
        std::vector<RunRow> runs = sampleRuns();
        runs[0].metrics["val_accuracy"] = 0.95;
        runs[2].status = "running"; // resumed meanwhile
        RunRow added = runs[0];
        added.id = 7;
        runs.insert(runs.begin(), added);
        runs.erase(runs.begin() + 2); // run 2 is gone
        view_->setRuns(runs);
        QCOMPARE(table()->model()->rowCount(), 4);
        QCOMPARE(tableOrder(), Ids({7, 4, 3, 1}));
        QCOMPARE(view_->selectedRuns(), Ids({3, 1}));
        QCOMPARE(selection.count(), 0); // the same runs are selected
        QCOMPARE(cell(1, RunsTableModel::ValAccuracyColumn), QString("95.0%"));
        QCOMPARE(cell(3, RunsTableModel::StatusColumn), QString("Running"));
        QVERIFY(!button("deleteRuns")->isEnabled()); // the refresh re-checked the rules

        runs.erase(runs.begin() + 2); // now run 3 goes too, while selected
        view_->setRuns(runs);
        QCOMPARE(view_->selectedRuns(), Ids({1}));
        QVERIFY(selection.count() >= 1);
        QCOMPARE(idsOf(selection, selection.count() - 1), Ids({1}));
    }

    void updateRunChangesOneRow() {
        RunRow run = sampleRuns()[3];
        run.status = "completed";
        run.durationSeconds = 600;
        run.epochsDone = 10;
        view_->updateRun(run);
        QCOMPARE(cell(4, RunsTableModel::StatusColumn), QString("Completed"));
        QCOMPARE(cell(4, RunsTableModel::DurationColumn), QString("10 min 0 s"));
        QCOMPARE(cell(4, RunsTableModel::EpochsColumn), QString("10/10"));
        QCOMPARE(table()->model()->rowCount(), 4);
    }

    void twoSelectedRunsShowOnlyDifferingParams() {
        QSignalSpy selection(view_.get(), &RunsView::selectionChanged);
        click(1);
        QCOMPARE(selection.count(), 1);
        QCOMPARE(idsOf(selection, 0), Ids({1}));
        click(3, Qt::ControlModifier);
        QCOMPARE(selection.count(), 2);
        QCOMPARE(idsOf(selection, 1), Ids({3, 1})); // table order, newest first
        QCOMPARE(diffParams(), QStringList({"augment", "epochs"}));
        QCOMPARE(diff()->columnCount(), 2);
        QCOMPARE(diff()->horizontalHeaderItem(0)->text(), QString("Run #3"));
        QCOMPARE(diff()->item(0, 0)->text(), QString("off"));
        QCOMPARE(diff()->item(0, 1)->text(), QString("on"));
        QCOMPARE(diff()->item(1, 0)->text(), QString("20"));
        QCOMPARE(diff()->item(1, 1)->text(), QString("10"));
        QCOMPARE(diffNote(), QString("3 parameters are the same in all selected runs."));

        // A parameter only one run has differs too, and shows a dash where it is missing.
        view_->selectRuns({1, 4});
        QCOMPARE(diffParams(), QStringList({"model", "width_mult"}));
        QCOMPARE(diff()->item(1, 0)->text(), QString("0.75"));
        QCOMPARE(diff()->item(1, 1)->text(), QString("–"));
        QCOMPARE(diffNote(), QString("4 parameters are the same in all selected runs."));
    }

    void oneSelectedRunShowsAllItsParams() {
        click(2);
        QCOMPARE(view_->selectedRuns(), Ids({2}));
        QCOMPARE(diffParams(), QStringList({"augment", "batch_size", "epochs", "lr", "model"}));
        QCOMPARE(diff()->columnCount(), 1);
        QCOMPARE(diff()->item(3, 0)->text(), QString("0.01"));
        QVERIFY2(diffNote().contains("run #2"), qPrintable(diffNote()));
        view_->selectRuns({});
        QCOMPARE(diff()->rowCount(), 0);
    }

    // Squeezed, long parameter names keep their distinct ends: eliding the middle showed
    // "augme…sigma" for both sigmas of the blur (the Runs tab at 1280x800).
    void squeezedParameterNamesKeepTheirDistinctEnds() {
        std::vector<RunRow> runs = sampleRuns();
        const QString longest = "augment.color_jitter_brightness";
        runs[0].params["augment.blur_max_sigma"] = "2";
        runs[0].params["augment.blur_min_sigma"] = "0.1";
        runs[0].params[longest] = "0.2";
        view_->setRuns(runs);
        view_->resize(520, 700);
        click(runs[0].id);
        const QHeaderView* header = diff()->verticalHeader();
        QTRY_VERIFY2(header->fontMetrics().horizontalAdvance(longest) > header->maximumWidth(),
                     "the names should have too little room");
        const QStringList names = diffParams();
        for (const QString end : {"blur_max_sigma", "blur_min_sigma", "jitter_brightness"}) {
            QVERIFY2(std::any_of(names.begin(), names.end(),
                                 [&](const QString& name) { return name.endsWith(end); }),
                     qPrintable(end + " is not shown in: " + names.join(", ")));
        }
        QVERIFY2(!names.contains(longest), "the longest name should be elided");
    }

    // Long values (thresholds in their shortest exact form) no longer push the other selected
    // runs' columns out of a squeezed table: the values are elided instead.
    void longValuesLeaveEverySelectedRunInView() {
        std::vector<RunRow> runs = sampleRuns();
        const QStringList exact = {"0.37922453135251946", "0.41000000000000003",
                                   "0.29999999999999999"};
        for (int i = 0; i < 3; ++i) {
            runs[static_cast<std::size_t>(i)].params["operating_point.threshold"] = exact[i];
        }
        view_->setRuns(runs);
        view_->resize(480, 700);
        click(runs[0].id);
        click(runs[1].id, Qt::ControlModifier);
        click(runs[2].id, Qt::ControlModifier);
        QTRY_COMPARE(diff()->columnCount(), 3);
        QTRY_VERIFY2(diff()->fontMetrics().horizontalAdvance(exact.join("")) >
                         diff()->viewport()->width(),
                     "the values should not fit side by side");
        QTRY_COMPARE(diff()->horizontalScrollBar()->maximum(), 0);
        for (int c = 0; c < 3; ++c) {
            QVERIFY(diff()->columnWidth(c) > 0);
        }
        // The notes, which belong to one run, give their room to the comparison meanwhile.
        auto* notes = view_->findChild<QPlainTextEdit*>();
        QVERIFY(notes && !notes->isVisible());
        click(runs[0].id);
        QTRY_VERIFY(notes->isVisible());
    }

    void buttonsFollowTheSelection() {
        const auto enabled = [this] {
            return std::vector<bool>{button("resumeRun")->isEnabled(),
                                     button("exportRun")->isEnabled(),
                                     button("deleteRuns")->isEnabled()};
        };
        using Flags = std::vector<bool>;
        view_->selectRuns({});
        QCOMPARE(enabled(), Flags({false, false, false}));
        view_->selectRuns({1}); // completed, has a best checkpoint
        QCOMPARE(enabled(), Flags({false, true, true}));
        view_->selectRuns({3}); // interrupted with a checkpoint
        QCOMPARE(enabled(), Flags({true, false, true}));
        view_->selectRuns({2}); // failed without a checkpoint
        QCOMPARE(enabled(), Flags({false, false, true}));
        view_->selectRuns({4}); // running
        QCOMPARE(enabled(), Flags({false, false, false}));
        view_->selectRuns({1, 3});
        QCOMPARE(enabled(), Flags({false, false, true}));
        view_->selectRuns({1, 4});
        QCOMPARE(enabled(), Flags({false, false, false}));
        QVERIFY2(button("deleteRuns")->toolTip().contains("running"),
                 qPrintable(button("deleteRuns")->toolTip()));

        QSignalSpy resumed(view_.get(), &RunsView::resumeRequested);
        QSignalSpy exported(view_.get(), &RunsView::exportRequested);
        view_->selectRuns({3});
        button("resumeRun")->click();
        view_->selectRuns({1});
        button("exportRun")->click();
        QCOMPARE(resumed.count(), 1);
        QCOMPARE(resumed.at(0).at(0).toLongLong(), 3LL);
        QCOMPARE(exported.count(), 1);
        QCOMPARE(exported.at(0).at(0).toLongLong(), 1LL);
    }

    void deleteAnsweredYesEmitsTheIds() {
        view_->selectRuns({1, 3});
        QSignalSpy deleted(view_.get(), &RunsView::deleteRequested);
        QString question;
        bool defaultIsNo = false;
        const Answer checkDefault = [&defaultIsNo](QWidget* widget) {
            auto* box = qobject_cast<QMessageBox*>(widget);
            defaultIsNo = box && box->defaultButton() == box->button(QMessageBox::No);
        };
        const Answer yes = clickMessageBox(QMessageBox::Yes, &question);
        ModalAnswerer answerer({[&](QWidget* widget) {
            checkDefault(widget);
            yes(widget);
        }});
        button("deleteRuns")->click();
        QCOMPARE(answerer.answered(), std::size_t(1));
        QCOMPARE(answerer.unexpected(), 0);
        QVERIFY(defaultIsNo);
        QCOMPARE(question, QString("Delete run #1 and run #3? Their checkpoints, curves and "
                                   "exported models are removed from the project. This cannot "
                                   "be undone."));
        QCOMPARE(deleted.count(), 1);
        QCOMPARE(idsOf(deleted, 0), Ids({3, 1}));
    }

    void deleteAnsweredNoEmitsNothing() {
        view_->selectRuns({2});
        QSignalSpy deleted(view_.get(), &RunsView::deleteRequested);
        QString question;
        ModalAnswerer answerer({clickMessageBox(QMessageBox::No, &question)});
        table()->setFocus();
        QTest::keyClick(table(), Qt::Key_Delete); // the key asks the same question
        QCOMPARE(answerer.answered(), std::size_t(1));
        QCOMPARE(answerer.unexpected(), 0);
        QVERIFY2(question.startsWith("Delete run #2? Its checkpoints"), qPrintable(question));
        QCOMPARE(deleted.count(), 0);
    }

    void deleteKeyDoesNothingForARunningRun() {
        view_->selectRuns({4});
        QSignalSpy deleted(view_.get(), &RunsView::deleteRequested);
        ModalAnswerer answerer({});
        table()->setFocus();
        QTest::keyClick(table(), Qt::Key_Delete);
        view_->promptDelete();
        QCOMPARE(answerer.unexpected(), 0);
        QCOMPARE(deleted.count(), 0);
    }

    void notesAreCommittedOnceOnEnterOrFocusOut() {
        view_->selectRuns({1});
        QCOMPARE(notes()->toPlainText(), QString("baseline"));
        QSignalSpy edited(view_.get(), &RunsView::notesEdited);
        notes()->setFocus();
        notes()->moveCursor(QTextCursor::End);
        QTest::keyClicks(notes(), " v2");
        QTest::keyClick(notes(), Qt::Key_Return, Qt::ShiftModifier); // a new line, not a commit
        QTest::keyClicks(notes(), "lr too high");
        QCOMPARE(edited.count(), 0);  // not per keystroke
        view_->setRuns(sampleRuns()); // a refresh keeps what is being typed
        QCOMPARE(notes()->toPlainText(), QString("baseline v2\nlr too high"));
        QTest::keyClick(notes(), Qt::Key_Return);
        QCOMPARE(edited.count(), 1);
        QCOMPARE(edited.at(0).at(0).toLongLong(), 1LL);
        QCOMPARE(edited.at(0).at(1).toString(), QString("baseline v2\nlr too high"));
        QCOMPARE(cell(1, RunsTableModel::NotesColumn), QString("baseline v2"));
        table()->setFocus(); // focus-out after Enter: nothing new to commit
        QCOMPARE(edited.count(), 1);

        notes()->setFocus();
        QTest::keyClicks(notes(), "!"); // the cursor stayed where the typing ended
        table()->setFocus();            // focus-out commits
        QCOMPARE(edited.count(), 2);
        QCOMPARE(edited.at(1).at(1).toString(), QString("baseline v2\nlr too high!"));
    }

    void notesTypedThenAnotherRunSelectedAreKept() {
        view_->selectRuns({3});
        QSignalSpy edited(view_.get(), &RunsView::notesEdited);
        notes()->selectAll();
        QTest::keyClicks(notes(), "stopped early");
        view_->selectRuns({2}); // e.g. from the app, while the editor has focus
        QCOMPARE(edited.count(), 1);
        QCOMPARE(edited.at(0).at(0).toLongLong(), 3LL);
        QCOMPARE(edited.at(0).at(1).toString(), QString("stopped early"));
        QCOMPARE(notes()->toPlainText(), QString());
    }

    void escapeUndoesTheEdit() {
        view_->selectRuns({3});
        QSignalSpy edited(view_.get(), &RunsView::notesEdited);
        notes()->setFocus();
        QTest::keyClicks(notes(), "oops");
        QTest::keyClick(notes(), Qt::Key_Escape);
        QCOMPARE(notes()->toPlainText(), QString("try longer"));
        table()->setFocus();
        QCOMPARE(edited.count(), 0);
    }

    void tagsAreCommittedOnceOnEnter() {
        view_->selectRuns({3});
        QCOMPARE(tags()->text(), QString("long, augmented"));
        QSignalSpy edited(view_.get(), &RunsView::tagsEdited);
        tags()->setFocus();
        tags()->selectAll();
        QTest::keyClicks(tags(), "long, , Augmented,LONG , night ");
        QCOMPARE(edited.count(), 0);
        QTest::keyClick(tags(), Qt::Key_Return);
        QCOMPARE(edited.count(), 1);
        QCOMPARE(edited.at(0).at(0).toLongLong(), 3LL);
        QCOMPARE(edited.at(0).at(1).toStringList(), QStringList({"long", "Augmented", "night"}));
        QCOMPARE(tags()->text(), QString("long, Augmented, night"));
        QCOMPARE(cell(3, RunsTableModel::TagsColumn), QString("long, Augmented, night"));
        table()->setFocus();
        QCOMPARE(edited.count(), 1);

        view_->selectRuns({1, 3}); // no single run: nothing to edit
        QVERIFY(!tags()->isEnabled());
        QVERIFY(!notes()->isEnabled());
    }

    void filterNarrowsTheRows() {
        QTest::keyClicks(filter(), "resnet18");
        QCOMPARE(tableOrder(), Ids({3, 1}));
        filter()->clear();
        QTest::keyClicks(filter(), "FAILED");
        QCOMPARE(tableOrder(), Ids({2}));
        filter()->clear();
        QTest::keyClicks(filter(), "augmented long"); // every word, anywhere
        QCOMPARE(tableOrder(), Ids({3}));
        filter()->clear();
        QTest::keyClicks(filter(), "baseline");
        QCOMPARE(tableOrder(), Ids({1}));
        filter()->clear();
        QTest::keyClicks(filter(), "nothing like this");
        QCOMPARE(tableOrder(), Ids());
        filter()->clear();
        QCOMPARE(tableOrder(), Ids({4, 3, 2, 1}));
    }

    void sortByValAccuracyIsNumeric() {
        // As text, "10.5%" would come before "9.5%".
        table()->sortByColumn(RunsTableModel::ValAccuracyColumn, Qt::AscendingOrder);
        QCOMPARE(tableOrder(), Ids({2, 4, 3, 1}));
        table()->sortByColumn(RunsTableModel::ValAccuracyColumn, Qt::DescendingOrder);
        QCOMPARE(tableOrder(), Ids({1, 3, 4, 2}));
        table()->sortByColumn(RunsTableModel::DurationColumn, Qt::AscendingOrder);
        QCOMPARE(tableOrder(), Ids({4, 2, 1, 3})); // unknown first, then 45 s, 192 s, 3725 s
    }

    void doubleClickSelectsJustThatRun() {
        view_->selectRuns({1, 3});
        const QRect rect =
            table()->visualRect(table()->model()->index(rowOf(2), RunsTableModel::ModelColumn));
        QTest::mouseDClick(table()->viewport(), Qt::LeftButton, {}, rect.center());
        QCOMPARE(view_->selectedRuns(), Ids({2}));
        QVERIFY(!table()->findChild<QLineEdit*>()); // no cell editor opened
    }
};

QTEST_MAIN(RunsViewTest)
#include "runs_view_test.moc"
