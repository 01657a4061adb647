#include "models/batch_norm.h"

#include "common/error.h"
#include "torch_compat/batch_norm_print.h"

#include <algorithm>
#include <string>

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>
#include <ATen/core/ivalue.h>
#include <torch/csrc/autograd/custom_function.h>

namespace kestrel::models {

namespace {

// Keeps the reducer alive in an autograd context until the backward pass has used it.
struct ReducerHolder : torch::CustomClassHolder {
    explicit ReducerHolder(std::shared_ptr<BatchStatisticsReducer> held)
        : reducer(std::move(held)) {}
    std::shared_ptr<BatchStatisticsReducer> reducer;
};

// The ranks' statistics summed, differentiably. Why the backward pass sums the gradient:
// rank r's loss L_r depends on every rank's local sums s_q through S = sum_q s_q, and the
// trainer averages the ranks' parameter gradients, i.e. follows L = (1/W) sum_r L_r. So
// dL/ds_r = dL/dS = (1/W) sum_q dL_q/dS, while rank q's own backward pass only holds
// dL_q/dS. Summing that over the ranks here gives every rank W dL/dS, and the trainer's
// division by W leaves exactly dL/d(parameters) of one process with the whole batch.
struct SumOverRanks : torch::autograd::Function<SumOverRanks> {
    static at::Tensor forward(torch::autograd::AutogradContext* context, const at::Tensor& local,
                              const c10::intrusive_ptr<ReducerHolder>& holder) {
        context->saved_data["reducer"] = c10::IValue::make_capsule(holder);
        at::Tensor summed = local.clone();
        holder->reducer->sumInPlace(summed);
        return summed;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                   torch::autograd::variable_list gradients) {
        const auto capsule = context->saved_data.at("reducer").toCapsule();
        auto& reducer = static_cast<ReducerHolder*>(capsule.get())->reducer;
        at::Tensor summed = gradients.at(0).contiguous().clone();
        reducer->sumInPlace(summed);
        return {summed, at::Tensor()};
    }
};

at::Tensor overChannels(const at::Tensor& values) {
    return values.view({1, -1, 1, 1});
}

} // namespace

torch::Tensor BatchNorm2dImpl::forward(const torch::Tensor& input) {
    if (!reducer_ || !is_training()) {
        return torch::nn::BatchNorm2dImpl::forward(input);
    }
    return synchronisedForward(input);
}

torch::Tensor BatchNorm2dImpl::synchronisedForward(const torch::Tensor& input) {
    _check_input_dim(input);
    const int64_t channels = input.size(1);
    // float32 even under autocast (double stays double): sums of squares in half precision
    // would overflow or lose the variance.
    const at::Tensor x = input.to(at::promote_types(input.scalar_type(), at::kFloat));
    // Two passes, as one process's batch norm makes them: the mean first, then the squares
    // about it. Sums of squares about zero (E[x²] - mean²) lose the variance to rounding
    // where a channel's mean dwarfs its spread, as on flat backgrounds: float32 then trains
    // another model. Each pass is one all-reduce; the first carries the count, as the ranks'
    // batches may differ in size at the end of an epoch.
    const auto holder = c10::make_intrusive<ReducerHolder>(reducer_);
    const at::Tensor sums = SumOverRanks::apply(
        at::cat({x.sum({0, 2, 3}),
                 at::full({1}, static_cast<double>(input.numel() / std::max<int64_t>(channels, 1)),
                          x.options())}),
        holder);
    const double count = sums[channels].item<double>();
    if (count <= 1) {
        throw Error(ErrorKind::InvalidArgument,
                    "Batch norm needs more than 1 value per channel over all ranks when "
                    "training, got " +
                        std::to_string(static_cast<int64_t>(count)) + ".");
    }
    const at::Tensor mean = sums.narrow(0, 0, channels) / count;
    const at::Tensor centred = x - overChannels(mean);
    // Biased, as the normalisation uses it.
    const at::Tensor variance =
        SumOverRanks::apply((centred * centred).sum({0, 2, 3}), holder) / count;
    at::Tensor scale = at::rsqrt(variance + options.eps());
    if (options.affine()) {
        scale = scale * weight;
    }
    at::Tensor output = centred * overChannels(scale);
    if (options.affine()) {
        output = output + overChannels(bias);
    }

    if (options.track_running_stats()) {
        // As the base's forward: a step counter, and momentum None for a cumulative average.
        const at::NoGradGuard noGrad;
        num_batches_tracked += 1;
        const double factor = options.momentum().has_value()
                                  ? *options.momentum()
                                  : 1.0 / num_batches_tracked.item<double>();
        const at::Tensor unbiased = variance.detach() * (count / (count - 1));
        running_mean.mul_(1 - factor).add_(mean.detach().to(running_mean.scalar_type()), factor);
        running_var.mul_(1 - factor).add_(unbiased.to(running_var.scalar_type()), factor);
    }
    return output.to(input.scalar_type());
}

void BatchNorm2dImpl::pretty_print(std::ostream& stream) const {
    stream << std::boolalpha << "kestrel::models::BatchNorm2d(" << options.num_features()
           << ", eps=" << options.eps() << ", momentum=";
    if (options.momentum().has_value()) {
        stream << *options.momentum();
    } else {
        stream << "None";
    }
    stream << ", affine=" << options.affine()
           << ", track_running_stats=" << options.track_running_stats() << ')';
}

std::size_t setBatchStatisticsReducer(torch::nn::Module& model,
                                      const std::shared_ptr<BatchStatisticsReducer>& reducer) {
    std::size_t attached = 0;
    for (const auto& item : model.named_modules()) {
        torch::nn::Module* module = item.value().get();
        if (auto* norm = dynamic_cast<BatchNorm2dImpl*>(module)) {
            norm->setBatchStatisticsReducer(reducer);
            ++attached;
        } else if (dynamic_cast<torch::nn::BatchNorm2dImpl*>(module)) {
            throw Error(ErrorKind::InvalidArgument,
                        "The model's batch norm \"" + item.key() +
                            "\" cannot take its statistics over every rank: it is a plain "
                            "torch::nn::BatchNorm2d, not a models::BatchNorm2d.");
        }
    }
    return attached;
}

} // namespace kestrel::models
