#include "annotation_actions.h"

#include "annotation_editor.h"
#include "class_panel.h"
#include "image_viewer.h"
#include "labelling_controller.h"
#include "sample_browser.h"
#include "sample_model.h"

#include <algorithm>
#include <unordered_set>
#include <utility>

#include <QAction>
#include <QActionGroup>
#include <QUndoCommand>
#include <QUndoStack>
#include <QWidget>

namespace kestrel::widgets {

using annotations::Shape;
using annotations::ShapeKind;

namespace {

QString shapesText(std::size_t count) {
    return count == 1 ? QObject::tr("1 shape") : QObject::tr("%1 shapes").arg(count);
}

// For the Undo menu: "Add 1 shape", "Delete 3 shapes", "Change 2 shapes".
QString describe(const ShapeEdit& edit) {
    const auto added = static_cast<std::size_t>(std::count_if(
        edit.after.begin(), edit.after.end(), [](const Shape& shape) { return shape.id == 0; }));
    if (edit.before.empty()) {
        return QObject::tr("Add %1").arg(shapesText(added));
    }
    if (edit.after.empty()) {
        return QObject::tr("Delete %1").arg(shapesText(edit.before.size()));
    }
    return QObject::tr("Change %1")
        .arg(shapesText(std::max(edit.before.size(), edit.after.size())));
}

// The first redo() is the edit itself; later ones replay it. Both go to the app, which keeps
// the ids the edit's new shapes got, so undo and redo work before the first commit answers.
class ShapeCommand : public QUndoCommand {
public:
    ShapeCommand(AnnotationActions* actions, quint64 token, ShapeEdit edit)
        : QUndoCommand(describe(edit)), actions_(actions), token_(token), edit_(std::move(edit)) {}

    void redo() override {
        actions_->send(firstTime_, false, token_, edit_);
        firstTime_ = false;
    }
    void undo() override { actions_->send(false, true, token_, edit_); }

private:
    AnnotationActions* actions_;
    quint64 token_;
    ShapeEdit edit_;
    bool firstTime_ = true;
};

} // namespace

AnnotationActions::AnnotationActions(ImageViewer* viewer, SampleBrowser* browser,
                                     ClassPanel* classes, LabellingController* labelling,
                                     QWidget* window)
    : QObject(window), viewer_(viewer), browser_(browser), classes_(classes), labelling_(labelling),
      window_(window), editor_(viewer->annotations()), tools_(new QActionGroup(this)) {
    tools_->setExclusive(true);
    addTool(int(AnnotationTool::Select), tr("&Select Shapes"),
            {QKeySequence(Qt::Key_V), QKeySequence(Qt::Key_Escape)});
    addTool(int(AnnotationTool::Box), tr("Draw &Boxes"),
            {QKeySequence(Qt::Key_W), QKeySequence(Qt::Key_R)});
    addTool(int(AnnotationTool::Polygon), tr("Draw &Polygons"), {QKeySequence(Qt::Key_P)});
    addTool(int(AnnotationTool::Brush), tr("Paint a &Mask"), {QKeySequence(Qt::Key_B)});
    addTool(int(AnnotationTool::Eraser), tr("&Erase From a Mask"), {QKeySequence(Qt::Key_E)});
    // G, as paint programs have their bucket: F already fits the image in the viewer.
    addTool(int(AnnotationTool::Fill), tr("&Fill a Region"), {QKeySequence(Qt::Key_G)});

    connect(addShapeAction(tr("&Delete Selected Shapes"), QKeySequence(Qt::Key_Delete)),
            &QAction::triggered, editor_, &AnnotationEditor::deleteSelection);
    connect(addShapeAction(tr("D&uplicate Selected Shapes"), QKeySequence(Qt::CTRL | Qt::Key_D)),
            &QAction::triggered, editor_, &AnnotationEditor::duplicateSelection);
    connect(addShapeAction(tr("&Hide or Show Selected Shapes"), QKeySequence(Qt::Key_H)),
            &QAction::triggered, this, [this] {
                // Hides unless every selected shape is hidden already: H twice shows them.
                const auto selected = editor_->selectedIds();
                const std::unordered_set<std::int64_t> ids(selected.begin(), selected.end());
                bool allHidden = !ids.empty();
                for (const Shape& shape : editor_->shapes()) {
                    if (ids.count(shape.id) != 0 && !shape.hidden) {
                        allHidden = false;
                    }
                }
                editor_->setSelectionHidden(!allHidden);
            });
    // Ctrl+Shift+V: a paste, but from the previous sample rather than the clipboard.
    connect(addShapeAction(tr("&Copy the Previous Sample's Shapes Here"),
                           QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V)),
            &QAction::triggered, this, &AnnotationActions::copyFromPrevious);

    connect(editor_, &AnnotationEditor::editRequested, this, &AnnotationActions::pushEdit);
    connect(editor_, &AnnotationEditor::toolChanged, this, &AnnotationActions::syncToolChecks);
    connect(editor_, &AnnotationEditor::statusMessage, this, &AnnotationActions::message);
    // The class new shapes get is the one chosen in the class panel.
    connect(classes_, &ClassPanel::currentClassChanged, this, &AnnotationActions::syncCurrentClass);
    syncToolChecks();
}

void AnnotationActions::addTool(int tool, const QString& text, const QList<QKeySequence>& keys) {
    auto* action = new QAction(text, window_);
    action->setShortcuts(keys);
    action->setCheckable(true);
    action->setData(tool);
    tools_->addAction(action);
    connect(action, &QAction::triggered, this, [this, tool] {
        syncCurrentClass();
        editor_->setTool(static_cast<AnnotationTool>(tool));
    });
    window_->addAction(action); // shortcuts work wherever the focus is in the window
    toolActions_.append(action);
}

QAction* AnnotationActions::addShapeAction(const QString& text, const QKeySequence& key) {
    auto* action = new QAction(text, window_);
    action->setShortcut(key);
    window_->addAction(action);
    shapeActions_.append(action);
    return action;
}

QAction* AnnotationActions::toolAction(int tool) const {
    for (QAction* action : toolActions_) {
        if (action->data().toInt() == tool) {
            return action;
        }
    }
    return nullptr;
}

void AnnotationActions::syncToolChecks() {
    if (QAction* action = toolAction(int(editor_->tool()))) {
        action->setChecked(true);
    }
}

void AnnotationActions::syncCurrentClass() {
    editor_->setCurrentClass(classes_->currentClass());
}

void AnnotationActions::setActive(bool active) {
    active_ = active;
    for (QAction* action : toolActions_ + shapeActions_) {
        action->setEnabled(active);
    }
}

bool AnnotationActions::assignClassToSelectedShapes(std::int64_t classId) {
    if (!active_ || shownSample_ == 0 || editor_->selectedIds().empty()) {
        return false;
    }
    editor_->assignClassToSelection(classId);
    editor_->setCurrentClass(classId); // and the shapes drawn next
    return true;
}

void AnnotationActions::showSample(std::int64_t sampleId) {
    if (sampleId == shownSample_ && sampleId != 0) {
        return;
    }
    wantedSample_ = sampleId;
    shownSample_ = 0;
    // Nothing to draw on until the sample's shapes are read: an edit needs them to refer to.
    editor_->setSample(0, {});
    if (sampleId != 0) {
        syncCurrentClass();
        emit shapesRequested(sampleId);
    }
}

void AnnotationActions::showShapes(std::int64_t sampleId, const std::vector<Shape>& shapes) {
    if (sampleId == 0 || sampleId != wantedSample_) {
        return; // an answer for a sample no longer shown
    }
    shownSample_ = sampleId;
    editor_->setSample(sampleId, shapes);
}

void AnnotationActions::reloadShown() {
    if (wantedSample_ != 0) {
        emit shapesRequested(wantedSample_);
    }
}

void AnnotationActions::copyFromPrevious() {
    const std::int64_t current = browser_->currentSampleId();
    const int row = browser_->model()->rowOf(current);
    if (current == 0 || current != shownSample_) {
        emit message(tr("Wait for the sample's shapes to show first."));
        return;
    }
    const auto* previous = row > 0 ? browser_->model()->sampleAt(row - 1) : nullptr;
    if (!previous) {
        emit message(tr("No sample comes before this one in the list."));
        return;
    }
    copyTarget_ = current;
    emit shapesToCopyRequested(previous->id);
}

void AnnotationActions::pasteShapesFrom(std::int64_t sampleId, const std::vector<Shape>& shapes) {
    const std::int64_t target = std::exchange(copyTarget_, 0);
    if (target == 0 || target != shownSample_) {
        return; // the user moved on before the shapes arrived
    }
    const auto* here = browser_->model()->sample(target);
    std::vector<Shape> copies;
    std::size_t skipped = 0;
    for (Shape shape : shapes) {
        // A mask is the size of its image: it means nothing on an image of another size.
        if (shape.kind == ShapeKind::Mask && here &&
            (shape.maskFile.empty()
                 ? (shape.mask.width != here->width || shape.mask.height != here->height)
                 : true)) {
            ++skipped;
            continue;
        }
        shape.id = 0;
        shape.hidden = false;
        shape.source = "user";
        copies.push_back(std::move(shape));
    }
    const auto* from = browser_->model()->sample(sampleId);
    const QString name = from ? QString::fromStdString(from->fileName) : QString::number(sampleId);
    if (copies.empty()) {
        emit message(skipped > 0
                         ? tr("%1's masks are of another image size: nothing to copy.").arg(name)
                         : tr("%1 has no shapes to copy.").arg(name));
        return;
    }
    editor_->pasteShapes(copies);
    emit message(skipped > 0 ? tr("Copied %1 from %2; %3 of another image size left out.")
                                   .arg(shapesText(copies.size()), name, shapesText(skipped))
                             : tr("Copied %1 from %2.").arg(shapesText(copies.size()), name));
}

void AnnotationActions::refreshClasses() {
    std::vector<ClassStyle> styles;
    for (const auto& info : browser_->model()->classes()) {
        styles.push_back({info.id, QString::fromStdString(info.name),
                          QColor(QString::fromStdString(info.color))});
    }
    editor_->setClasses(styles);
    syncCurrentClass();
}

void AnnotationActions::pushEdit(const ShapeEdit& edit) {
    if (edit.sampleId == 0 || (edit.before.empty() && edit.after.empty())) {
        return;
    }
    labelling_->undoStack()->push(new ShapeCommand(this, nextToken_++, edit));
}

void AnnotationActions::send(bool firstTime, bool undo, quint64 token, const ShapeEdit& edit) {
    // Undoing an edit of another sample shows that sample, so the change is seen.
    if (!firstTime && edit.sampleId != browser_->currentSampleId() &&
        browser_->model()->rowOf(edit.sampleId) >= 0) {
        browser_->setCurrentSample(edit.sampleId);
    }
    if (undo) {
        emit undoRequested(token);
    } else if (firstTime) {
        emit editRequested(token, edit);
    } else {
        emit redoRequested(token);
    }
}

} // namespace kestrel::widgets
