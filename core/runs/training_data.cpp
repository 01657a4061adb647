#include "runs/training_data.h"

#include "annotations/shape_json.h"
#include "common/error.h"
#include "dataset/content_hash.h"
#include "dataset/sample_query.h"
#include "project/project.h"
#include "runs/detection_data.h"
#include "runs/segmentation_data.h"
#include "store/project_repository.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace kestrel::runs {

namespace {

constexpr const char* kStoredPath = "stored_path";
constexpr const char* kAbsolutePath = "absolute_path";

std::vector<loader::LoaderSample> loaderSamples(const dataset::LabelledSamples& labelled) {
    std::vector<loader::LoaderSample> samples;
    samples.reserve(labelled.samples.size());
    for (const auto& sample : labelled.samples) {
        samples.push_back({sample.file.string(), sample.classIndex, sample.id, sample.key});
    }
    return samples;
}

const std::string& identityOf(const loader::LoaderSample& sample, SampleIdentity identity) {
    return identity == SampleIdentity::StoredPath ? sample.key : sample.path;
}

void holdOutValidation(std::vector<loader::LoaderSample>& train,
                       std::vector<loader::LoaderSample>& validation, std::uint64_t seed,
                       double fraction, SampleIdentity identity) {
    std::map<std::int64_t, std::vector<std::pair<std::string, loader::LoaderSample>>> byClass;
    const std::string salt = std::to_string(seed) + "/";
    for (auto& sample : train) {
        byClass[sample.label].emplace_back(
            dataset::contentHash(salt + identityOf(sample, identity)), sample);
    }
    train.clear();
    for (auto& [label, members] : byClass) {
        std::sort(members.begin(), members.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        // At least one per class for validation, but never a class's only sample.
        auto held = static_cast<std::size_t>(std::lround(fraction * members.size()));
        held = std::clamp<std::size_t>(held, members.size() > 1 ? 1 : 0, members.size() - 1);
        for (std::size_t i = 0; i < members.size(); ++i) {
            (i < held ? validation : train).push_back(members[i].second);
        }
    }
    // Keep the project's order (by identity) so batches do not depend on the hash order.
    const auto inOrder = [identity](const auto& a, const auto& b) {
        return identityOf(a, identity) < identityOf(b, identity);
    };
    std::sort(train.begin(), train.end(), inOrder);
    std::sort(validation.begin(), validation.end(), inOrder);
}

// XXH3 of the classes and every sample's identity, label, split and regions.
std::string fingerprintOf(const train::TrainingData& data, SampleIdentity identity) {
    std::string text;
    const auto add = [&](const std::vector<loader::LoaderSample>& samples, char split) {
        for (const auto& sample : samples) {
            text += identityOf(sample, identity);
            text += '\t';
            text += std::to_string(sample.label);
            text += '\t';
            text += split;
            text += '\n';
            // Segmentation and detection: a moved or redrawn region changes what the run
            // learns.
            for (const auto& region : sample.regions) {
                text += std::to_string(region.value) + ' ' +
                        annotations::geometryJson(region.shape) + '\n';
            }
            for (const auto& box : sample.boxes) {
                text += std::to_string(box.category) + ' ' + std::to_string(box.box.x) + ' ' +
                        std::to_string(box.box.y) + ' ' + std::to_string(box.box.width) + ' ' +
                        std::to_string(box.box.height) + '\n';
            }
        }
    };
    for (const auto& name : data.classes) {
        text += name + '\n';
    }
    add(data.train, 't');
    add(data.validation, 'v');
    add(data.test, 'x');
    return dataset::contentHash(text);
}

} // namespace

void finishTrainingData(Project& project, ProjectTrainingData& result, std::uint64_t seed,
                        SampleIdentity identity, double holdoutFraction) {
    result.validationSource = "val split";
    if (result.data.validation.empty() && holdoutFraction > 0 && !result.data.train.empty()) {
        holdOutValidation(result.data.train, result.data.validation, seed, holdoutFraction,
                          identity);
        result.validationSource = "held out from train";
    }
    result.fingerprint = fingerprintOf(result.data, identity);
    result.datasetVersion = store::ProjectRepository(project.database()).datasetVersion();
}

std::string toString(SampleIdentity identity) {
    return identity == SampleIdentity::StoredPath ? kStoredPath : kAbsolutePath;
}

SampleIdentity sampleIdentityOf(const std::map<std::string, std::string>& params) {
    const auto found = params.find(kSampleIdentityParam);
    if (found == params.end() || found->second == kAbsolutePath) {
        return SampleIdentity::AbsolutePath;
    }
    if (found->second == kStoredPath) {
        return SampleIdentity::StoredPath;
    }
    throw Error(ErrorKind::InvalidArgument,
                "The run names its samples by \"" + found->second +
                    "\", which this version of Kestrel does not know; use a newer one.");
}

ProjectTrainingData loadTrainingData(Project& project, std::uint64_t seed, SampleIdentity identity,
                                     double holdoutFraction) {
    ProjectTrainingData result;
    auto train = dataset::labelledSamples(project, std::string("train"));
    result.data.classes = train.classes;
    result.data.train = loaderSamples(train);
    result.data.validation = loaderSamples(dataset::labelledSamples(project, std::string("val")));
    result.data.test = loaderSamples(dataset::labelledSamples(project, std::string("test")));
    finishTrainingData(project, result, seed, identity, holdoutFraction);
    return result;
}

ProjectTrainingData loadTrainingData(Project& project, TaskKind task, std::uint64_t seed,
                                     SampleIdentity identity) {
    switch (task) {
    case TaskKind::Segmentation:
        return loadSegmentationData(project, seed, identity);
    case TaskKind::Detection:
        return loadDetectionData(project, seed, identity);
    case TaskKind::Classification:
    case TaskKind::Anomaly:
        break;
    }
    return loadTrainingData(project, seed, identity);
}

} // namespace kestrel::runs
