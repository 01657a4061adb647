#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <QRect>
#include <QString>
#include <QWidget>

class QFocusEvent;
class QKeyEvent;
class QMouseEvent;
class QPainter;
class QPaintEvent;

namespace kestrel::widgets {

// A histogram of normalised anomaly scores: 20 equal bins over [0, 1], each with a green bar
// for good parts and a red one for defects side by side, under a threshold line. Parts at or
// right of the line are called defects (NG, the shaded side). The line is dragged with the
// mouse (press on it or its handle), moved with Left/Right (0.01; with Shift 0.05), and Home
// puts it back to the run's 0.5. Clicking a bar asks for its parts; hovering one says how
// many there are.
class ScoreHistogramView : public QWidget {
    Q_OBJECT
public:
    // Every anomaly run's normalised threshold: scores are normalised so the run calls a part
    // a defect at 0.5 and above.
    static constexpr double kRunThreshold = 0.5;
    static constexpr int kBins = 20;

    struct Bar {
        int bin = 0;
        bool defect = false;
        bool operator==(const Bar& other) const {
            return bin == other.bin && defect == other.defect;
        }
        bool operator!=(const Bar& other) const { return !(*this == other); }
    };

    explicit ScoreHistogramView(QWidget* parent = nullptr);

    // The bin a score is counted in: bin i holds [i/20, (i+1)/20), 1.0 the last; scores
    // outside [0, 1] are counted in the end bins. The one rule for painting and listing.
    static int binOf(double score);
    static QString binRangeText(int bin);   // "0.45–0.50"
    static QString scoreText(double value); // "0.5" as "0.50"; more digits only when needed

    // Scores and their truth (non-zero: defect), one each; keeps the threshold.
    void setScores(const std::vector<float>& scores, const std::vector<std::uint8_t>& defect);
    void clear();
    bool isEmpty() const { return total_ == 0; }

    int binCount() const { return kBins; }
    std::int64_t count(int bin, bool defect) const; // 0 outside the bins

    double threshold() const { return threshold_; }
    void setThreshold(double threshold); // clamped to [0, 1]; emits thresholdChanged on change

    // Widget coordinates, for tests and tooltips. barRect is the painted bar: null when the
    // bin is empty or the plot does not fit.
    QRect plotRect() const;
    QRect barRect(int bin, bool defect) const;
    int thresholdX() const;
    std::optional<Bar> barAt(const QPoint& pos) const;
    QString barToolTip(int bin, bool defect) const; // "12 good parts score 0.45–0.50"

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    void thresholdChanged(double threshold);
    void barClicked(int bin, bool defect);

protected:
    bool event(QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void focusInEvent(QFocusEvent* event) override;
    void focusOutEvent(QFocusEvent* event) override;

private:
    // Where everything goes at the current size; plot is null when nothing fits.
    struct Layout {
        QRect plot;           // the bars' area; the axis runs under its bottom row
        QRect legend;         // top right, null when there is no room
        bool legendNg = true; // the "NG" key fits too
        std::int64_t axisMax = 1;
        std::int64_t axisStep = 1;
    };
    Layout layout() const;
    int binLeft(const QRect& plot, int bin) const;
    int xOf(const QRect& plot, double value) const;
    int yOf(const Layout& l, std::int64_t count) const;
    QRect barRectIn(const Layout& l, int bin, bool defect) const;
    QRect valueBox(const Layout& l) const; // the threshold's value under the axis
    bool onThreshold(const QPoint& pos) const;
    double thresholdAtX(int x) const;
    void setHovered(std::optional<Bar> bar);
    void updateDescription();

    void paintEmpty(QPainter& painter) const;
    void paintAxes(QPainter& painter, const Layout& l) const;
    void paintBars(QPainter& painter, const Layout& l) const;
    void paintThreshold(QPainter& painter, const Layout& l) const;
    void paintLegend(QPainter& painter, const Layout& l) const;

    std::vector<std::int64_t> good_ = std::vector<std::int64_t>(kBins);
    std::vector<std::int64_t> defect_ = std::vector<std::int64_t>(kBins);
    std::int64_t total_ = 0;
    double threshold_ = kRunThreshold;
    std::optional<Bar> hovered_;
    std::optional<Bar> pressedBar_; // a left press on a bar: a click if released there
    bool grabbed_ = false;          // a left press on the line: a drag once it moves
    bool dragging_ = false;
    QPoint pressPos_;
    int grabOffset_ = 0; // press x minus the line's x, so the line does not jump to the cursor
};

} // namespace kestrel::widgets
