// The tool strip at the viewer's left edge.
#include "shape_tool_strip.h"

#include "annotation_editor.h"
#include "shape_tool_icons.h"

#include <QButtonGroup>
#include <QEvent>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

namespace kestrel::widgets {

namespace {

constexpr int kMaxBrushSize = 500;
constexpr int kIconSize = 18; // logical pixels

bool usesBrush(AnnotationTool tool) {
    return tool == AnnotationTool::Brush || tool == AnnotationTool::Eraser;
}

} // namespace

ShapeToolStrip::ShapeToolStrip(AnnotationEditor* editor, QWidget* parent)
    : QWidget(parent), editor_(editor), tools_(new QButtonGroup(this)) {
    setObjectName(QStringLiteral("shapeTools"));
    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(2, 2, 2, 2);
    column->setSpacing(2);
    tools_->setExclusive(true);
    addTool(AnnotationTool::Select, tr("Select"), tr("V or Esc"));
    addTool(AnnotationTool::Box, tr("Box"), tr("W or R"));
    addTool(AnnotationTool::Polygon, tr("Polygon"), QStringLiteral("P"));
    addTool(AnnotationTool::Brush, tr("Brush"), QStringLiteral("B"));
    addTool(AnnotationTool::Eraser, tr("Eraser"), QStringLiteral("E"));
    addTool(AnnotationTool::Fill, tr("Fill"), QStringLiteral("G"));

    // Without arrows the box stays as narrow as the buttons; the wheel and typing set it.
    brushSize_ = new QSpinBox;
    brushSize_->setObjectName(QStringLiteral("brushSize"));
    brushSize_->setRange(1, kMaxBrushSize);
    brushSize_->setButtonSymbols(QAbstractSpinBox::NoButtons);
    brushSize_->setAlignment(Qt::AlignCenter);
    brushSize_->setFocusPolicy(Qt::ClickFocus);
    brushSize_->setToolTip(tr("Brush and eraser diameter, in image pixels"));
    column->addSpacing(4);
    column->addWidget(brushSize_);
    column->addStretch(1);
    paintIcons();

    showEditorState();
    connect(tools_, &QButtonGroup::idClicked, editor_,
            [this](int tool) { editor_->setTool(static_cast<AnnotationTool>(tool)); });
    connect(brushSize_, &QSpinBox::valueChanged, editor_, &AnnotationEditor::setBrushSize);
    connect(editor_, &AnnotationEditor::brushSizeChanged, this, &ShapeToolStrip::showEditorState);
    connect(editor_, &AnnotationEditor::toolChanged, this, &ShapeToolStrip::showEditorState);
    connect(editor_, &AnnotationEditor::sampleChanged, this, &ShapeToolStrip::showEditorState);
}

QToolButton* ShapeToolStrip::button(AnnotationTool tool) const {
    return qobject_cast<QToolButton*>(tools_->button(int(tool)));
}

void ShapeToolStrip::addTool(AnnotationTool tool, const QString& name, const QString& keys) {
    auto* button = new QToolButton;
    button->setCheckable(true);
    button->setAutoRaise(true);
    button->setFocusPolicy(Qt::NoFocus);
    button->setIconSize(QSize(kIconSize, kIconSize));
    button->setText(name); // read by screen readers; the icon is what shows
    button->setToolTip(tr("%1 (%2)").arg(name, keys));
    tools_->addButton(button, int(tool));
    layout()->addWidget(button);
}

void ShapeToolStrip::paintIcons() {
    const QColor ink = palette().color(QPalette::ButtonText);
    for (QAbstractButton* button : tools_->buttons()) {
        const auto tool = static_cast<AnnotationTool>(tools_->id(button));
        button->setIcon(toolIcon(tool, ink, devicePixelRatioF()));
    }
}

void ShapeToolStrip::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange) {
        paintIcons(); // a theme switch: the ink follows the new text colour
    }
}

void ShapeToolStrip::showEditorState() {
    const QSignalBlocker blockSpin(brushSize_);
    const AnnotationTool tool = editor_->tool();
    if (QToolButton* current = button(tool)) {
        current->setChecked(true);
    }
    brushSize_->setValue(editor_->brushSize());
    brushSize_->setVisible(usesBrush(tool));
    setVisible(editor_->sampleId() != 0);
}

} // namespace kestrel::widgets
