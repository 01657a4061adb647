// The show-and-opacity row under the image.
#include "shapes_bar.h"

#include "annotation_editor.h"
#include "shape_tool_icons.h"

#include <cmath>

#include <QEvent>
#include <QHBoxLayout>
#include <QSignalBlocker>
#include <QSlider>
#include <QToolButton>

namespace kestrel::widgets {

namespace {

constexpr int kOpacitySteps = 100;
constexpr int kIconSize = 18; // logical pixels

QColor inkOf(const QWidget* widget) {
    return widget->palette().color(QPalette::ButtonText);
}

bool isThemeChange(const QEvent* event) {
    return event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange;
}

} // namespace

ShapesBar::ShapesBar(AnnotationEditor* editor, QWidget* parent) : QWidget(parent), editor_(editor) {
    setObjectName(QStringLiteral("shapesBar"));
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(4, 0, 4, 0);
    row->setSpacing(6);

    // An eye rather than a word, so that this row and the heat map's share one line in a
    // viewer 360 pixels wide.
    button_ = new QToolButton;
    button_->setObjectName(QStringLiteral("shapesButton"));
    button_->setText(tr("Shapes"));
    button_->setIconSize(QSize(kIconSize, kIconSize));
    button_->setCheckable(true);
    button_->setAutoRaise(true);
    button_->setFocusPolicy(Qt::NoFocus);
    button_->setToolTip(tr("Shapes: show the boxes, polygons and masks over the image"));
    row->addWidget(button_);

    opacity_ = new QSlider(Qt::Horizontal);
    opacity_->setObjectName(QStringLiteral("shapesOpacity"));
    opacity_->setRange(0, kOpacitySteps);
    opacity_->setFocusPolicy(Qt::NoFocus);
    opacity_->setMinimumWidth(40);
    opacity_->setMaximumWidth(70);
    opacity_->setToolTip(tr("Fill opacity of the shapes; outlines stay opaque"));
    row->addWidget(opacity_);
    paintIcon();

    showEditorState();
    connect(button_, &QToolButton::toggled, editor_, &AnnotationEditor::setShowShapes);
    connect(opacity_, &QSlider::valueChanged, editor_,
            [this](int value) { editor_->setOpacity(double(value) / kOpacitySteps); });
    connect(editor_, &AnnotationEditor::opacityChanged, this, &ShapesBar::showEditorState);
    connect(editor_, &AnnotationEditor::showShapesChanged, this, &ShapesBar::showEditorState);
    connect(editor_, &AnnotationEditor::sampleChanged, this, &ShapesBar::showEditorState);
}

void ShapesBar::paintIcon() {
    const QColor ink = inkOf(this);
    button_->setIcon(eyeIcon(ink, devicePixelRatioF()));
}

void ShapesBar::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (isThemeChange(event)) {
        paintIcon();
    }
}

void ShapesBar::showEditorState() {
    const QSignalBlocker blockButton(button_);
    const QSignalBlocker blockSlider(opacity_);
    button_->setChecked(editor_->showsShapes());
    opacity_->setValue(int(std::lround(editor_->opacity() * kOpacitySteps)));
    setVisible(editor_->sampleId() != 0);
}

} // namespace kestrel::widgets
