#pragma once

#include <QImage>
#include <QString>
#include <QWidget>

class QLabel;
class QSlider;
class QToolButton;

namespace kestrel::widgets {

// A gray heat map (Format_Grayscale8: 0 cold, 255 hot) in Turbo colours (Google's
// improved rainbow: dark blue through green and yellow to dark red), as an opaque RGB32
// image of the same size. Any other format is converted to gray first. Pure: the app may
// call it on a worker thread so that a large map is not coloured on the GUI thread.
QImage colourHeatMap(const QImage& heat);

// The viewer's Grad-CAM controls, one compact row: a checkable "Grad-CAM" button, the
// overlay's opacity (0-100 %) and a short status ("Computing…", what the map explains, an
// error). Neither control takes the keyboard focus: arrow keys stay with the viewer.
class SaliencyBar : public QWidget {
    Q_OBJECT
public:
    // What the overlay is: Grad-CAM of a classifier, an anomaly detector's map, a
    // segmentation model's predicted defect probability ("Predicted mask"), or a detector's
    // boxes ("Predicted boxes"), for which the slider is the lowest score shown rather than
    // an opacity.
    enum class Kind { GradCam, AnomalyMap, PredictedMask, DetectedBoxes };

    explicit SaliencyBar(QWidget* parent = nullptr);

    bool isOn() const;
    // Turning it off by code emits toggled(false) as a click would.
    void setOn(bool on);
    // Off and disabled with `reason` as the button's tooltip, or enabled again.
    void setAvailable(bool available, const QString& reason);
    void setStatus(const QString& text);
    QString status() const;
    void setKind(Kind kind); // names the button and its tooltip after the map
    Kind kind() const { return kind_; }

    double opacity() const; // 0..1; for boxes, the lowest score shown
    void setOpacity(double opacity);

signals:
    void toggled(bool on);
    void opacityChanged(double opacity);

private:
    QToolButton* button_ = nullptr;
    Kind kind_ = Kind::GradCam;
    QSlider* slider_ = nullptr;
    QLabel* status_ = nullptr;
};

} // namespace kestrel::widgets
