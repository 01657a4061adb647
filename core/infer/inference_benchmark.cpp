#include "infer/inference_benchmark.h"

#include "infer/exported_model.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include <ATen/Parallel.h>
#include <opencv2/core/utility.hpp>
#include <torch/utils.h>

namespace kestrel::infer {

namespace {

using Clock = std::chrono::steady_clock;

double millisecondsSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double percentile(std::vector<double> values, double fraction) {
    std::sort(values.begin(), values.end());
    const auto index =
        static_cast<std::size_t>(fraction * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

} // namespace

InferenceFigures benchmarkInference(ExportedModel& model,
                                    const InferenceBenchmarkOptions& options) {
    const int threads = options.threads > 0
                            ? options.threads
                            : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    at::set_num_threads(threads);
    cv::setNumThreads(threads);

    const auto& metadata = model.metadata();
    const std::size_t imageFloats = static_cast<std::size_t>(metadata.channels) *
                                    static_cast<std::size_t>(metadata.height) *
                                    static_cast<std::size_t>(metadata.width);
    const int batch = std::max(1, options.batchSize);
    std::vector<float> pixels(imageFloats * static_cast<std::size_t>(batch));
    std::mt19937 random(7);
    std::uniform_real_distribution<float> uniform(0.0F, 1.0F);
    std::generate(pixels.begin(), pixels.end(), [&] { return uniform(random); });

    InferenceFigures figures;
    figures.format = toString(model.format());
    figures.runtime = model.runtime();
    figures.runs = std::max(1, options.runs);
    figures.batchSize = batch;
    for (int i = 0; i < 5; ++i) {
        model.run(pixels.data(), 1);
    }
    std::vector<double> latencies;
    for (int i = 0; i < figures.runs; ++i) {
        const auto start = Clock::now();
        model.run(pixels.data(), 1);
        latencies.push_back(millisecondsSince(start));
    }
    figures.p50Ms = percentile(latencies, 0.5);
    figures.p99Ms = percentile(latencies, 0.99);

    model.run(pixels.data(), batch); // warm-up at this batch size
    const int batches = std::max(3, figures.runs / batch);
    const auto start = Clock::now();
    for (int i = 0; i < batches; ++i) {
        model.run(pixels.data(), batch);
    }
    figures.imagesPerSecond = 1000.0 * batches * batch / millisecondsSince(start);
    return figures;
}

} // namespace kestrel::infer
