#pragma once

#include "models/classifier.h"
#include "models/weight_import.h"

#include <filesystem>
#include <string>

namespace kestrel::models {

// Loads a state_dict saved by Python's torch.save(model.state_dict(), file) from torchvision
// (or from a model with the same names) into `model`. Every tensor must match one of the
// model's parameters or buffers by name and shape, except:
//  - the head (model.headName()) when only its class count differs: it is left as it is;
//  - the stem convolution (model.stemName()) of a 1-channel model given 3-channel weights:
//    they are summed over the colour channels, so gray input x gives what RGB (x, x, x) did;
//  - "num_batches_tracked" buffers, which may be missing on either side.
// A model with a pretrainedBackbone() (a detector, torchvision's segmenters) loads a file that
// names none of its tensors (its backbone's ImageNet classifier) into that part alone, by
// the part's own names, and the rest keeps its initial weights.
// Nothing is changed unless everything fits. Throws kestrel::Error: InvalidArgument naming
// the file, the key and the shapes, or the architecture, when the weights do not fit, and
// the errors of readStateDict() for a file that cannot be read.
WeightImport loadTorchvisionWeights(Classifier& model, const std::filesystem::path& file);

} // namespace kestrel::models
