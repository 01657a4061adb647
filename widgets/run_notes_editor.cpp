#include "run_notes_editor.h"

#include <QFormLayout>
#include <QGroupBox>
#include <QKeyEvent>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QVBoxLayout>

namespace kestrel::widgets {

namespace {

// "a, b , a,,c" -> {a, b, c}: blanks and repeats (in any case) dropped, first spelling kept.
QStringList parseTags(const QString& text) {
    QStringList tags;
    for (const QString& part : text.split(QLatin1Char(','))) {
        const QString tag = part.trimmed();
        if (!tag.isEmpty() && !tags.contains(tag, Qt::CaseInsensitive)) {
            tags << tag;
        }
    }
    return tags;
}

} // namespace

RunNotesEditor::RunNotesEditor(QWidget* parent) : QWidget(parent) {
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    box_ = new QGroupBox(tr("Notes and tags"));
    auto* form = new QFormLayout(box_);
    notes_ = new QPlainTextEdit;
    notes_->setObjectName("runNotes");
    notes_->setTabChangesFocus(true);
    notes_->setToolTip(tr("Enter saves, Shift+Enter starts a new line, Esc undoes the edit"));
    notes_->installEventFilter(this);
    tags_ = new QLineEdit;
    tags_->setObjectName("runTags");
    tags_->setToolTip(tr("Comma separated, such as: baseline, augmented. Enter saves, Esc "
                         "undoes the edit"));
    tags_->installEventFilter(this);
    connect(tags_, &QLineEdit::editingFinished, this, &RunNotesEditor::commitTags);
    form->addRow(tr("&Notes:"), notes_);
    form->addRow(tr("Ta&gs:"), tags_);
    outer->addWidget(box_);
    showRun(nullptr);
}

// QWidget's destructor takes the focus from the tags, which then finish editing; this editor
// is half gone by then and must not commit.
RunNotesEditor::~RunNotesEditor() {
    disconnect(tags_, nullptr, this, nullptr);
}

void RunNotesEditor::showRun(const RunRow* run) {
    // Copied before committing: a commit's receiver may change or drop the runs.
    const std::int64_t id = run ? run->id : 0;
    QString notes = run ? run->notes : QString();
    QStringList tags = run ? run->tags : QStringList();
    if (id != runId_) {
        commitNotes(); // what was typed for the previous run is kept, not dropped
        commitTags();
    }
    const bool sameRun = id != 0 && id == runId_;
    runId_ = id;
    runNotes_ = std::move(notes);
    runTags_ = std::move(tags);
    box_->setEnabled(id != 0);
    notes_->setPlaceholderText(id != 0 ? tr("Notes on run #%1").arg(id)
                                       : tr("Select one run to write notes on it"));
    // A refresh must not overwrite what the user is typing.
    if (!sameRun || !notes_->document()->isModified()) {
        showNotes();
    }
    if (!sameRun || !tags_->isModified()) {
        showTags();
    }
}

bool RunNotesEditor::eventFilter(QObject* watched, QEvent* event) {
    if (watched == notes_ && event->type() == QEvent::FocusOut) {
        commitNotes();
    } else if ((watched == notes_ || watched == tags_) && event->type() == QEvent::KeyPress) {
        const auto* key = static_cast<QKeyEvent*>(event);
        const bool enter = key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter;
        if (watched == notes_ && enter && !(key->modifiers() & Qt::ShiftModifier)) {
            commitNotes();
            return true;
        }
        // Escape undoes an edit not yet committed; otherwise it is left to the window.
        if (key->key() == Qt::Key_Escape && watched == notes_ && notes_->document()->isModified()) {
            showNotes();
            return true;
        }
        if (key->key() == Qt::Key_Escape && watched == tags_ && tags_->isModified()) {
            showTags();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void RunNotesEditor::showNotes() {
    if (notes_->toPlainText() != runNotes_) {
        notes_->setPlainText(runNotes_); // only when different: the cursor stays where it was
    }
    notes_->document()->setModified(false);
}

void RunNotesEditor::showTags() {
    tags_->setText(runTags_.join(QStringLiteral(", ")));
}

void RunNotesEditor::commitNotes() {
    if (runId_ == 0 || !notes_->document()->isModified()) {
        return;
    }
    notes_->document()->setModified(false);
    const QString notes = notes_->toPlainText().trimmed();
    if (notes == runNotes_) {
        return; // typed back to what it was
    }
    runNotes_ = notes;
    emit notesEdited(runId_, notes);
}

void RunNotesEditor::commitTags() {
    if (runId_ == 0 || !tags_->isModified()) {
        return;
    }
    tags_->setModified(false);
    const QStringList tags = parseTags(tags_->text());
    tags_->setText(tags.join(QStringLiteral(", ")));
    if (tags == runTags_) {
        return;
    }
    runTags_ = tags;
    emit tagsEdited(runId_, tags);
}

} // namespace kestrel::widgets
