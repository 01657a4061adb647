// The shape tools' icons, painted in code so no image files ship and they take the theme's
// colours.
#include "shape_tool_icons.h"

#include "annotation_editor.h"

#include <cmath>

#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

namespace kestrel::widgets {

namespace {

constexpr int kIconSize = 18;    // logical pixels
constexpr double kIconGrid = 20; // the icons are drawn on a 20 x 20 grid, then scaled

// One tool's picture on the 20 x 20 grid, in `ink`: outlines 1.5 wide, solid parts filled.
void drawToolIcon(QPainter& painter, AnnotationTool tool, const QColor& ink) {
    QPen pen(ink, 1.5);
    pen.setJoinStyle(Qt::RoundJoin);
    pen.setCapStyle(Qt::RoundCap);
    painter.setPen(pen);
    painter.setBrush(Qt::NoBrush);
    switch (tool) {
    case AnnotationTool::Select: { // a pointer arrow
        const QPointF arrow[] = {{5, 2.5},     {5, 16.5},    {8.6, 13.2}, {11.2, 18.3},
                                 {13.4, 17.3}, {10.8, 12.3}, {15.5, 12.3}};
        painter.setBrush(ink);
        painter.drawPolygon(arrow, 7);
        break;
    }
    case AnnotationTool::Box: // a rectangle with its corner handles
        painter.drawRect(QRectF(4, 5, 12, 10));
        painter.setPen(Qt::NoPen);
        painter.setBrush(ink);
        for (const QPointF& corner :
             {QPointF(4, 5), QPointF(16, 5), QPointF(4, 15), QPointF(16, 15)}) {
            painter.drawRect(QRectF(corner - QPointF(1.75, 1.75), QSizeF(3.5, 3.5)));
        }
        break;
    case AnnotationTool::Polygon: { // an irregular outline with its vertices
        const QPointF vertices[] = {{3.5, 8}, {10, 3}, {16.5, 7}, {14.5, 16.5}, {5.5, 15}};
        painter.drawPolygon(vertices, 5);
        painter.setPen(Qt::NoPen);
        painter.setBrush(ink);
        for (const QPointF& vertex : vertices) {
            painter.drawEllipse(vertex, 1.8, 1.8);
        }
        break;
    }
    case AnnotationTool::Brush: // a round brush tip and the stroke it leaves
        painter.setBrush(ink);
        painter.setPen(Qt::NoPen);
        painter.drawEllipse(QPointF(13, 7), 4.5, 4.5);
        pen.setWidthF(3.0);
        painter.setPen(pen);
        painter.setBrush(Qt::NoBrush);
        painter.drawLine(QPointF(10, 10.5), QPointF(3.5, 17));
        break;
    case AnnotationTool::Eraser: { // a tilted block, its working end solid
        painter.translate(10, 10);
        painter.rotate(-45);
        painter.drawRect(QRectF(-7.5, -3.5, 15, 7));
        painter.setBrush(ink);
        painter.drawRect(QRectF(-7.5, -3.5, 6, 7));
        painter.resetTransform();
        break;
    }
    case AnnotationTool::Fill: { // a filled drop
        QPainterPath drop;
        drop.moveTo(10, 2.5);
        drop.cubicTo(12.5, 6.5, 15.5, 9.5, 15.5, 12.5);
        drop.arcTo(QRectF(4.5, 7, 11, 11), 0, -180);
        drop.cubicTo(4.5, 9.5, 7.5, 6.5, 10, 2.5);
        painter.setPen(Qt::NoPen);
        painter.setBrush(ink);
        painter.drawPath(drop);
        break;
    }
    }
}

// An open eye: the shapes are drawn.
void drawEyeIcon(QPainter& painter, const QColor& ink) {
    QPen pen(ink, 1.5);
    pen.setJoinStyle(Qt::RoundJoin);
    painter.setPen(pen);
    painter.setBrush(Qt::NoBrush);
    QPainterPath outline;
    outline.moveTo(2, 10);
    outline.quadTo(10, 2, 18, 10);
    outline.quadTo(10, 18, 2, 10);
    painter.drawPath(outline);
    painter.setPen(Qt::NoPen);
    painter.setBrush(ink);
    painter.drawEllipse(QPointF(10, 10), 3, 3);
}

} // namespace

// Crisp at the screen's pixel ratio and at twice it (QIcon picks the nearest pixmap).
QIcon paintedIcon(double pixelRatio, const std::function<void(QPainter&)>& draw) {
    QIcon icon;
    for (const double ratio : {pixelRatio, 2 * pixelRatio}) {
        const int side = int(std::ceil(kIconSize * ratio));
        QPixmap pixmap(side, side);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.scale(side / kIconGrid, side / kIconGrid);
        draw(painter);
        painter.end();
        pixmap.setDevicePixelRatio(ratio);
        icon.addPixmap(pixmap);
    }
    return icon;
}

QIcon toolIcon(AnnotationTool tool, const QColor& ink, double pixelRatio) {
    return paintedIcon(pixelRatio, [&](QPainter& painter) { drawToolIcon(painter, tool, ink); });
}

QIcon eyeIcon(const QColor& ink, double pixelRatio) {
    return paintedIcon(pixelRatio, [&](QPainter& painter) { drawEyeIcon(painter, ink); });
}

} // namespace kestrel::widgets
