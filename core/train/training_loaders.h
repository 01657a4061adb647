#pragma once

#include "loader/loader_options.h"
#include "train/train_options.h"

namespace kestrel::train {

// How the run's images are brought to the model's input size, in training, evaluation and
// export alike: letterboxed for detection, padded at their own scale for segmentation with
// TrainOptions::keepImageScale, stretched otherwise.
imaging::ImageSpec::Resize inputResize(const TrainOptions& options);

// How training reads its samples in `epoch` (0-based): shuffled and augmented with the run's
// settings, the partial last batch dropped (a batch of one would make batch-norm statistics
// meaningless); segmentation cut to crops, except in the whole-image epochs at the end.
loader::LoaderOptions trainingLoaderOptions(const TrainOptions& options, std::int64_t epoch);

// How evaluation reads them: in order, as they are, every sample. A pass that keeps no
// graph can take larger batches: at least `minimumBatch` images.
loader::LoaderOptions evaluationLoaderOptions(const TrainOptions& options, int minimumBatch = 1);

} // namespace kestrel::train
