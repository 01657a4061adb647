#pragma once

// What the segmentation models share before and after training starts: the input sides
// their poolings need, and the prior that makes every pixel start as background.

#include <cstdint>
#include <string>

#include <ATen/core/Tensor.h>

namespace kestrel::models {

// Throws kestrel::Error (InvalidArgument) naming `architecture` and the size when `height`
// or `width` is not a multiple of `multiple`.
void requireSidesMultipleOf(const std::string& architecture, int multiple, int64_t height,
                            int64_t width);

// A prior for rare defects (Lin et al. 2017, RetinaNet's bias) on the layer that gives the
// logits: every pixel starts at P(background) = 0.99. From uniform outputs the Dice term
// first only pushes the many background pixels down and defects wait hundreds of steps; on
// bench/make_segmentation_set data the peer's validation mIoU after 25 epochs went from 0 to
// 0.10 with it.
void setBackgroundPrior(at::Tensor& bias, int classes);

} // namespace kestrel::models
