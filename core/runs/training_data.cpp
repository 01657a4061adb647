#include "runs/training_data.h"

#include "dataset/content_hash.h"
#include "dataset/sample_query.h"
#include "project/project.h"
#include "store/sqlite.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace kestrel::runs {

namespace {

std::vector<loader::LoaderSample> loaderSamples(const dataset::LabelledSamples& labelled) {
    std::vector<loader::LoaderSample> samples;
    samples.reserve(labelled.samples.size());
    for (const auto& sample : labelled.samples) {
        samples.push_back({sample.file.string(), sample.classIndex, sample.id});
    }
    return samples;
}

void holdOut(std::vector<loader::LoaderSample>& train,
             std::vector<loader::LoaderSample>& validation, std::uint64_t seed, double fraction) {
    std::map<std::int64_t, std::vector<std::pair<std::string, loader::LoaderSample>>> byClass;
    const std::string salt = std::to_string(seed) + "/";
    for (auto& sample : train) {
        byClass[sample.label].emplace_back(dataset::contentHash(salt + sample.path), sample);
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
    // Keep the project's order (by path) so batches do not depend on the hash order.
    const auto byPath = [](const auto& a, const auto& b) {
        return a.path < b.path;
    };
    std::sort(train.begin(), train.end(), byPath);
    std::sort(validation.begin(), validation.end(), byPath);
}

std::string fingerprintOf(const train::TrainingData& data) {
    std::string text;
    const auto add = [&text](const std::vector<loader::LoaderSample>& samples, char split) {
        for (const auto& sample : samples) {
            text += sample.path;
            text += '\t';
            text += std::to_string(sample.label);
            text += '\t';
            text += split;
            text += '\n';
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

ProjectTrainingData loadTrainingData(Project& project, std::uint64_t seed, double holdoutFraction) {
    ProjectTrainingData result;
    auto train = dataset::labelledSamples(project, std::string("train"));
    result.data.classes = train.classes;
    result.data.train = loaderSamples(train);
    result.data.validation = loaderSamples(dataset::labelledSamples(project, std::string("val")));
    result.data.test = loaderSamples(dataset::labelledSamples(project, std::string("test")));
    result.validationSource = "val split";
    if (result.data.validation.empty() && holdoutFraction > 0 && !result.data.train.empty()) {
        holdOut(result.data.train, result.data.validation, seed, holdoutFraction);
        result.validationSource = "held out from train";
    }
    result.fingerprint = fingerprintOf(result.data);
    result.datasetVersion = project.database().queryInt("SELECT dataset_version FROM project");
    return result;
}

} // namespace kestrel::runs
