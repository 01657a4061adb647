#pragma once

#include "loader/loader_options.h"
#include "train/train_options.h"

#include <optional>
#include <string>
#include <vector>

namespace kestrel::train {

// Sensible detection settings for these training samples on this device ("cpu" or
// "cuda:N"): FCOS on a half-width ResNet-18 on a CPU (fcos_small), on ResNet-18 on a GPU,
// with the images letterboxed to their median side (a multiple of 32, 128 to 256 px on a
// CPU, up to 640 on a GPU), AdamW on a one-cycle schedule,
// augmentations that move boxes exactly (flips, quarter turns, small shifts, brightness and
// contrast), and epochs from a budget of pixels through the model.
TrainOptions defaultDetectionOptions(const std::vector<loader::LoaderSample>& train, bool allGray,
                                     const std::string& device,
                                     const std::optional<std::string>& model = {});

// One line saying what was picked and why.
std::string describeDetectionDefaults(const TrainOptions& options, std::size_t trainSamples);

} // namespace kestrel::train
