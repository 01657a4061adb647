#pragma once

#include <functional>

#include <QColor>
#include <QIcon>

class QPainter;

namespace kestrel::widgets {

enum class AnnotationTool;

// Drawn on a 20 x 20 grid by `draw`, crisp at the screen's pixel ratio and at twice it.
QIcon paintedIcon(double pixelRatio, const std::function<void(QPainter&)>& draw);

// A tool's picture in `ink` (the palette's button text colour): a pointer, a box with its
// handles, a polygon with its vertices, a round brush, an eraser block, a drop.
QIcon toolIcon(AnnotationTool tool, const QColor& ink, double pixelRatio);
// An open eye: shapes shown.
QIcon eyeIcon(const QColor& ink, double pixelRatio);

} // namespace kestrel::widgets
