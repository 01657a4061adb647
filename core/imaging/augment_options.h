#pragma once

namespace kestrel::imaging {

// Training-time augmentations. Each has a probability of being applied to an image; the
// defaults apply nothing, so AugmentOptions{} is evaluation mode. They run in the order
// listed here, each drawing from the one random source, so a seed fixes the result.
struct AugmentOptions {
    // Like torchvision's RandomResizedCrop: a crop covering `scale` of the area with aspect
    // ratio in `ratio`, stretched back to the full image size. It crops the already-resized
    // image (not the original file) so decoded images can be cached between epochs.
    struct ResizedCrop {
        double probability = 0.0;
        double minScale = 0.08, maxScale = 1.0;
        double minRatio = 3.0 / 4.0, maxRatio = 4.0 / 3.0;
    };
    // Like torchvision's RandomCrop(size, padding): the image moves by up to `maxFraction` of
    // its width and height in each direction; uncovered pixels become black.
    struct Shift {
        double probability = 0.0;
        double maxFraction = 0.1;
    };
    struct Rotation {
        double probability = 0.0;
        double maxDegrees = 10.0; // uniform in [-maxDegrees, maxDegrees]; corners become black
    };
    // Factors drawn uniformly from [1 - amount, 1 + amount], as in torchvision's ColorJitter.
    struct ColorJitter {
        double probability = 0.0;
        double brightness = 0.2;
        double contrast = 0.2;
    };
    struct Blur {
        double probability = 0.0;
        double minSigma = 0.1, maxSigma = 2.0; // in pixels
    };
    struct Noise {
        double probability = 0.0;
        double sigma = 8.0; // standard deviation in 0..255 units
    };

    ResizedCrop resizedCrop;
    Shift shift;
    double horizontalFlip = 0.0;
    double verticalFlip = 0.0;
    // Quarter turns (90, 180 or 270 degrees, equally likely). A non-square image turned by a
    // quarter is stretched back to its original width and height.
    double rotate90 = 0.0;
    Rotation rotation;
    ColorJitter colorJitter;
    Blur blur;
    Noise noise;

    // A common training set: crop (scale 0.5..1), horizontal flip, brightness/contrast 0.2.
    static AugmentOptions standard();
};

// Throws kestrel::Error (InvalidArgument) naming the first value out of range.
void validate(const AugmentOptions& options);

} // namespace kestrel::imaging
