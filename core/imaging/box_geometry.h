#pragma once

#include "imaging/class_box.h"
#include "imaging/image_spec.h"

#include <vector>

#include <opencv2/core/types.hpp>

namespace kestrel::imaging {

// Each function below moves boxes exactly as the image step of the same name moves pixels,
// in a frame of `size` pixels, then clips them to the frame: a box left with under
// kMinBoxShare of its area, or under a pixel a side, is dropped (its defect is cut away).
constexpr double kMinBoxShare = 0.25;

// Boxes drawn on a `file`-sized image, where conformImage puts that image in `spec`'s frame
// (stretched, or scaled into the letterbox area).
std::vector<ClassBox> conformBoxes(const std::vector<ClassBox>& boxes, cv::Size file,
                                   const ImageSpec& spec);

// The frame's `crop` resized back to the whole frame (a random resized crop).
void cropAndResizeBoxes(std::vector<ClassBox>& boxes, const cv::Rect& crop, cv::Size size);
// Content moved by `offset` pixels, what leaves the frame lost.
void shiftBoxes(std::vector<ClassBox>& boxes, cv::Point offset, cv::Size size);
// cv::flip's axis: 1 mirrors left-right, 0 top-bottom.
void flipBoxes(std::vector<ClassBox>& boxes, int axis, cv::Size size);
// cv::rotate's turn (cv::RotateFlags), then, for a frame that is not square, the resize
// back to `size` that augmentation does.
void turnBoxes(std::vector<ClassBox>& boxes, int turn, cv::Size size);
// A rotation by `degrees` about the frame's centre as augmentation's warpAffine does it: each
// box becomes the upright box around its turned corners (larger than the defect).
void rotateBoxes(std::vector<ClassBox>& boxes, double degrees, cv::Size size);

} // namespace kestrel::imaging
