#pragma once

#include "train/checkpoint.h"

#include <string>

namespace kestrel::train {

// What the best checkpoint is judged by: the monitored figure, and validation loss to break
// its ties.
struct BestEpochRule {
    std::string monitor; // "val_accuracy", "val_loss", ...
    bool higherIsBetter = true;
};

// Whether an epoch's validation beats the best so far in `progress`. A monitored figure that
// only ties the best wins when its validation loss is lower: on a small validation set accuracy
// reaches its ceiling within a few epochs, and without the tie-break the best checkpoint stays
// at the first, under-trained epoch that got there.
bool improvesOnBest(const BestEpochRule& rule, double value, double validationLoss,
                    const CheckpointProgress& progress);

} // namespace kestrel::train
