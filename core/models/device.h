#pragma once

#include <string>

namespace kestrel::models {

// The device `name` ("auto", "cpu", "cuda", "cuda:N") resolves to on this machine and
// LibTorch build, as "cpu" or "cuda:N". Throws kestrel::Error (InvalidArgument) for CUDA
// where there is none, naming why.
std::string resolveDevice(const std::string& name);

} // namespace kestrel::models
