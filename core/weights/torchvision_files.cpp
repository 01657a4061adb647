#include "weights/torchvision_files.h"

#include "models/architectures.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace kestrel::weights {
namespace {

// Copied from torchvision 0.14's models/*.py (the DEFAULT entry of each weights enum).
const std::map<std::string, std::string>& publishedFiles() {
    static const std::map<std::string, std::string> files = {
        {"resnet18", "resnet18-f37072fd.pth"},
        {"resnet34", "resnet34-b627a593.pth"},
        {"resnet50", "resnet50-11ad3fa6.pth"},
        {"wide_resnet50_2", "wide_resnet50_2-9ba9bcbe.pth"},
        {"mobilenet_v3_small", "mobilenet_v3_small-047dcff4.pth"},
        {"mobilenet_v3_large", "mobilenet_v3_large-5c1a4163.pth"},
        {"efficientnet_b0", "efficientnet_b0_rwightman-3dd342df.pth"},
        {"efficientnet_b1", "efficientnet_b1-c27df63c.pth"},
        {"efficientnet_b2", "efficientnet_b2_rwightman-bcdf34b7.pth"},
        {"efficientnet_b3", "efficientnet_b3_rwightman-cf984f9c.pth"},
    };
    return files;
}

} // namespace

std::optional<std::string> torchvisionFileName(const std::string& architecture) {
    const auto found = publishedFiles().find(architecture);
    if (found == publishedFiles().end()) {
        return std::nullopt;
    }
    return found->second;
}

std::vector<std::string> architecturesWithImageNetWeights() {
    std::vector<std::string> names;
    for (const auto& info : models::architectures()) {
        if (publishedFiles().count(info.name) != 0) {
            names.push_back(info.name);
        }
    }
    return names;
}

std::string sha256PrefixInName(const std::string& fileName) {
    const auto dash = fileName.rfind('-');
    if (dash == std::string::npos) {
        return "";
    }
    const auto dot = fileName.find('.', dash);
    const std::string digits =
        fileName.substr(dash + 1, dot == std::string::npos ? std::string::npos : dot - dash - 1);
    const bool hex = !digits.empty() && std::all_of(digits.begin(), digits.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f');
    });
    return hex ? digits : "";
}

} // namespace kestrel::weights
