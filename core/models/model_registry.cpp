#include "models/model_registry.h"

#include "common/error.h"
#include "models/small_cnn.h"

#include <functional>

namespace kestrel::models {

namespace {

using Factory = std::function<ClassifierPtr(int classes, int inputChannels)>;

struct Entry {
    ArchitectureInfo info;
    Factory create;
};

const std::vector<Entry>& entries() {
    static const std::vector<Entry> all = {
        {{"smallcnn", "a fast 5-conv CNN for small images (28-96 px)", 28, 16},
         [](int classes, int channels) {
             return std::make_shared<SmallCnn>(classes, channels);
         }},
    };
    return all;
}

const Entry& entry(const std::string& name) {
    for (const auto& candidate : entries()) {
        if (candidate.info.name == name) {
            return candidate;
        }
    }
    std::string known;
    for (const auto& candidate : entries()) {
        known += (known.empty() ? "" : ", ") + candidate.info.name;
    }
    throw Error(ErrorKind::InvalidArgument,
                "Unknown model \"" + name + "\"; the models are: " + known + ".");
}

} // namespace

const std::vector<ArchitectureInfo>& architectures() {
    static const std::vector<ArchitectureInfo> infos = [] {
        std::vector<ArchitectureInfo> all;
        for (const auto& candidate : entries()) {
            all.push_back(candidate.info);
        }
        return all;
    }();
    return infos;
}

const ArchitectureInfo& architecture(const std::string& name) {
    return entry(name).info;
}

ClassifierPtr createClassifier(const ClassifierSpec& spec) {
    const Entry& found = entry(spec.architecture);
    if (spec.classes < 2) {
        throw Error(ErrorKind::InvalidArgument, "A classifier needs at least 2 classes, not " +
                                                    std::to_string(spec.classes) + ".");
    }
    if (spec.inputChannels != 1 && spec.inputChannels != 3) {
        throw Error(ErrorKind::InvalidArgument,
                    "Models take 1 (gray) or 3 (RGB) input channels, not " +
                        std::to_string(spec.inputChannels) + ".");
    }
    return found.create(spec.classes, spec.inputChannels);
}

} // namespace kestrel::models
