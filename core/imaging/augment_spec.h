#pragma once

#include "imaging/augment_options.h"

#include <string>

namespace kestrel::imaging {

// Sets one augmentation from a command-line word "NAME=PROBABILITY[:STRENGTH]", e.g.
// "rotate=0.5:15" (small rotations of up to 15 degrees, half the time) or "blur=0" (off).
// NAME and what STRENGTH means:
//   crop    smallest area kept (0-1)       shift   largest move, fraction of the side
//   hflip   -                              vflip   -
//   rot90   - (quarter turns)              rotate  largest angle in degrees
//   jitter  brightness and contrast amount blur    largest sigma in pixels
//   noise   sigma in 0-255 units
// Throws kestrel::Error (InvalidArgument) with a sentence naming the word at fault and, for an
// unknown name, the known ones; `options` is then unchanged.
void applyAugmentSpec(AugmentOptions& options, const std::string& spec);

// Parts that may lie in any orientation on the line: horizontal and vertical flips at 0.5 and
// quarter turns at 0.75, so each of the eight orientations a flip and a turn reach is equally
// likely.
void allowAnyOrientation(AugmentOptions& options);

} // namespace kestrel::imaging
