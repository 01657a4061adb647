#pragma once

#include "loader/loader_options.h"
#include "train/train_options.h"

#include <optional>
#include <string>
#include <vector>

namespace kestrel::train {

// Sensible segmentation settings for these training samples on this device ("cpu" or
// "cuda:N"): the small U-Net at the images' median side (a multiple of 16, 64 to 160 px on a
// CPU, up to 512 on a GPU), AdamW on a one-cycle schedule, cross-entropy with Dice and no
// label smoothing, augmentations that keep thin defects (flips, quarter turns, small shifts,
// brightness and contrast; no blur), training crops of half the side (two thirds around a
// defect, in batches of twice the size) from 128 px up, and epochs from a budget of pixels
// through the model (about 12,000 images of 128 px on a CPU: ten minutes on two cores)
// between 20 and 200.
TrainOptions defaultSegmentationOptions(const std::vector<loader::LoaderSample>& train,
                                        bool allGray, const std::string& device,
                                        const std::optional<std::string>& model = {});

// One line saying what was picked and why.
std::string describeSegmentationDefaults(const TrainOptions& options, std::size_t trainSamples);

} // namespace kestrel::train
