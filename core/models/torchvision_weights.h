#pragma once

#include "models/classifier.h"

#include <filesystem>
#include <string>

namespace kestrel::models {

// What loadTorchvisionWeights() did, for the command line and the log to say.
struct WeightImport {
    int loaded = 0;            // tensors copied from the file into the model
    bool headReplaced = false; // the file's head has another class count; the model keeps its
                               // freshly initialised head
    int fileClasses = 0;       // the file's class count when headReplaced
    bool stemFolded = false;   // the file's RGB stem weights were summed for gray input
};

// Loads a state_dict saved by Python's torch.save(model.state_dict(), file) from torchvision
// (or from a model with the same names) into `model`. Every tensor must match one of the
// model's parameters or buffers by name and shape, except:
//  - the head (model.headName()) when only its class count differs: it is left as it is;
//  - the stem convolution (model.stemName()) of a 1-channel model given 3-channel weights:
//    they are summed over the colour channels, so gray input x gives what RGB (x, x, x) did;
//  - "num_batches_tracked" buffers, which may be missing on either side.
// Nothing is changed unless everything fits. Throws kestrel::Error: InvalidArgument naming
// the file, the key and the shapes, or the architecture, when the weights do not fit, and
// the errors of readStateDict() for a file that cannot be read.
WeightImport loadTorchvisionWeights(Classifier& model, const std::filesystem::path& file);

} // namespace kestrel::models
