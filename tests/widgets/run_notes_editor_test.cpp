// The notes and tags editor on its own, and destroying a view while text is being typed
// (Qt sends focus-out halfway through destruction; the edit must not reach a dead object).
#include "run_notes_editor.h"
#include "runs_view.h"

#include <memory>

#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTest>

using kestrel::widgets::RunNotesEditor;
using kestrel::widgets::RunRow;
using kestrel::widgets::RunsView;

namespace {
RunRow runWith(std::int64_t id, const QString& notes, const QStringList& tags) {
    RunRow run;
    run.id = id;
    run.status = "completed";
    run.notes = notes;
    run.tags = tags;
    return run;
}
} // namespace

class RunNotesEditorTest : public QObject {
    Q_OBJECT
private slots:
    void editsAreTold() {
        RunNotesEditor editor;
        editor.show();
        QVERIFY(QTest::qWaitForWindowActive(&editor));
        auto* notes = editor.findChild<QPlainTextEdit*>("runNotes");
        auto* tags = editor.findChild<QLineEdit*>("runTags");
        QVERIFY(!notes->isEnabled());
        RunRow run = runWith(5, "a", {"x"});
        editor.showRun(&run);
        QVERIFY(notes->isEnabled());
        QSignalSpy notesSpy(&editor, &RunNotesEditor::notesEdited);
        QSignalSpy tagsSpy(&editor, &RunNotesEditor::tagsEdited);
        notes->setFocus();
        notes->moveCursor(QTextCursor::End);
        QTest::keyClicks(notes, "b");
        run.notes = "changed elsewhere";
        editor.showRun(&run); // the same run: what is typed stays
        QCOMPARE(notes->toPlainText(), QString("ab"));
        QTest::keyClick(notes, Qt::Key_Return);
        QCOMPARE(notesSpy.count(), 1);
        QCOMPARE(notesSpy.at(0).at(1).toString(), QString("ab"));

        tags->setFocus();
        tags->selectAll();
        QTest::keyClicks(tags, "y, Y ,z");
        RunRow other = runWith(6, "", {});
        editor.showRun(&other); // another run: the tags typed for run 5 are committed first
        QCOMPARE(tagsSpy.count(), 1);
        QCOMPARE(tagsSpy.at(0).at(0).toLongLong(), 5LL);
        QCOMPARE(tagsSpy.at(0).at(1).toStringList(), QStringList({"y", "z"}));
        QCOMPARE(tags->text(), QString());
    }

    void destroyedWhileTyping_data() {
        QTest::addColumn<bool>("inView");
        QTest::addColumn<bool>("inTags");
        QTest::newRow("editor, notes") << false << false;
        QTest::newRow("editor, tags") << false << true;
        QTest::newRow("view, notes") << true << false;
        QTest::newRow("view, tags") << true << true;
    }
    void destroyedWhileTyping() {
        QFETCH(bool, inView);
        QFETCH(bool, inTags);
        const RunRow run = runWith(5, "a", {"x"});
        std::unique_ptr<QWidget> widget;
        if (inView) {
            auto view = std::make_unique<RunsView>();
            view->setRuns({run});
            view->selectRuns({5});
            widget = std::move(view);
        } else {
            auto editor = std::make_unique<RunNotesEditor>();
            editor->showRun(&run);
            widget = std::move(editor);
        }
        widget->show();
        QVERIFY(QTest::qWaitForWindowActive(widget.get()));
        QWidget* edit = inTags ? static_cast<QWidget*>(widget->findChild<QLineEdit*>("runTags"))
                               : widget->findChild<QPlainTextEdit*>("runNotes");
        edit->setFocus();
        QTest::keyClicks(edit, "typed");
        QVERIFY(edit->hasFocus());
        widget.reset(); // a debug Qt asserts when a half-destroyed object gets a signal
    }
};

QTEST_MAIN(RunNotesEditorTest)
#include "run_notes_editor_test.moc"
