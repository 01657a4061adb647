#pragma once

// The form settings that make a run of the left/right task take a second on a laptop CPU.
#include "training_form.h"

#include <QCheckBox>
#include <QComboBox>
#include <QSpinBox>
#include <QTest>

namespace kestrel::testing {

// smallcnn at 16 px, batches of 16, `epochs` epochs and no augmentation: a mirror image
// swaps "left" and "right".
inline void chooseQuickSettings(widgets::TrainingForm* form, int epochs) {
    auto* model = form->findChild<QComboBox*>("model");
    model->setCurrentIndex(model->findText("smallcnn", Qt::MatchStartsWith));
    form->findChild<QSpinBox*>("imageSize")->setValue(16);
    form->findChild<QSpinBox*>("batchSize")->setValue(16);
    form->findChild<QSpinBox*>("epochs")->setValue(epochs);
    for (QCheckBox* box : form->findChildren<QCheckBox*>()) {
        if (box->objectName().startsWith("aug")) {
            box->setChecked(false);
        }
    }
    QVERIFY2(form->isValid(), qPrintable(form->firstProblem()));
}

} // namespace kestrel::testing
