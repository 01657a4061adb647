#pragma once

#include "confusion_data.h"

#include <optional>
#include <utility>

#include <QRect>
#include <QString>
#include <QWidget>

class QFocusEvent;
class QKeyEvent;
class QMouseEvent;
class QPainter;
class QPaintEvent;

namespace kestrel::widgets {

// A confusion matrix drawn as a grid: rows are true classes, columns predicted ones. Correct
// predictions (the diagonal) shade white to blue and confusions white to orange-red, so
// mistakes stand out. Each cell shows its count, or in normalised mode its share of the true
// class's samples. Clicking a cell, or Enter/Space on the keyboard's current cell, asks for
// those samples; hovering tells the figures in words.
class ConfusionMatrixView : public QWidget {
    Q_OBJECT
public:
    using Cell = std::pair<int, int>; // (true class, predicted class)

    explicit ConfusionMatrixView(QWidget* parent = nullptr);

    // Keeps the current cell when it still exists.
    void setMatrix(const ConfusionData& confusion);
    void clear();
    const ConfusionData& matrix() const { return data_; }
    bool isEmpty() const { return data_.isEmpty(); }

    void setNormalized(bool normalized);
    bool isNormalized() const { return normalized_; }

    // Widget coordinates; nullopt off the grid or when empty.
    std::optional<Cell> cellAt(const QPoint& pos) const;
    QRect cellRect(int trueClass, int predictedClass) const; // null off the matrix
    // The text a cell shows in the current mode ("12", or "30%"), painted when it fits.
    QString cellText(int trueClass, int predictedClass) const;
    // "True scratch, predicted dent: 12 samples (30% of scratch)"
    QString cellToolTip(int trueClass, int predictedClass) const;
    bool isCellTextShown() const; // false when cells are too small for any text

    std::optional<Cell> currentCell() const { return current_; }
    void setCurrentCell(int trueClass, int predictedClass);
    std::optional<Cell> hoveredCell() const { return hovered_; }

    static QString emptyHint();

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    void cellActivated(int trueClass, int predictedClass);
    void normalizedChanged(bool normalized);

protected:
    bool event(QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void focusInEvent(QFocusEvent* event) override;
    void focusOutEvent(QFocusEvent* event) override;

private:
    static constexpr int kGap = 4;       // between a label and what it names
    static constexpr int kBarWidth = 10; // one legend bar
    static constexpr int kMinTextPixels = 7;

    // Where everything goes at the current size; cell is 0 when the grid does not fit.
    struct Layout {
        QRect grid;
        int cell = 0;
        QRect rowTitle;     // "True", rotated, left of the row labels
        QRect rowLabels;    // class names left of the grid
        QRect columnTitle;  // "Predicted", above the column labels
        QRect columnLabels; // class names above the grid
        bool rotatedColumns = false;
        QRect legend; // right of the grid; null when there is no room
    };
    Layout layout() const;
    int nameWidth() const;
    QString legendMaximumText() const;
    double shade(int trueClass, int predictedClass) const; // 0..1
    QFont cellFont(int cell) const;

    void paintGrid(QPainter& painter, const Layout& l) const;
    void paintLabels(QPainter& painter, const Layout& l) const;
    void paintLegend(QPainter& painter, const Layout& l) const;
    void paintEmpty(QPainter& painter) const;
    QString labelToolTip(const QPoint& pos, const Layout& l) const;
    void setHovered(std::optional<Cell> cell);
    void moveCurrent(int rowStep, int columnStep);

    ConfusionData data_;
    bool normalized_ = false;
    std::optional<Cell> current_;
    std::optional<Cell> hovered_;
    std::optional<Cell> pressed_; // the cell a left press began on
};

} // namespace kestrel::widgets
