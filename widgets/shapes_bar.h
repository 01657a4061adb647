#pragma once

#include <QWidget>

class QSlider;
class QToolButton;

namespace kestrel::widgets {

class AnnotationEditor;

// The viewer's shape controls, one compact row ("shapesBar"): a checkable "Shapes" button
// with an eye icon (draw the annotations or not) and the fills' opacity (0-100 %). It follows the
// editor both ways. Neither control takes the keyboard focus, so arrow keys stay with the viewer.
// Hidden while the editor has no sample: a viewer that shows no annotations keeps its width.
class ShapesBar : public QWidget {
    Q_OBJECT
public:
    explicit ShapesBar(AnnotationEditor* editor, QWidget* parent = nullptr);

protected:
    void changeEvent(QEvent* event) override;

private:
    void paintIcon();
    void showEditorState();

    AnnotationEditor* editor_;
    QToolButton* button_ = nullptr;
    QSlider* opacity_ = nullptr;
};

} // namespace kestrel::widgets
