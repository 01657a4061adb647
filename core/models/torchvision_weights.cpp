#include "models/torchvision_weights.h"

#include "common/error.h"
#include "models/state_dict_reader.h"

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include <torch/csrc/api/include/torch/utils.h>

namespace kestrel::models {

namespace {

bool startsWith(const std::string& text, const std::string& prefix) {
    return text.compare(0, prefix.size(), prefix) == 0;
}

bool endsWith(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// BatchNorm's step counter: torchvision files from before it existed lack it, and it does
// not change what the model computes.
bool isBatchCounter(const std::string& name) {
    return endsWith(name, "num_batches_tracked");
}

std::string shape(const at::Tensor& tensor) {
    std::string text = "[";
    for (int64_t i = 0; i < tensor.dim(); ++i) {
        text += (i ? ", " : "") + std::to_string(tensor.size(i));
    }
    return text + "]";
}

// Same shape except for dimension `except`.
bool sameShapeBut(const at::Tensor& a, const at::Tensor& b, int64_t except) {
    if (a.dim() != b.dim() || a.dim() <= except) {
        return false;
    }
    for (int64_t i = 0; i < a.dim(); ++i) {
        if (i != except && a.size(i) != b.size(i)) {
            return false;
        }
    }
    return true;
}

std::string someOf(const std::vector<std::string>& names) {
    std::string text = "\"" + names.front() + "\"";
    if (names.size() > 1) {
        text += " (and " + std::to_string(names.size() - 1) + " more keys)";
    }
    return text;
}

// Whether any of the file's tensors has a name of the model's own.
bool namesAnyOf(const Classifier& model, const NamedTensors& tensors) {
    std::set<std::string> names;
    for (const auto& item : model.named_parameters(/*recurse=*/true)) {
        names.insert(item.key());
    }
    return std::any_of(tensors.begin(), tensors.end(),
                       [&](const auto& tensor) { return names.count(tensor.first) != 0; });
}

WeightImport loadInto(Classifier& model, const NamedTensors& tensors,
                      const std::filesystem::path& file) {
    std::vector<std::string> modelNames; // in the model's order, for error messages
    std::map<std::string, at::Tensor> targets;
    for (const auto& item : model.named_parameters(/*recurse=*/true)) {
        modelNames.push_back(item.key());
        targets.emplace(item.key(), item.value());
    }
    for (const auto& item : model.named_buffers(/*recurse=*/true)) {
        modelNames.push_back(item.key());
        targets.emplace(item.key(), item.value());
    }

    const std::string headPrefix = model.headName() + ".";
    const std::string stemWeight = model.stemName() + ".weight";
    const std::string architecture = model.architecture();
    WeightImport result;
    struct Copy {
        std::string name;
        at::Tensor target; // the model's
        at::Tensor source; // the file's
    };
    std::vector<Copy> copies;
    std::set<std::string> matched;
    std::vector<std::string> unexpected;
    // A backbone built without its classifier (a detector's MobileNetV3) has nothing under
    // the head's block ("classifier."), and takes nothing from the file's.
    const std::string headBlock = headPrefix.substr(0, headPrefix.find('.') + 1);
    const bool headless =
        std::none_of(modelNames.begin(), modelNames.end(),
                     [&](const std::string& name) { return startsWith(name, headBlock); });
    for (const auto& [name, source] : tensors) {
        const auto found = targets.find(name);
        if (found == targets.end()) {
            if (headless && startsWith(name, headBlock)) {
                result.headReplaced = true;
            } else if (!isBatchCounter(name)) {
                unexpected.push_back(name);
            }
            continue;
        }
        matched.insert(name);
        const at::Tensor& target = found->second;
        if (source.sizes() == target.sizes()) {
            copies.push_back({name, target, source});
        } else if (startsWith(name, headPrefix) && sameShapeBut(source, target, 0)) {
            result.headReplaced = true;
            result.fileClasses = static_cast<int>(source.size(0));
        } else if (name == stemWeight && source.dim() == 4 && source.size(1) == 3 &&
                   target.size(1) == 1 && sameShapeBut(source, target, 1)) {
            // conv(w, (x, x, x)) = conv(w_r + w_g + w_b, x): the RGB filters see gray as it was.
            copies.push_back({name, target, source.sum(1, /*keepdim=*/true)});
            result.stemFolded = true;
        } else {
            throw Error(ErrorKind::InvalidArgument,
                        file.string() + " does not fit " + architecture + ": \"" + name +
                            "\" has shape " + shape(source) + " in the file but " + shape(target) +
                            " in the model.");
        }
    }

    std::vector<std::string> missing;
    for (const auto& name : modelNames) {
        if (!matched.count(name) && !isBatchCounter(name)) {
            missing.push_back(name);
        }
    }
    if (!unexpected.empty() || !missing.empty()) {
        std::string problem;
        if (!unexpected.empty()) {
            problem = "the file has " + someOf(unexpected) + ", which the model lacks";
        }
        if (!missing.empty()) {
            problem += std::string(problem.empty() ? "" : ", and ") + "the file lacks " +
                       someOf(missing) + ", which the model needs";
        }
        throw Error(ErrorKind::InvalidArgument,
                    file.string() + " does not fit " + architecture + ": " + problem + ".");
    }

    // The head's tensors go together: keep all of the model's when any differs.
    at::NoGradGuard noGrad;
    for (auto& copy : copies) {
        if (result.headReplaced && startsWith(copy.name, headPrefix)) {
            continue;
        }
        copy.target.copy_(copy.source);
        ++result.loaded;
    }
    return result;
}

} // namespace

WeightImport loadTorchvisionWeights(Classifier& model, const std::filesystem::path& file) {
    const NamedTensors tensors = readStateDict(file);
    // A backbone's classifier file names none of the model's tensors; a file of the model's
    // own architecture (torchvision's LR-ASPP) loads whole.
    Classifier* backbone = model.pretrainedBackbone();
    if (backbone != nullptr && !namesAnyOf(model, tensors)) {
        return loadInto(*backbone, tensors, file); // the same rules, on its own names
    }
    return loadInto(model, tensors, file);
}

} // namespace kestrel::models
