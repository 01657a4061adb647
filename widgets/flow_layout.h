#pragma once

#include <QLayout>
#include <QList>

namespace kestrel::widgets {

// Lays its widgets out left to right and wraps to a new row when the width runs out, so a
// row of buttons stays whole (no clipped labels) in a narrow pane and takes one line in a
// wide one. Its height follows its width (heightForWidth), which box layouts honour.
class FlowLayout : public QLayout {
public:
    explicit FlowLayout(QWidget* parent = nullptr);
    ~FlowLayout() override;
    FlowLayout(const FlowLayout&) = delete;
    FlowLayout& operator=(const FlowLayout&) = delete;

    void addItem(QLayoutItem* item) override;
    int count() const override { return static_cast<int>(items_.size()); }
    QLayoutItem* itemAt(int index) const override { return items_.value(index); }
    QLayoutItem* takeAt(int index) override;

    Qt::Orientations expandingDirections() const override { return {}; }
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize minimumSize() const override; // the widest item: every other one may wrap
    QSize sizeHint() const override;    // all on one row
    void setGeometry(const QRect& rect) override;

private:
    // Places the items in `rect` (only measures when `apply` is false); returns the height.
    int arrange(const QRect& rect, bool apply) const;

    QList<QLayoutItem*> items_;
};

} // namespace kestrel::widgets
