#pragma once

#include "inspection_data.h"

#include <QWidget>

class QLabel;
class QSlider;
class QTimer;

namespace kestrel::widgets {

// The line's view of a run: the threshold on P(not good) that catches a target share of the
// validation defects ("targetRecall", a slider from 90% to 100%), and what it lets escape and
// wrongly rejects on validation and test images ("operatingRates"). The figures follow the
// slider at once; targetChosen reports the target once the slider rests, to keep with the run.
class OperatingPointPanel : public QWidget {
    Q_OBJECT
public:
    explicit OperatingPointPanel(QWidget* parent = nullptr);

    // Shows the panel, with a hint in place of figures when `data` is empty.
    void setData(const InspectionData& inspection);
    void clear(); // and hides the panel
    double target() const;
    QString ratesText() const;

signals:
    void targetChosen(double target);

private:
    void showRates();

    InspectionData data_;
    QSlider* slider_ = nullptr;
    QLabel* targetLabel_ = nullptr;
    QLabel* rates_ = nullptr;
    QTimer* settle_ = nullptr;
};

} // namespace kestrel::widgets
