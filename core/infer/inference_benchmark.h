#pragma once

#include <string>

namespace kestrel::infer {

class ExportedModel;

struct InferenceFigures {
    std::string format;
    std::string runtime;
    double p50Ms = 0; // batch-1 latency, median
    double p99Ms = 0;
    double imagesPerSecond = 0; // batches of `batchSize`
    int runs = 0;
    int batchSize = 0;
};

struct InferenceBenchmarkOptions {
    int runs = 50;     // timed batch-1 calls, after 5 untimed ones
    int batchSize = 8; // for throughput
    int threads = 0;   // CPU threads for LibTorch and OpenCV (0: one per core)
};

// Times `model` on random images of its input shape, in this process.
InferenceFigures benchmarkInference(ExportedModel& model, const InferenceBenchmarkOptions& options);

} // namespace kestrel::infer
