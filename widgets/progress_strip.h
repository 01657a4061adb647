#pragma once

#include <QWidget>

namespace kestrel::widgets {

// A progress bar drawn by the style, updated with update() rather than QProgressBar's
// synchronous repaint(): a live run changes it 20 times a second, and each synchronous
// repaint cost the GUI thread 1-6 ms under X11 (measured with bench/training_gui_bench.sh).
class ProgressStrip : public QWidget {
    Q_OBJECT
public:
    explicit ProgressStrip(QWidget* parent = nullptr);

    void setProgress(double fraction, const QString& text); // fraction in [0, 1]
    double fraction() const { return fraction_; }
    QString text() const { return text_; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    double fraction_ = 0;
    QString text_;
};

} // namespace kestrel::widgets
