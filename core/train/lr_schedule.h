#pragma once

#include <cstdint>
#include <string>

namespace kestrel::train {

// How the learning rate moves over a run, as a pure function of the optimizer step, so a
// resumed run continues on exactly the same curve.
struct LrScheduleOptions {
    enum class Kind {
        Constant,
        Step,     // multiplied by `gamma` every `stepEpochs` epochs
        Cosine,   // linear warm-up, then cosine decay to `finalFraction` x base
        OneCycle, // cosine ramp from base/25 to base over `warmupFraction`, cosine down to ~0
    };
    Kind kind = Kind::Cosine;
    double baseLr = 0.01;
    double warmupEpochs = 1;     // Cosine
    double finalFraction = 0.0;  // Cosine: the last step's lr is base x this
    int stepEpochs = 10;         // Step
    double gamma = 0.1;          // Step
    double warmupFraction = 0.3; // OneCycle: share of all steps spent rising
};

// A run's last epochs on a short schedule of their own (TrainOptions::wholeImageEpochs): the
// main schedule runs its course over the epochs before them, then a second one-cycle at
// `fraction` of the base rate fine-tunes over these `epochs`.
struct LrRestart {
    std::int64_t epochs = 0; // 0: none
    double fraction = 0.1;
};

class LrSchedule {
public:
    LrSchedule(LrScheduleOptions options, std::int64_t stepsPerEpoch, std::int64_t epochs,
               LrRestart restart = {});
    // The learning rate for optimizer step `step` (0-based, counting over all epochs).
    double at(std::int64_t step) const;
    // The first step of the part of the schedule `step` is in: 0, or the restart's first.
    std::int64_t stageStart(std::int64_t step) const;
    const LrScheduleOptions& options() const { return options_; }

private:
    // The main schedule's rate at `step` of its `totalSteps`.
    double mainAt(double step, double totalSteps) const;

    LrScheduleOptions options_;
    LrRestart restart_;
    std::int64_t stepsPerEpoch_;
    std::int64_t totalSteps_;
    std::int64_t restartStep_; // the first step of the restart; totalSteps_ without one
};

// "constant", "step", "cosine", "onecycle"; throws kestrel::Error (InvalidArgument) otherwise.
LrScheduleOptions::Kind parseLrScheduleKind(const std::string& name);
std::string toString(LrScheduleOptions::Kind kind);

} // namespace kestrel::train
