#include "sample_grid_delegate.h"

#include "sample_model.h"

#include <algorithm>

#include <QApplication>
#include <QImage>
#include <QPainter>
#include <QTransform>

namespace kestrel::widgets {

namespace {

constexpr int kMargin = 4;
constexpr int kTextHeight = 16;

// More shapes than this on one thumbnail read as a blur: the rest are left out, so a
// thousand-shape sample paints as fast as any.
constexpr std::size_t kMaxOutlinesDrawn = 200;

// The sample's shapes over its thumbnail (`target`, the image's rectangle in the cell), in
// class colours: boxes and polygons as outlines, masks by their bounds, dashed.
void paintOutlines(QPainter* painter, const QModelIndex& index, const QRect& target) {
    const auto* model = qobject_cast<const SampleModel*>(index.model());
    const auto* outlines =
        model ? model->shapeOutlines(index.data(SampleModel::SampleIdRole).toLongLong()) : nullptr;
    if (!outlines || outlines->empty()) {
        return;
    }
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setBrush(Qt::NoBrush);
    QTransform toCell;
    toCell.translate(target.left(), target.top());
    toCell.scale(target.width(), target.height());
    std::int64_t lastClass = -1;
    QPen pen;
    pen.setWidthF(1.5);
    pen.setCosmetic(true);
    const std::size_t count = std::min(outlines->size(), kMaxOutlinesDrawn);
    for (std::size_t i = 0; i < count; ++i) {
        const ShapeOutline& outline = (*outlines)[i];
        if (outline.classId != lastClass) {
            const auto* info = model->classInfo(outline.classId);
            pen.setColor(info ? QColor(QString::fromStdString(info->color)) : QColor(Qt::yellow));
            lastClass = outline.classId;
        }
        pen.setStyle(outline.kind == annotations::ShapeKind::Mask ? Qt::DashLine : Qt::SolidLine);
        painter->setPen(pen);
        if (outline.kind == annotations::ShapeKind::Polygon && outline.points.size() >= 3) {
            painter->drawPolygon(toCell.map(outline.points));
        } else {
            painter->drawRect(toCell.mapRect(outline.bounds));
        }
    }
    painter->setRenderHint(QPainter::Antialiasing, false);
}

// White text on dark class colours, black on light ones.
QColor textColorOn(const QColor& background) {
    return background.lightnessF() < 0.6 ? Qt::white : Qt::black;
}

} // namespace

QSize SampleGridDelegate::sizeHint(const QStyleOptionViewItem&, const QModelIndex&) const {
    return {kThumbnailSide + 2 * kMargin, kThumbnailSide + 2 * kTextHeight + 3 * kMargin};
}

void SampleGridDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                               const QModelIndex& index) const {
    painter->save();
    const QRect cell = option.rect;
    const QPalette& palette = option.palette;
    const bool selected = option.state & QStyle::State_Selected;
    painter->fillRect(cell, selected ? palette.highlight() : palette.base());

    const QRect frame(cell.left() + kMargin, cell.top() + kMargin, kThumbnailSide, kThumbnailSide);
    painter->fillRect(frame, QColor(0x2b, 0x2b, 0x2b));
    const QVariant decoration = index.data(Qt::DecorationRole);
    if (index.data(SampleModel::UnreadableRole).toBool()) {
        painter->setPen(QColor(0xe0, 0x60, 0x50));
        painter->drawText(frame, Qt::AlignCenter | Qt::TextWordWrap, tr("cannot be\nread"));
    } else if (index.data(SampleModel::NoPictureRole).toBool()) {
        // Readable at import, not now: moved, deleted or damaged since. The tooltip and
        // the viewer say which.
        painter->setPen(QColor(0xe0, 0x60, 0x50));
        painter->drawText(frame, Qt::AlignCenter | Qt::TextWordWrap,
                          tr("file missing\nor damaged"));
    } else if (decoration.canConvert<QImage>() && !decoration.value<QImage>().isNull()) {
        const QImage image = decoration.value<QImage>();
        const QSize size = image.size().scaled(frame.size(), Qt::KeepAspectRatio);
        const QRect target(frame.center().x() - size.width() / 2 + 1,
                           frame.center().y() - size.height() / 2 + 1, size.width(), size.height());
        painter->setRenderHint(QPainter::SmoothPixmapTransform);
        painter->drawImage(target, image);
        painter->save();
        painter->setClipRect(frame);
        paintOutlines(painter, index, target);
        painter->restore();
    }
    if (const QString score = index.data(SampleModel::ScoreTextRole).toString(); !score.isEmpty()) {
        // The prediction's confidence (or anomaly score), so the most confident mistakes
        // stand out.
        const int width = option.fontMetrics.horizontalAdvance(score) + 6;
        const QRect badge(frame.right() - width, frame.top(), width, kTextHeight);
        painter->fillRect(badge, QColor(0, 0, 0, 170));
        painter->setPen(Qt::white);
        painter->drawText(badge, Qt::AlignCenter, score);
    } else if (const QString review = index.data(SampleModel::ReviewBadgeRole).toString();
               !review.isEmpty()) {
        // What the run predicted, red when it disagrees with the label; orange for a likely
        // label error with the audit's suggested class.
        const int flag = index.data(SampleModel::ReviewFlagRole).toInt();
        const QString text = option.fontMetrics.elidedText(review, Qt::ElideRight, frame.width());
        const int width = option.fontMetrics.horizontalAdvance(text) + 6;
        const QRect badge(frame.left(), frame.bottom() - kTextHeight + 1, width, kTextHeight);
        painter->fillRect(badge, flag == 2   ? QColor(0xd9, 0x7a, 0x00, 230)
                                 : flag == 1 ? QColor(0xc0, 0x39, 0x2b, 230)
                                             : QColor(0, 0, 0, 170));
        painter->setPen(Qt::white);
        painter->drawText(badge, Qt::AlignCenter, text);
    }
    if (index.data(SampleModel::DuplicateRole).toBool()) {
        painter->setPen(QColor(0xf2, 0x8e, 0x2b));
        painter->drawRect(frame.adjusted(0, 0, -1, -1));
    }

    QRect line(cell.left() + kMargin, frame.bottom() + kMargin, kThumbnailSide, kTextHeight);
    painter->setPen(selected ? palette.highlightedText().color() : palette.text().color());
    const QString name = index.data(Qt::DisplayRole).toString();
    painter->drawText(line, Qt::AlignLeft | Qt::AlignVCenter,
                      option.fontMetrics.elidedText(name, Qt::ElideMiddle, line.width()));

    line.translate(0, kTextHeight + 1);
    const QString label = index.data(SampleModel::ClassNameRole).toString();
    const QString split = index.data(SampleModel::SplitRole).toString();
    const unsigned shapeKinds = index.data(SampleModel::ShapeKindsRole).toUInt();
    if (!label.isEmpty()) {
        const QColor color = index.data(SampleModel::ClassColorRole).value<QColor>();
        painter->fillRect(line, color);
        painter->setPen(textColorOn(color));
    } else if (shapeKinds == 0) {
        painter->setPen(palette.color(QPalette::Disabled, QPalette::Text));
    }
    const QRect inner = line.adjusted(3, 0, -3, 0);
    const QString caption = label.isEmpty() ? SampleModel::unlabelledCaption(shapeKinds) : label;
    painter->drawText(inner, Qt::AlignLeft | Qt::AlignVCenter,
                      option.fontMetrics.elidedText(caption, Qt::ElideRight, inner.width() - 30));
    painter->drawText(inner, Qt::AlignRight | Qt::AlignVCenter, split);
    painter->restore();
}

} // namespace kestrel::widgets
