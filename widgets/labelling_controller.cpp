#include "labelling_controller.h"

#include "class_panel.h"
#include "sample_browser.h"
#include "sample_model.h"

#include <map>

#include <QAction>
#include <QUndoCommand>
#include <QUndoStack>
#include <QWidget>

namespace kestrel::widgets {

namespace {

// The first redo() is the action itself; later ones replay it. Both go to the app, which
// keeps the edit and its inverse, so undo works even before the first commit has answered.
class LabelCommand : public QUndoCommand {
public:
    LabelCommand(LabellingController* controller, quint64 token, LabelAction action)
        : QUndoCommand(action.description), controller_(controller), token_(token),
          action_(std::move(action)) {}

    void redo() override {
        controller_->send(firstTime_, false, token_, action_);
        firstTime_ = false;
    }
    void undo() override { controller_->send(false, true, token_, action_); }

private:
    LabellingController* controller_;
    quint64 token_;
    LabelAction action_;
    bool firstTime_ = true;
};

QString samplesText(std::size_t count) {
    return count == 1 ? QObject::tr("1 sample") : QObject::tr("%1 samples").arg(count);
}

} // namespace

LabellingController::LabellingController(SampleBrowser* browser, ClassPanel* classes,
                                         QWidget* window)
    : QObject(window), browser_(browser), classes_(classes), undo_(new QUndoStack(this)) {
    undoAction_ = undo_->createUndoAction(this, tr("&Undo"));
    undoAction_->setShortcut(QKeySequence::Undo);
    redoAction_ = undo_->createRedoAction(this, tr("&Redo"));
    // Both common spellings, whatever the platform theme's QKeySequence::Redo says: the
    // offscreen platform's lacks Ctrl+Shift+Z, and Qt then matched that key to Undo.
    redoAction_->setShortcuts(
        {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)});

    auto add = [window](QList<QAction*>& list, const QString& text, const QKeySequence& key,
                        auto slot) {
        auto* action = new QAction(text, window);
        action->setShortcut(key);
        QObject::connect(action, &QAction::triggered, window, slot);
        window->addAction(action); // shortcuts work wherever the focus is in the window
        list.append(action);
        return action;
    };
    for (int digit = 1; digit <= 9; ++digit) {
        add(labelActions_, tr("Label with class %1").arg(digit), QKeySequence(Qt::Key_0 + digit),
            [this, digit] { assignHotkey(digit); });
    }
    add(labelActions_, tr("Remove label"), QKeySequence(Qt::Key_0), [this] { assignClass(0); });
    add(labelActions_, tr("Accept the suggested class"), QKeySequence(Qt::Key_A),
        [this] { acceptSuggestions(); });
    markOk_ = add(labelActions_, tr("Mark OK (quick mode)"), QKeySequence(Qt::Key_O),
                  [this] { markQuick(true); });
    markNg_ = add(labelActions_, tr("Mark NG (quick mode)"), QKeySequence(Qt::Key_N),
                  [this] { markQuick(false); });
    QList<QAction*> navigation;
    nextUnlabelled_ =
        add(navigation, tr("Next unlabelled sample"), QKeySequence(Qt::Key_U), [this] {
            if (!browser_->selectNextUnlabelled()) {
                emit message(tr("Every listed sample has a label."));
            }
        });
    const char* splits[] = {"train", "val", "test"};
    for (int i = 0; i < 3; ++i) {
        const QString split = QString::fromLatin1(splits[i]);
        add(splitActions_, tr("Move to %1").arg(split), QKeySequence(Qt::CTRL | (Qt::Key_1 + i)),
            [this, split] { assignSplit(split); });
    }
    connect(classes_, &ClassPanel::quickModeChanged, this,
            &LabellingController::updateQuickActions);
    connect(classes_, &ClassPanel::assignRequested, this, &LabellingController::assignClass);
    updateQuickActions();
}

void LabellingController::updateQuickActions() {
    markOk_->setEnabled(active_ && classes_->quickMode());
    markNg_->setEnabled(active_ && classes_->quickMode());
}

void LabellingController::setActive(bool active) {
    active_ = active;
    for (QAction* action : labelActions_ + splitActions_) {
        action->setEnabled(active);
    }
    nextUnlabelled_->setEnabled(active);
    updateQuickActions();
}

void LabellingController::assignHotkey(int digit) {
    const std::int64_t classId = classes_->classForHotkey(digit);
    if (classId == 0) {
        emit message(tr("No class has the key %1.").arg(digit));
        return;
    }
    if (shapeClassHandler_ && shapeClassHandler_(classId)) {
        return;
    }
    assignClass(classId);
}

std::vector<std::int64_t> LabellingController::selectionOrHint(const QString& hint) {
    std::vector<std::int64_t> samples = browser_->selectedSampleIds();
    if (samples.empty()) {
        emit message(hint);
    }
    return samples;
}

void LabellingController::assignClass(std::int64_t classId) {
    const std::vector<std::int64_t> samples = selectionOrHint(tr("Select samples to label first."));
    if (samples.empty()) {
        return;
    }
    LabelAction action;
    action.kind = LabelAction::Kind::AssignClass;
    action.samples = samples;
    action.classId = classId;
    const auto* info = browser_->model()->classInfo(classId);
    action.description =
        info ? tr("Label %1 '%2'")
                   .arg(samplesText(samples.size()), QString::fromStdString(info->name))
             : tr("Remove the label of %1").arg(samplesText(samples.size()));
    push(std::move(action));
    if (classes_->quickMode() && samples.size() == 1) {
        browser_->selectNextUnlabelled();
    }
}

void LabellingController::acceptSuggestions() {
    const std::vector<std::int64_t> samples =
        selectionOrHint(tr("Select a likely label error first."));
    SampleModel* model = browser_->model();
    std::map<std::int64_t, std::vector<std::int64_t>> byClass;
    for (const std::int64_t id : samples) {
        const int row = model->rowOf(id);
        const auto classId =
            row < 0 ? 0 : model->index(row, 0).data(SampleModel::SuggestedClassRole).toLongLong();
        if (classId != 0) {
            byClass[classId].push_back(id);
        }
    }
    if (byClass.empty()) {
        if (!samples.empty()) {
            emit message(tr("The label audit suggests no other class for the selection."));
        }
        return;
    }
    if (byClass.size() > 1) {
        undo_->beginMacro(
            tr("Accept the suggested classes of %1").arg(samplesText(samples.size())));
    }
    for (auto& [classId, ids] : byClass) {
        LabelAction action;
        action.kind = LabelAction::Kind::AssignClass;
        action.description = tr("Relabel %1 '%2', as the audit suggests")
                                 .arg(samplesText(ids.size()),
                                      QString::fromStdString(model->classInfo(classId)->name));
        action.samples = std::move(ids);
        action.classId = classId;
        push(std::move(action));
    }
    if (byClass.size() > 1) {
        undo_->endMacro();
    }
    if (samples.size() == 1) {
        browser_->selectNext();
    }
}

void LabellingController::markQuick(bool ok) {
    const std::int64_t classId = ok ? classes_->okClass() : classes_->ngClass();
    if (!classes_->quickMode() || classId == 0) {
        return;
    }
    assignClass(classId);
}

void LabellingController::assignSplit(const QString& split) {
    const std::vector<std::int64_t> samples = selectionOrHint(tr("Select samples to move first."));
    if (samples.empty()) {
        return;
    }
    LabelAction action;
    action.kind = LabelAction::Kind::AssignSplit;
    action.samples = samples;
    action.text = split;
    action.description = tr("Move %1 to %2").arg(samplesText(samples.size()), split);
    push(std::move(action));
}

void LabellingController::requestClassEdit(const LabelAction& action) {
    push(action);
}

void LabellingController::push(LabelAction action) {
    undo_->push(new LabelCommand(this, nextToken_++, std::move(action)));
}

void LabellingController::send(bool firstTime, bool undo, quint64 token,
                               const LabelAction& action) {
    if (undo) {
        emit undoRequested(token);
    } else if (firstTime) {
        emit editRequested(token, action);
    } else {
        emit redoRequested(token);
    }
}

void LabellingController::refreshClassActions() {
    for (int digit = 1; digit <= 9; ++digit) {
        QAction* action = labelActions_.at(digit - 1);
        const std::int64_t classId = classes_->classForHotkey(digit);
        const auto* info = browser_->model()->classInfo(classId);
        action->setVisible(info != nullptr);
        if (info) {
            action->setText(tr("Label '%1'").arg(QString::fromStdString(info->name)));
        }
    }
}

void LabellingController::clearHistory() {
    undo_->clear();
}

} // namespace kestrel::widgets
