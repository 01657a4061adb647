#include "train/checkpoint.h"

#include "common/atomic_file.h"
#include "common/error.h"
#include "train/weight_average.h"

#include <cstdint>
#include <sstream>
#include <string>

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/core/grad_mode.h>
#include <torch/cuda.h>
#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

namespace kestrel::train {

namespace {

// Bumped when the layout changes, so an old Kestrel refuses a newer checkpoint clearly.
constexpr std::int64_t kCheckpointFormat = 1;

torch::Tensor scalar(std::int64_t value) {
    return torch::tensor(value, torch::kInt64);
}
torch::Tensor scalar(double value) {
    return torch::tensor(value, torch::kFloat64);
}

std::int64_t readInt(torch::serialize::InputArchive& archive, const char* key) {
    torch::Tensor value;
    archive.read(key, value);
    return value.item<std::int64_t>();
}

double readDouble(torch::serialize::InputArchive& archive, const char* key) {
    torch::Tensor value;
    archive.read(key, value);
    return value.item<double>();
}

std::string shapeText(at::IntArrayRef sizes) {
    std::string text = "[";
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        text += (i ? ", " : "") + std::to_string(sizes[i]);
    }
    return text + "]";
}

// Module::load replaces tensors whatever their shape, so a checkpoint of another model
// (say, 4 classes instead of 3) would load silently; compare the shapes before and after.
void loadModelChecked(torch::nn::Module& model, torch::serialize::InputArchive& archive,
                      const std::filesystem::path& file) {
    std::vector<std::pair<std::string, std::vector<std::int64_t>>> expected;
    for (const auto& item : model.named_parameters()) {
        expected.emplace_back(item.key(), item.value().sizes().vec());
    }
    for (const auto& item : model.named_buffers()) {
        expected.emplace_back(item.key(), item.value().sizes().vec());
    }
    model.load(archive);
    auto parameters = model.named_parameters();
    auto buffers = model.named_buffers();
    for (const auto& [name, sizes] : expected) {
        const torch::Tensor* loaded = parameters.find(name);
        if (!loaded) {
            loaded = buffers.find(name);
        }
        if (loaded && loaded->sizes().vec() != sizes) {
            throw Error(ErrorKind::Corrupt,
                        "The checkpoint " + file.string() + " does not fit this model: " + name +
                            " is " + shapeText(loaded->sizes()) + " in the checkpoint but " +
                            shapeText(sizes) + " in the model.");
        }
    }
}

// Copies what fits from `archive` into `module` and its children, recursively, as
// Module::save nested them: a module's own tensors by name, each child as an archive.
void copyMatching(torch::nn::Module& module, torch::serialize::InputArchive& archive,
                  const std::string& prefix, const std::string& freshPrefix,
                  std::vector<std::string>& leftFresh, int& copied) {
    at::NoGradGuard noGradients;
    const auto copyInto = [&](const std::string& name, torch::Tensor& target, bool buffer) {
        const std::string fullName = prefix + name;
        torch::Tensor source;
        const bool fresh = !freshPrefix.empty() && fullName.rfind(freshPrefix, 0) == 0;
        if (fresh || !archive.try_read(name, source, buffer) || source.sizes() != target.sizes()) {
            leftFresh.push_back(fullName);
            return;
        }
        target.copy_(source.to(target.dtype()));
        ++copied;
    };
    for (auto& item : module.named_parameters(false)) {
        copyInto(item.key(), item.value(), false);
    }
    for (auto& item : module.named_buffers(false)) {
        copyInto(item.key(), item.value(), true);
    }
    for (auto& child : module.named_children()) {
        torch::serialize::InputArchive childArchive;
        const std::string childPrefix = prefix + child.key() + ".";
        if (!archive.try_read(child.key(), childArchive)) {
            for (const auto& item : child.value()->named_parameters()) {
                leftFresh.push_back(childPrefix + item.key());
            }
            continue;
        }
        copyMatching(*child.value(), childArchive, childPrefix, freshPrefix, leftFresh, copied);
    }
}

} // namespace

void saveCheckpoint(const std::filesystem::path& file, torch::nn::Module& model,
                    torch::optim::Optimizer* optimizer, const CheckpointProgress& progress,
                    WeightAverage* average) {
    torch::serialize::OutputArchive archive;
    archive.write("format", scalar(kCheckpointFormat));
    torch::serialize::OutputArchive modelArchive;
    model.save(modelArchive);
    archive.write("model", modelArchive);
    if (average && average->averageInUse()) {
        // An archive refers to the model's tensors until it is written, and the swap back
        // would overwrite them: the trained weights go in as the bytes of their own archive.
        average->useTrained();
        torch::serialize::OutputArchive trainedArchive;
        model.save(trainedArchive);
        std::ostringstream trainedBytes;
        trainedArchive.save_to(trainedBytes);
        average->useAverage();
        std::string bytes = trainedBytes.str();
        archive.write(
            "trained_model",
            torch::from_blob(bytes.data(), {static_cast<std::int64_t>(bytes.size())}, torch::kUInt8)
                .clone());
    }
    if (optimizer) {
        torch::serialize::OutputArchive optimizerArchive;
        optimizer->save(optimizerArchive);
        archive.write("optimizer", optimizerArchive);
    }
    archive.write("epochs_done", scalar(progress.epochsDone));
    archive.write("step", scalar(progress.step));
    archive.write("loss_scale", scalar(progress.lossScale.scale));
    archive.write("loss_scale_clean_steps", scalar(progress.lossScale.cleanSteps));
    archive.write("best_metric", scalar(progress.bestMetric));
    archive.write("best_epoch", scalar(progress.bestEpoch));
    archive.write("stale_epochs", scalar(progress.staleEpochs));
    archive.write("best_loss", scalar(progress.bestLoss));
    archive.write("cpu_rng_state", at::detail::getDefaultCPUGenerator().get_state());

    std::ostringstream bytes;
    archive.save_to(bytes);
    writeFileAtomically(file, bytes.str());
}

CheckpointProgress loadCheckpoint(const std::filesystem::path& file, torch::nn::Module& model,
                                  torch::optim::Optimizer* optimizer, bool restoreRandomState,
                                  WeightAverage* average) {
    if (!std::filesystem::exists(file)) {
        throw Error(ErrorKind::NotFound, "The checkpoint " + file.string() + " does not exist.");
    }
    CheckpointProgress progress;
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(file.string());
        const std::int64_t format = readInt(archive, "format");
        if (format > kCheckpointFormat) {
            throw Error(ErrorKind::Corrupt, "The checkpoint " + file.string() +
                                                " was written by a newer Kestrel (format " +
                                                std::to_string(format) + ").");
        }
        torch::serialize::InputArchive modelArchive;
        archive.read("model", modelArchive);
        loadModelChecked(model, modelArchive, file);
        if (average) {
            average->adoptModelAsAverage();
            if (torch::Tensor bytes; archive.try_read("trained_model", bytes)) {
                torch::serialize::InputArchive trainedArchive;
                trainedArchive.load_from(
                    reinterpret_cast<const char*>(bytes.data_ptr<std::uint8_t>()),
                    static_cast<std::size_t>(bytes.numel()));
                loadModelChecked(model, trainedArchive, file);
            }
        }
        if (optimizer) {
            torch::serialize::InputArchive optimizerArchive;
            archive.read("optimizer", optimizerArchive);
            optimizer->load(optimizerArchive);
        }
        progress.epochsDone = readInt(archive, "epochs_done");
        progress.step = readInt(archive, "step");
        progress.lossScale.scale = readDouble(archive, "loss_scale");
        progress.lossScale.cleanSteps = readInt(archive, "loss_scale_clean_steps");
        progress.bestMetric = readDouble(archive, "best_metric");
        progress.bestEpoch = readInt(archive, "best_epoch");
        progress.staleEpochs = readInt(archive, "stale_epochs");
        // Checkpoints from before the tie-break have none: any lower loss breaks a tie.
        if (torch::Tensor bestLoss; archive.try_read("best_loss", bestLoss)) {
            progress.bestLoss = bestLoss.item<double>();
        }
        if (restoreRandomState) {
            torch::Tensor state;
            archive.read("cpu_rng_state", state);
            at::Generator generator = at::detail::getDefaultCPUGenerator(); // a shared handle
            generator.set_state(state);
        }
    } catch (const c10::Error& error) {
        throw Error(ErrorKind::Corrupt, "The checkpoint " + file.string() +
                                            " is damaged or does not fit this model: " +
                                            error.what_without_backtrace());
    }
    return progress;
}

std::vector<std::string> loadMatchingWeights(const std::filesystem::path& file,
                                             torch::nn::Module& model,
                                             const std::string& freshPrefix) {
    if (!std::filesystem::exists(file)) {
        throw Error(ErrorKind::NotFound, "The checkpoint " + file.string() + " does not exist.");
    }
    std::vector<std::string> leftFresh;
    int copied = 0;
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(file.string());
        torch::serialize::InputArchive modelArchive;
        archive.read("model", modelArchive);
        copyMatching(model, modelArchive, "", freshPrefix.empty() ? "" : freshPrefix + ".",
                     leftFresh, copied);
    } catch (const c10::Error& error) {
        throw Error(ErrorKind::Corrupt, "The checkpoint " + file.string() +
                                            " is damaged: " + error.what_without_backtrace());
    }
    if (copied == 0) {
        throw Error(ErrorKind::InvalidArgument,
                    "Nothing in the checkpoint " + file.string() +
                        " fits this model: it was trained with another architecture or colour.");
    }
    return leftFresh;
}

} // namespace kestrel::train
