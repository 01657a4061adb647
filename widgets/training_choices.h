#pragma once

#include <QString>

namespace kestrel::widgets {

// A model the training form offers; the app fills these from core's model registry.
struct ModelChoice {
    QString name;        // "resnet18"
    QString description; // shown as the item's tooltip
    int defaultImageSize = 224;
    int minImageSize = 32;     // smaller inputs shrink to nothing inside the network
    QString pretrainedWeights; // the weights store's ImageNet file for it; empty when none
    int sizeMultiple = 1;      // sides must be multiples of it (a U-Net's skips line up)
    // The task's defaults for this model on this project, where they differ by model (a
    // detector's epochs follow its speed): picking the model sets them. 0 and empty: none.
    int defaultEpochs = 0;
    QString defaultsDescription = {};
};

// A device training can run on, as the app found them.
struct DeviceChoice {
    QString id;    // "cpu", "cuda:0"
    QString label; // "NVIDIA H100 (80 GB)"
    bool cuda = false;
};

} // namespace kestrel::widgets
