#pragma once

#include <QWidget>

class QButtonGroup;
class QSpinBox;
class QToolButton;

namespace kestrel::widgets {

class AnnotationEditor;
enum class AnnotationTool;

// The editor's tools as a column of icon buttons at the viewer's left edge ("shapeTools"):
// Select, Box, Polygon, Brush, Eraser and Fill, one checked at a time and following the
// editor both ways, then, while the Brush or the Eraser is the tool, the brush size in image
// pixels ("brushSize"). The icons are painted in the palette's button text colour, so they
// suit dark themes too. Hidden while the editor has no sample.
class ShapeToolStrip : public QWidget {
    Q_OBJECT
public:
    explicit ShapeToolStrip(AnnotationEditor* editor, QWidget* parent = nullptr);

    QToolButton* button(AnnotationTool tool) const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void addTool(AnnotationTool tool, const QString& name, const QString& keys);
    void paintIcons();
    void showEditorState();

    AnnotationEditor* editor_;
    QButtonGroup* tools_ = nullptr;
    QSpinBox* brushSize_ = nullptr;
};

} // namespace kestrel::widgets
