#pragma once

// The LibTorch classes that train/ headers take by reference, declared here so those headers
// need no LibTorch include (each one costs seconds of compile time per file on 2 cores).
namespace torch::nn {
class Module;
}
namespace torch::optim {
class Optimizer;
}
