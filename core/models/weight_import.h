#pragma once

// Kept apart from torchvision_weights.h so that event headers need no LibTorch.

namespace kestrel::models {

// What loadTorchvisionWeights() did, for the command line and the log to say.
struct WeightImport {
    int loaded = 0;            // tensors copied from the file into the model
    bool headReplaced = false; // the file's head has another class count; the model keeps its
                               // freshly initialised head
    int fileClasses = 0;       // the file's class count when headReplaced
    bool stemFolded = false;   // the file's RGB stem weights were summed for gray input
};

} // namespace kestrel::models
