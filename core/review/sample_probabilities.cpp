#include "review/sample_probabilities.h"

#include "loader/batch_loader.h"
#include "models/classifier.h"
#include "models/model_input.h"
#include "train/training_loaders.h"

#include <algorithm>
#include <cmath>

#include <torch/utils.h>

namespace kestrel::review {

namespace {

SampleScores scoresFrom(const float* probability, std::int64_t classes, std::int64_t truth) {
    SampleScores scores;
    scores.truth = truth;
    scores.probabilities.assign(probability, probability + classes);
    float top = -1;
    float second = 0;
    for (std::int64_t c = 0; c < classes; ++c) {
        const float p = probability[c];
        if (p > top) {
            second = std::max(top, 0.0f);
            top = p;
            scores.predicted = c;
        } else if (p > second) {
            second = p;
        }
    }
    scores.confidence = top;
    scores.margin = classes > 1 ? top - second : top;
    scores.truthProbability = truth >= 0 && truth < classes ? probability[truth] : 0.0f;
    // Clamped so that a probability rounded to 0 gives a large but finite loss.
    scores.loss = -std::log(std::max(scores.truthProbability, 1e-12f));
    return scores;
}

} // namespace

std::vector<SampleScores> scoreSamples(models::Classifier& model,
                                       const std::vector<loader::LoaderSample>& samples,
                                       const train::TrainOptions& options,
                                       const std::string& device, const std::atomic<bool>* stop) {
    std::vector<SampleScores> scores(samples.size());
    if (samples.empty()) {
        return scores;
    }
    const bool wasTraining = model.is_training();
    const torch::Device torchDevice(device);
    model.to(torchDevice);
    model.eval();
    torch::NoGradGuard noGradients;

    loader::BatchLoader batches(samples, train::evaluationLoaderOptions(options, 64));
    const models::ModelInput input(options.mean, options.std, torchDevice, options.channelsLast);

    batches.startEpoch(0);
    while (auto batch = batches.next()) {
        if (stop && stop->load()) {
            batches.stop();
            break;
        }
        const torch::Tensor probabilities =
            torch::softmax(model.forward(input(batch->images)).to(torch::kFloat), 1)
                .cpu()
                .contiguous();
        const std::int64_t classes = probabilities.size(1);
        const float* rows = probabilities.data_ptr<float>();
        for (std::size_t row = 0; row < batch->indices.size(); ++row) {
            const std::size_t index = batch->indices[row];
            scores[index] = scoresFrom(rows + static_cast<std::int64_t>(row) * classes, classes,
                                       samples[index].label);
        }
    }
    model.train(wasTraining);
    return scores;
}

} // namespace kestrel::review
