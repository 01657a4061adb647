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

class LrSchedule {
public:
    LrSchedule(LrScheduleOptions options, std::int64_t stepsPerEpoch, std::int64_t epochs);
    // The learning rate for optimizer step `step` (0-based, counting over all epochs).
    double at(std::int64_t step) const;
    const LrScheduleOptions& options() const { return options_; }

private:
    LrScheduleOptions options_;
    std::int64_t stepsPerEpoch_;
    std::int64_t totalSteps_;
};

// "constant", "step", "cosine", "onecycle"; throws kestrel::Error (InvalidArgument) otherwise.
LrScheduleOptions::Kind parseLrScheduleKind(const std::string& name);
std::string toString(LrScheduleOptions::Kind kind);

} // namespace kestrel::train
