#include "imaging/augment_spec.h"

#include "common/error.h"

#include <cstdlib>
#include <optional>

namespace kestrel::imaging {
namespace {

constexpr const char* kNames = "crop, shift, hflip, vflip, rot90, rotate, jitter, blur, noise";

std::optional<double> number(const std::string& text) {
    if (text.empty()) {
        return std::nullopt;
    }
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size()) {
        return std::nullopt;
    }
    return value;
}

Error badSpec(const std::string& spec, const std::string& why) {
    return Error(ErrorKind::InvalidArgument, "--augment " + spec + ": " + why);
}

} // namespace

void applyAugmentSpec(AugmentOptions& options, const std::string& spec) {
    const auto equals = spec.find('=');
    if (equals == std::string::npos) {
        throw badSpec(spec, "write NAME=PROBABILITY[:STRENGTH], such as rotate=0.5:15.");
    }
    const std::string name = spec.substr(0, equals);
    const std::string values = spec.substr(equals + 1);
    const auto colon = values.find(':');
    const auto probability = number(values.substr(0, colon));
    const std::optional<double> strength =
        colon == std::string::npos ? std::nullopt : number(values.substr(colon + 1));
    if (!probability) {
        throw badSpec(spec, "the probability must be a number from 0 to 1.");
    }
    if (colon != std::string::npos && !strength) {
        throw badSpec(spec, "the strength after ':' must be a number.");
    }
    AugmentOptions changed = options;
    const auto noStrength = [&] {
        if (strength) {
            throw badSpec(spec, name + " takes a probability only.");
        }
    };
    if (name == "crop") {
        changed.resizedCrop.probability = *probability;
        changed.resizedCrop.minScale = strength.value_or(changed.resizedCrop.minScale);
    } else if (name == "shift") {
        changed.shift.probability = *probability;
        changed.shift.maxFraction = strength.value_or(changed.shift.maxFraction);
    } else if (name == "hflip") {
        noStrength();
        changed.horizontalFlip = *probability;
    } else if (name == "vflip") {
        noStrength();
        changed.verticalFlip = *probability;
    } else if (name == "rot90") {
        noStrength();
        changed.rotate90 = *probability;
    } else if (name == "rotate") {
        changed.rotation.probability = *probability;
        changed.rotation.maxDegrees = strength.value_or(changed.rotation.maxDegrees);
    } else if (name == "jitter") {
        changed.colorJitter.probability = *probability;
        changed.colorJitter.brightness = strength.value_or(changed.colorJitter.brightness);
        changed.colorJitter.contrast = strength.value_or(changed.colorJitter.contrast);
    } else if (name == "blur") {
        changed.blur.probability = *probability;
        changed.blur.maxSigma = strength.value_or(changed.blur.maxSigma);
        changed.blur.minSigma = std::min(changed.blur.minSigma, changed.blur.maxSigma);
    } else if (name == "noise") {
        changed.noise.probability = *probability;
        changed.noise.sigma = strength.value_or(changed.noise.sigma);
    } else {
        throw badSpec(spec, "\"" + name + "\" is not an augmentation; they are " + kNames + ".");
    }
    try {
        validate(changed);
    } catch (const Error& error) {
        throw badSpec(spec, error.what());
    }
    options = changed;
}

void allowAnyOrientation(AugmentOptions& options) {
    options.horizontalFlip = 0.5;
    options.verticalFlip = 0.5;
    options.rotate90 = 0.75;
}

} // namespace kestrel::imaging
