#pragma once

#include <optional>
#include <string>
#include <vector>

namespace kestrel::weights {

// Where torchvision publishes its ImageNet weights; a company mirror serves the same file
// names under its own base URL.
inline constexpr const char* kTorchvisionBaseUrl = "https://download.pytorch.org/models";

// torchvision's file of ImageNet weights for a Kestrel architecture (its DEFAULT weights in
// torchvision 0.14), e.g. "resnet18-f37072fd.pth"; nullopt for one without (smallcnn).
std::optional<std::string> torchvisionFileName(const std::string& architecture);

// The architectures that have such a file, in the command line's order.
std::vector<std::string> architecturesWithImageNetWeights();

// The hex digits after the last '-' of a torchvision-style file name, the start of the
// file's SHA-256 ("resnet18-f37072fd.pth" -> "f37072fd"), as torch.hub checks them; empty when
// the name carries none.
std::string sha256PrefixInName(const std::string& fileName);

} // namespace kestrel::weights
