// The precompiled header of core and its tests: LibTorch's headers take most of the time of
// every file that uses them (a core file: about 40 s on two cores, 20 s with this), so they
// are parsed once per target. Only third-party headers belong here.
#pragma once

#include <ATen/core/Tensor.h>
#include <opencv2/core.hpp>
#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>
#include <torch/utils.h>
