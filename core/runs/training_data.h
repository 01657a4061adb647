#pragma once

#include "common/task_kind.h"
#include "train/trainer.h"

#include <cstdint>
#include <map>
#include <string>

namespace kestrel {
class Project;
}

namespace kestrel::runs {

// What names a sample where a run hashes it: the held-out validation split and the data
// fingerprint. A run records its scheme in the `sample_identity` parameter.
enum class SampleIdentity {
    // samples.path as stored (relative inside the project): moving or copying the project
    // folder changes neither. Every new run uses it.
    StoredPath,
    // The file's absolute path, which runs recorded before `sample_identity` existed hashed:
    // resuming or exporting such a run in its folder keeps its held-out samples and
    // fingerprint.
    AbsolutePath,
};

inline constexpr const char* kSampleIdentityParam = "sample_identity";
// "stored_path" or "absolute_path", the parameter's values.
std::string toString(SampleIdentity identity);
// The scheme a run's parameters record; AbsolutePath when they have none (an older run).
// Throws kestrel::Error (InvalidArgument) for a value this build does not know.
SampleIdentity sampleIdentityOf(const std::map<std::string, std::string>& params);

struct ProjectTrainingData {
    train::TrainingData data;
    // "val split", or "held out from train" when the project has no validation samples.
    std::string validationSource;
    // XXH3 of every (identity, class, split) the run sees: two runs with equal fingerprints
    // saw exactly the same samples and labels.
    std::string fingerprint;
    std::int64_t datasetVersion = 0;
    // Readable samples in a split the task cannot use (segmentation: no known pixels).
    std::int64_t skipped = 0;
};

// The project's readable, labelled samples by split. When the project has no validation
// split, `holdoutFraction` of each class's training samples is held out for validation,
// chosen by a hash of the sample's identity and `seed`, so the same seed always holds out
// the same samples (a resumed run validates on what it validated on before).
ProjectTrainingData loadTrainingData(Project& project, std::uint64_t seed,
                                     SampleIdentity identity = SampleIdentity::StoredPath,
                                     double holdoutFraction = 0.1);

// What a run of `task` trains on: loadTrainingData, or loadSegmentationData
// (runs/segmentation_data.h) for segmentation, loadDetectionData (runs/detection_data.h)
// for detection.
ProjectTrainingData loadTrainingData(Project& project, TaskKind task, std::uint64_t seed,
                                     SampleIdentity identity = SampleIdentity::StoredPath);

// The end every loader shares: holds out validation when the project has none, then the
// fingerprint and the dataset version.
void finishTrainingData(Project& project, ProjectTrainingData& result, std::uint64_t seed,
                        SampleIdentity identity, double holdoutFraction);

} // namespace kestrel::runs
