#pragma once

#include <QStyledItemDelegate>

namespace kestrel::widgets {

// One cell of the thumbnail grid: the thumbnail (or a placeholder while it loads), the file
// name, and a bar in the class colour with the class name, so labels read at a glance.
class SampleGridDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    static constexpr int kThumbnailSide = 112;

    using QStyledItemDelegate::QStyledItemDelegate;

    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
};

} // namespace kestrel::widgets
