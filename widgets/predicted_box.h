#pragma once

#include <QMetaType>
#include <QRectF>
#include <QString>
#include <QVector>

namespace kestrel::widgets {

// A detector's box as the viewer draws it: in the image's pixels, with its class and score.
struct PredictedBox {
    QString className;
    int classIndex = 0; // picks the colour
    double score = 0;   // 0..1
    QRectF rect;        // corners in image pixels
};

using PredictedBoxes = QVector<PredictedBox>;

} // namespace kestrel::widgets

Q_DECLARE_METATYPE(kestrel::widgets::PredictedBoxes)
