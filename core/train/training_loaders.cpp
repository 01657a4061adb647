#include "train/training_loaders.h"

#include <algorithm>

namespace kestrel::train {

namespace {

loader::LoaderOptions commonOptions(const TrainOptions& options) {
    loader::LoaderOptions loader;
    loader.spec.width = options.imageSize;
    loader.spec.height = options.imageSize;
    loader.spec.channels = options.channels;
    loader.spec.resize = inputResize(options);
    loader.batchSize = options.batchSize;
    loader.workers = options.workers;
    loader.seed = options.seed;
    loader.masks = options.task == TaskKind::Segmentation;
    loader.boxes = options.task == TaskKind::Detection;
    // Pinned batches only help host-to-GPU copies; the loader ignores this without CUDA.
    loader.pinMemory = options.device != "cpu";
    return loader;
}

} // namespace

imaging::ImageSpec::Resize inputResize(const TrainOptions& options) {
    // Boxes keep their shape: a part stretched to a square would turn round spots into ovals
    // that differ from image to image.
    if (options.task == TaskKind::Detection) {
        return imaging::ImageSpec::Resize::Letterbox;
    }
    if (options.task == TaskKind::Segmentation && options.keepImageScale) {
        return imaging::ImageSpec::Resize::Pad;
    }
    return imaging::ImageSpec::Resize::Stretch;
}

loader::LoaderOptions trainingLoaderOptions(const TrainOptions& options, std::int64_t epoch) {
    loader::LoaderOptions loader = commonOptions(options);
    loader.shuffle = true;
    loader.augment = true;
    loader.augmentation = options.augmentation;
    loader.dropLast = true;
    if (options.task == TaskKind::Segmentation) {
        loader.cropSide = epoch < firstWholeImageEpoch(options) ? options.cropSize : 0;
        loader.defectCropShare = options.defectCropShare;
    }
    return loader;
}

loader::LoaderOptions evaluationLoaderOptions(const TrainOptions& options, int minimumBatch) {
    loader::LoaderOptions loader = commonOptions(options);
    loader.batchSize = std::max(options.batchSize, minimumBatch);
    loader.shuffle = false;
    loader.augment = false;
    loader.dropLast = false;
    return loader;
}

} // namespace kestrel::train
