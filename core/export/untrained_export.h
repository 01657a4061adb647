#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace kestrel::exporting {

// For benchmarking an architecture without a project: writes freshly initialised (seeded)
// `architecture` at `size` px as model.pt and model.onnx into `folder`; returns both paths.
std::vector<std::filesystem::path> exportUntrainedArchitecture(const std::string& architecture,
                                                               int size, int channels, int classes,
                                                               const std::filesystem::path& folder);

} // namespace kestrel::exporting
