#include "train/lr_schedule.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>

namespace kestrel::train {

namespace {

constexpr double kPi = 3.14159265358979323846;

// Cosine from 1 at progress 0 to 0 at progress 1.
double cosineFall(double progress) {
    return 0.5 * (1.0 + std::cos(kPi * std::clamp(progress, 0.0, 1.0)));
}

// As torch.optim.lr_scheduler.OneCycleLR with cosine annealing: start at peak/25, reach the
// peak after `warmupFraction` of the steps, end at peak/(25 * 1e4).
double oneCycle(double peak, double step, double totalSteps, double warmupFraction) {
    const double start = peak / 25;
    const double end = start / 1e4;
    const double rise = std::max(warmupFraction * totalSteps - 1, 1.0);
    if (step <= rise) {
        return peak + (start - peak) * cosineFall(step / rise);
    }
    const double fall = std::max(totalSteps - 1 - rise, 1.0);
    return end + (peak - end) * cosineFall((step - rise) / fall);
}

} // namespace

LrSchedule::LrSchedule(LrScheduleOptions options, std::int64_t stepsPerEpoch, std::int64_t epochs,
                       LrRestart restart)
    : options_(options), restart_(restart),
      stepsPerEpoch_(std::max<std::int64_t>(stepsPerEpoch, 1)),
      totalSteps_(std::max<std::int64_t>(stepsPerEpoch_ * epochs, 1)),
      restartStep_(restart.epochs > 0 && restart.epochs < epochs
                       ? stepsPerEpoch_ * (epochs - restart.epochs)
                       : totalSteps_) {
    if (!(options_.baseLr > 0) || !std::isfinite(options_.baseLr)) {
        throw Error(ErrorKind::InvalidArgument,
                    "The learning rate must be a positive number, not " +
                        std::to_string(options_.baseLr) + ".");
    }
}

double LrSchedule::at(std::int64_t step) const {
    const double s = static_cast<double>(std::max<std::int64_t>(step, 0));
    if (stageStart(step) > 0) {
        return oneCycle(options_.baseLr * restart_.fraction,
                        static_cast<double>(step - restartStep_),
                        static_cast<double>(totalSteps_ - restartStep_), options_.warmupFraction);
    }
    return mainAt(s, static_cast<double>(restartStep_));
}

std::int64_t LrSchedule::stageStart(std::int64_t step) const {
    return restartStep_ < totalSteps_ && step >= restartStep_ ? restartStep_ : 0;
}

double LrSchedule::mainAt(double s, double totalSteps) const {
    const double base = options_.baseLr;
    switch (options_.kind) {
    case LrScheduleOptions::Kind::Constant:
        return base;
    case LrScheduleOptions::Kind::Step: {
        const double epoch = std::floor(s / static_cast<double>(stepsPerEpoch_));
        const double drops = std::floor(epoch / std::max(options_.stepEpochs, 1));
        return base * std::pow(options_.gamma, drops);
    }
    case LrScheduleOptions::Kind::Cosine: {
        const double warmup =
            std::min(options_.warmupEpochs * static_cast<double>(stepsPerEpoch_), totalSteps / 2);
        if (s < warmup) {
            return base * (s + 1) / warmup;
        }
        const double span = std::max(totalSteps - warmup - 1, 1.0);
        const double floor = base * options_.finalFraction;
        return floor + (base - floor) * cosineFall((s - warmup) / span);
    }
    case LrScheduleOptions::Kind::OneCycle:
        return oneCycle(base, s, totalSteps, options_.warmupFraction);
    }
    return base;
}

LrScheduleOptions::Kind parseLrScheduleKind(const std::string& name) {
    if (name == "constant") {
        return LrScheduleOptions::Kind::Constant;
    }
    if (name == "step") {
        return LrScheduleOptions::Kind::Step;
    }
    if (name == "cosine") {
        return LrScheduleOptions::Kind::Cosine;
    }
    if (name == "onecycle") {
        return LrScheduleOptions::Kind::OneCycle;
    }
    throw Error(ErrorKind::InvalidArgument, "Unknown learning-rate schedule \"" + name +
                                                "\"; use constant, step, cosine or onecycle.");
}

std::string toString(LrScheduleOptions::Kind kind) {
    switch (kind) {
    case LrScheduleOptions::Kind::Constant:
        return "constant";
    case LrScheduleOptions::Kind::Step:
        return "step";
    case LrScheduleOptions::Kind::Cosine:
        return "cosine";
    case LrScheduleOptions::Kind::OneCycle:
        return "onecycle";
    }
    return "cosine";
}

} // namespace kestrel::train
