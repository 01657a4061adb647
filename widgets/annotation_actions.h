#pragma once

#include "annotations/shape.h"
#include "shape_edit.h"

#include <cstdint>
#include <vector>

#include <QList>
#include <QObject>

class QAction;
class QActionGroup;
class QWidget;

namespace kestrel::widgets {

class AnnotationEditor;
class ClassPanel;
class ImageViewer;
class LabellingController;
class SampleBrowser;

// The window's side of drawing shapes: the tool keys (W/R box, P polygon, B brush, E eraser,
// G fill, V or Escape select), Delete, Ctrl+D duplicate, H hide or show, Ctrl+Shift+V copy
// the previous sample's shapes here, and class keys 1-9 on a selected shape. Every edit the
// viewer's editor asks for goes on the labelling undo stack, so Ctrl+Z undoes whatever came
// last, labels or shapes, and out through editRequested; the app commits it and answers with
// the sample's shapes (showShapes), which is when the editor shows them as stored.
class AnnotationActions : public QObject {
    Q_OBJECT
public:
    AnnotationActions(ImageViewer* viewer, SampleBrowser* browser, ClassPanel* classes,
                      LabellingController* labelling, QWidget* window);

    QList<QAction*> toolActions() const { return toolActions_; }
    QList<QAction*> shapeActions() const { return shapeActions_; }
    QAction* toolAction(int tool) const; // by AnnotationTool
    AnnotationEditor* editor() const { return editor_; }
    // The sample whose shapes the editor shows; 0 while they are being read.
    std::int64_t shownSample() const { return shownSample_; }

    // Off while the samples are not on screen (the Training tab).
    void setActive(bool active);
    // A class key with shapes selected in the viewer: they get the class and true is
    // returned; false leaves the key to label samples.
    bool assignClassToSelectedShapes(std::int64_t classId);

    // Called by the undo commands; public so they need no friendship.
    void send(bool firstTime, bool undo, quint64 token, const ShapeEdit& edit);

public slots:
    // The browser's current sample: the editor is emptied and its shapes asked for.
    void showSample(std::int64_t sampleId);
    // A sample's shapes as stored (read, or after an edit): shown when it is the current one.
    void showShapes(std::int64_t sampleId, const std::vector<kestrel::annotations::Shape>& shapes);
    // The shapes of the sample before the current one, asked by copyFromPrevious().
    void pasteShapesFrom(std::int64_t sampleId,
                         const std::vector<kestrel::annotations::Shape>& shapes);
    void copyFromPrevious();
    void refreshClasses(); // after the classes' names or colours changed
    void reloadShown();    // after a failed edit: the editor shows what is stored again

signals:
    void shapesRequested(std::int64_t sampleId);
    void shapesToCopyRequested(std::int64_t sampleId);
    void editRequested(quint64 token, const kestrel::widgets::ShapeEdit& edit);
    void undoRequested(quint64 token);
    void redoRequested(quint64 token);
    void message(const QString& text); // for the status bar

private:
    void addTool(int tool, const QString& text, const QList<QKeySequence>& keys);
    QAction* addShapeAction(const QString& text, const QKeySequence& key);
    void pushEdit(const ShapeEdit& edit);
    void syncCurrentClass();
    void syncToolChecks();

    ImageViewer* viewer_;
    SampleBrowser* browser_;
    ClassPanel* classes_;
    LabellingController* labelling_;
    QWidget* window_;
    AnnotationEditor* editor_;
    QActionGroup* tools_;
    QList<QAction*> toolActions_;
    QList<QAction*> shapeActions_;
    std::int64_t shownSample_ = 0;
    std::int64_t wantedSample_ = 0; // asked for, not yet shown
    std::int64_t copyTarget_ = 0;   // the sample copyFromPrevious() pastes onto
    quint64 nextToken_ = 1;
    bool active_ = true;
};

} // namespace kestrel::widgets
