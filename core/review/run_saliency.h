#pragma once

#include "infer/saliency.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kestrel {
class Project;
}

namespace kestrel::review {

// A trained run's model with its best weights, loaded once, explaining images with
// Grad-CAM as the run decoded them for training. Holds no reference to the project, so
// the project may be closed once it is built. Not thread-safe: one thread at a time.
class RunSaliency {
public:
    // Reads the run's parameters, its classes and best.pt (runs::loadTrainedRun): throws
    // kestrel::Error when the run or its best checkpoint is missing.
    RunSaliency(Project& project, std::int64_t runId);
    ~RunSaliency();
    RunSaliency(RunSaliency&&) noexcept;
    RunSaliency& operator=(RunSaliency&&) noexcept;

    // infer::saliencyForImage() with this run's model and metadata.
    infer::Saliency explain(const std::filesystem::path& image,
                            std::optional<std::int64_t> targetClass = std::nullopt);

    std::int64_t runId() const;
    const std::vector<std::string>& classes() const; // by class index

private:
    struct Loaded;
    std::unique_ptr<Loaded> loaded_;
};

} // namespace kestrel::review
