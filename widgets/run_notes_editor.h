#pragma once

#include "run_row.h"

#include <cstdint>

#include <QString>
#include <QStringList>
#include <QWidget>

class QGroupBox;
class QLineEdit;
class QPlainTextEdit;

namespace kestrel::widgets {

// The "Notes and tags" box of the runs view: edits one run's notes and tags. Enter or leaving
// the notes commits them (Shift+Enter starts a new line), Enter or leaving the tags commits
// those, Esc undoes an edit not yet committed. It only tells, through signals; the owner keeps
// the runs and answers with showRun().
class RunNotesEditor : public QWidget {
    Q_OBJECT
public:
    explicit RunNotesEditor(QWidget* parent = nullptr);
    ~RunNotesEditor() override;

    // nullptr: no single run, the box is disabled. Another run commits what was typed for the
    // previous one first; the same run again does not overwrite text being typed. The run is
    // copied, so it may go away once this returns.
    void showRun(const RunRow* run);

signals:
    void notesEdited(std::int64_t id, const QString& notes);
    void tagsEdited(std::int64_t id, const QStringList& tags);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void commitNotes();
    void commitTags();
    void showNotes();
    void showTags();

    // The run as last shown, what an edit is compared with and Esc goes back to.
    std::int64_t runId_ = 0;
    QString runNotes_;
    QStringList runTags_;

    QGroupBox* box_ = nullptr;
    QPlainTextEdit* notes_ = nullptr;
    QLineEdit* tags_ = nullptr;
};

} // namespace kestrel::widgets
