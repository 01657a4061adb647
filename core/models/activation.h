#pragma once

namespace kestrel::models {

// The parameter-free activations the architectures use, by torchvision's definitions.
enum class Activation { None, ReLU, Hardswish, SiLU, Sigmoid, Hardsigmoid };

} // namespace kestrel::models
