#pragma once

#include "imaging/augment_options.h"
#include "imaging/class_box.h"
#include "imaging/class_region.h"
#include "imaging/image_spec.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kestrel::loader {

// One image the loader reads: its path and its class index (and, for segmentation, the
// regions its per-pixel target is drawn from; for detection, its boxes).
struct LoaderSample {
    std::string path; // the file to read
    std::int64_t label = 0;
    std::int64_t sampleId = 0; // the project's sample, when there is one; reports only
    // The project sample's identity, its stored path (relative inside the project): what
    // held-out splits, audit folds and data fingerprints hash, so that they survive moving
    // or copying the project. The loader never reads it.
    std::string key{};
    // Segmentation only (LoaderOptions::masks): the regions painted into the sample's target,
    // in image pixels of the file, whose size is imageWidth x imageHeight; no regions is an
    // all-background target.
    std::vector<imaging::ClassRegion> regions{};
    // Detection only (LoaderOptions::boxes): the defects' boxes in the file's pixels, whose
    // size is imageWidth x imageHeight; none is an image without defects.
    std::vector<imaging::ClassBox> boxes{};
    int imageWidth = 0;
    int imageHeight = 0;
};

// One rank's part of a data-parallel epoch: rank `index` of `count`.
struct Shard {
    int index = 0;
    int count = 1;
};

// How a BatchLoader reads, shuffles and assembles batches. No LibTorch or OpenCV types
// here, so the CLI and the GUI glue can fill it in cheaply.
struct LoaderOptions {
    imaging::ImageSpec spec;
    int batchSize = 32;
    int workers = 2; // decoding threads
    // Batches built ahead of the consumer, at most (also bounds memory); below `workers`
    // some workers idle.
    int prefetchBatches = 4;
    bool shuffle = true;
    std::uint64_t seed = 0;
    bool augment = false; // false: evaluation mode, images are only decoded and resized
    imaging::AugmentOptions augmentation; // used when `augment` is true
    bool dropLast = false;                // leave out a last, smaller batch
    // Draw each epoch's samples with replacement, weighted by 1 / (size of the sample's
    // class), so every class is drawn about equally often. An epoch is still N draws.
    bool classBalanced = false;
    // Decoded, resized images (and their masks) are kept between epochs when the whole dataset
    // fits this many bytes (width x height x channels each, one more channel with masks); 0
    // turns the cache off.
    std::uint64_t cacheBudgetBytes = std::uint64_t{2} << 30;
    // Also build each row's per-pixel class target from its sample's regions (Batch::masks),
    // moved by the same geometric augmentations as the image.
    bool masks = false;
    // With masks and augment: each training row is a `cropSide` square cut from the augmented
    // image and its mask after the other augmentations, holding a defect pixel with
    // probability `defectCropShare` (imaging/training_crop.h). Batches are then cropSide on
    // a side; 0 keeps whole images.
    int cropSide = 0;
    double defectCropShare = 0.0;
    // Also bring each row's boxes into the frame (Batch::boxes), moved by the same geometric
    // augmentations as the image. Not with masks.
    bool boxes = false;
    // Page-locked batches for faster host-to-GPU copies; ignored when CUDA is not available.
    bool pinMemory = false;
    // Data-parallel runs: this rank's share of every epoch (loader/epoch_order.h): with
    // dropLast its slice of every global batch (training), without it every count-th whole
    // batch (evaluation). The default, one shard, is the whole epoch.
    Shard shard;
};

// Throws kestrel::Error (InvalidArgument) naming the first value out of range.
void validate(const LoaderOptions& options);

} // namespace kestrel::loader
