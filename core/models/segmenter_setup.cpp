#include "models/segmenter_setup.h"

#include "common/error.h"

#include <cmath>

#include <ATen/core/grad_mode.h>

namespace kestrel::models {

void requireSidesMultipleOf(const std::string& architecture, int multiple, int64_t height,
                            int64_t width) {
    if (height % multiple != 0 || width % multiple != 0) {
        throw Error(ErrorKind::InvalidArgument,
                    "The " + architecture +
                        " model takes images whose height and width are multiples of " +
                        std::to_string(multiple) + ", not " + std::to_string(height) + " x " +
                        std::to_string(width) + " px.");
    }
}

void setBackgroundPrior(at::Tensor& bias, int classes) {
    const at::NoGradGuard noGrad;
    bias.zero_();
    bias[0].fill_(std::log(0.99 * static_cast<double>(classes - 1) / 0.01));
}

} // namespace kestrel::models
