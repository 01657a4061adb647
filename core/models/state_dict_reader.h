#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

namespace kestrel::models {

// Named tensors in the order the file lists them.
using NamedTensors = std::vector<std::pair<std::string, at::Tensor>>;

// The tensors of a file written by Python's torch.save(model.state_dict(), file) in the zip
// format (PyTorch 1.6 and later), each contiguous and on the CPU with the file's dtype.
// A dict that wraps the state_dict under "state_dict" or "model", as training checkpoints
// do, is unwrapped. Reads with our own unpickler (pickle_reader.h): Debian's LibTorch 1.13
// torch::pickle_load gives None for the OrderedDict a state_dict is.
// Throws kestrel::Error: NotFound for a missing file, Io for one that cannot be read, and
// Corrupt for anything that is not such a file.
NamedTensors readStateDict(const std::filesystem::path& file);

} // namespace kestrel::models
