#pragma once

#include <filesystem>

namespace kestrel::bench {

constexpr int kClassCount = 4; // classes in the benchmark project, hotkeys 1 to 4

// Makes sure `dir` holds the benchmark's project, building one of `samples` small PNGs there
// when it holds none; later runs reuse it. Throws std::runtime_error when it cannot, or when
// `dir` holds a project the benchmark did not build: the labelling phase changes labels on disk.
void ensureProject(const std::filesystem::path& dir, int samples);

} // namespace kestrel::bench
