#include "review/sample_probabilities.h"

#include "loader/batch_loader.h"
#include "models/classifier.h"
#include "models/model_input.h"
#include "tasks/task.h"
#include "train/training_loaders.h"

#include <ATen/core/grad_mode.h>

namespace kestrel::review {

std::vector<tasks::SampleScores>
scoreSamples(models::Classifier& model, const std::vector<loader::LoaderSample>& samples,
             const train::TrainOptions& options, const std::string& device,
             const std::atomic<bool>* stop, const std::function<void(std::size_t scored)>& scored) {
    std::vector<tasks::SampleScores> scores(samples.size());
    const tasks::Task& task = tasks::taskFor(options.task);
    if (samples.empty()) {
        return scores;
    }
    const bool wasTraining = model.is_training();
    const torch::Device torchDevice(device);
    model.to(torchDevice);
    model.eval();
    at::NoGradGuard noGradients;

    loader::BatchLoader batches(samples, train::evaluationLoaderOptions(options, 64));
    const models::ModelInput input(options.mean, options.std, torchDevice, options.channelsLast);

    batches.startEpoch(0);
    std::size_t done = 0;
    while (auto batch = batches.next()) {
        if (stop && stop->load()) {
            batches.stop();
            break;
        }
        const torch::Tensor outputs = task.applyHead(
            model.forward(input(batch->images)).to(torch::kFloat).cpu().contiguous());
        std::vector<tasks::SampleScores> batchScores =
            task.sampleScores(outputs.contiguous(), batch->labels, batch->targets());
        for (std::size_t row = 0; row < batch->indices.size(); ++row) {
            scores[batch->indices[row]] = std::move(batchScores[row]);
        }
        done += batch->indices.size();
        if (scored) {
            scored(done);
        }
    }
    model.train(wasTraining);
    return scores;
}

} // namespace kestrel::review
