#pragma once

#include "label_action.h"

#include <cstdint>
#include <functional>
#include <vector>

#include <QList>
#include <QObject>

class QAction;
class QUndoStack;
class QWidget;

namespace kestrel::widgets {

class ClassPanel;
class SampleBrowser;

// The keyboard-first labelling: hotkeys 1-9 label the selection, 0 removes the label,
// O and N mark OK and NG in quick mode and move on to the next unlabelled sample, Ctrl+1/2/3
// move the selection to train, val or test. Every action goes on an undo stack and out
// through editRequested; the app commits it and answers with the changes, which is when the
// window shows them, so a label on screen is a label on disk.
class LabellingController : public QObject {
    Q_OBJECT
public:
    LabellingController(SampleBrowser* browser, ClassPanel* classes, QWidget* window);

    QUndoStack* undoStack() const { return undo_; }
    QList<QAction*> labelActions() const { return labelActions_; }
    QList<QAction*> splitActions() const { return splitActions_; }
    QAction* undoAction() const { return undoAction_; }
    QAction* redoAction() const { return redoAction_; }
    QAction* nextUnlabelledAction() const { return nextUnlabelled_; }

    // Asked first by keys 1-9 with the class of the key: true when it took the class (shapes
    // selected in the viewer get it), else the key labels the selected samples.
    void setShapeClassHandler(std::function<bool(std::int64_t)> handler) {
        shapeClassHandler_ = std::move(handler);
    }

    // Off while the samples are not on screen (the Training tab): digits then belong to the
    // training form, not to labels.
    void setActive(bool active);

    // Called by the undo commands; public so they need no friendship.
    void send(bool firstTime, bool undo, quint64 token, const LabelAction& action);

public slots:
    void assignClass(std::int64_t classId); // to the selection
    void assignHotkey(int digit);
    void assignSplit(const QString& split);
    // Gives each selected likely label error the class the label audit suggests, as one
    // undoable step, then moves on to the next sample when one was selected.
    void acceptSuggestions();
    void markQuick(bool ok);
    void requestClassEdit(const kestrel::widgets::LabelAction& action);
    void clearHistory(); // a new project: old commands mean nothing there
    // Names the hotkey actions after the classes they label ("1: Label 'scratch'") and
    // hides those no class has, so menus show only what a key does.
    void refreshClassActions();

signals:
    void editRequested(quint64 token, const kestrel::widgets::LabelAction& action);
    void undoRequested(quint64 token);
    void redoRequested(quint64 token);
    void message(const QString& text); // for the status bar

private:
    void push(LabelAction action);
    // The selected samples; when there are none, says `hint` in the status bar.
    std::vector<std::int64_t> selectionOrHint(const QString& hint);
    void updateQuickActions();

    SampleBrowser* browser_;
    ClassPanel* classes_;
    QUndoStack* undo_;
    QList<QAction*> labelActions_;
    QList<QAction*> splitActions_;
    QAction* undoAction_ = nullptr;
    QAction* redoAction_ = nullptr;
    bool active_ = true;
    QAction* markOk_ = nullptr;
    QAction* markNg_ = nullptr;
    QAction* nextUnlabelled_ = nullptr;
    quint64 nextToken_ = 1;
    std::function<bool(std::int64_t)> shapeClassHandler_;
};

} // namespace kestrel::widgets
