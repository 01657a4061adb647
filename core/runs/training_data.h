#pragma once

#include "train/trainer.h"

#include <cstdint>
#include <string>

namespace kestrel {
class Project;
}

namespace kestrel::runs {

struct ProjectTrainingData {
    train::TrainingData data;
    // "val split", or "held out from train" when the project has no validation samples.
    std::string validationSource;
    // XXH3 of every (path, class, split) the run sees: two runs with equal fingerprints saw
    // exactly the same samples and labels.
    std::string fingerprint;
    std::int64_t datasetVersion = 0;
};

// The project's readable, labelled samples by split. When the project has no validation
// split, `holdoutFraction` of each class's training samples is held out for validation,
// chosen by a hash of the path and `seed`, so the same seed always holds out the same
// samples (a resumed run validates on what it validated on before).
ProjectTrainingData loadTrainingData(Project& project, std::uint64_t seed,
                                     double holdoutFraction = 0.1);

} // namespace kestrel::runs
