#pragma once

#include "dataset/import_source.h"

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace kestrel::dataset {

struct IdxOptions {
    std::filesystem::path outputFolder;  // PNGs are written below it, one folder per file pair
    std::vector<std::string> classNames; // by label number; empty: "0", "1", ...
    std::function<void(std::size_t done, std::size_t total)> progress;
    const std::atomic<bool>* cancel = nullptr;
};

// Reads every MNIST-format pair in `root` (<prefix>-images-idx3-ubyte[.gz] with
// <prefix>-labels-idx1-ubyte[.gz]), writes each image as a PNG below options.outputFolder
// (an existing file of the same name is kept, so re-importing rewrites nothing) and returns
// them as import items. "train" pairs form the train split and "t10k" pairs the test split.
std::vector<ImportItem> extractIdx(const std::filesystem::path& root, const IdxOptions& options);

} // namespace kestrel::dataset
