#include "train/best_epoch.h"

namespace kestrel::train {

bool improvesOnBest(const BestEpochRule& rule, double value, double validationLoss,
                    const CheckpointProgress& progress) {
    const bool better =
        rule.higherIsBetter ? value > progress.bestMetric : value < progress.bestMetric;
    if (better) {
        return true;
    }
    // Monitoring the loss itself, a tie is no better.
    return value == progress.bestMetric && rule.monitor != "val_loss" &&
           validationLoss < progress.bestLoss;
}

} // namespace kestrel::train
