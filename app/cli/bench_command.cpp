#include "command.h"
#include "common/error.h"
#include "dataset/sample_query.h"
#include "export/untrained_export.h"
#include "infer/exported_model.h"
#include "infer/inference_benchmark.h"
#include "json_output.h"
#include "loader/loader_throughput.h"
#include "project/project.h"
#include "train/train_benchmark.h"

#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>
#include <string>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace kestrel::cli {

namespace {

struct LoaderBenchOptions {
    std::string folder;
    std::string split = "train";
    int imageSize = 224;
    int batchSize = 32;
    std::int64_t batches = 50;
    int workers = 2;
    bool augment = true;
    bool cache = false;
    bool json = false;
};

int runLoaderBench(const LoaderBenchOptions& options) {
    Project project = Project::open(options.folder);
    const dataset::LabelledSamples selection = dataset::labelledSamples(
        project, options.split == "all" ? std::nullopt : std::optional(options.split));
    if (selection.samples.empty()) {
        throw Error(ErrorKind::InvalidArgument, project.folder().string() +
                                                    " has no readable, labelled samples in the " +
                                                    options.split + " split to benchmark.");
    }
    std::vector<loader::LoaderSample> samples;
    samples.reserve(selection.samples.size());
    for (const auto& sample : selection.samples) {
        samples.push_back({sample.file.string(), sample.classIndex});
    }
    loader::LoaderOptions loader;
    loader.spec.width = options.imageSize;
    loader.spec.height = options.imageSize;
    loader.batchSize = options.batchSize;
    loader.workers = options.workers;
    loader.augment = options.augment;
    loader.augmentation = imaging::AugmentOptions::standard(); // what bench/loader_peer.py does
    loader.dropLast = true;
    // Measuring decoding is the point; the cache would hide it after the first epoch.
    loader.cacheBudgetBytes = options.cache ? loader.cacheBudgetBytes : 0;
    const loader::LoaderThroughput result = loader::measureLoader(samples, loader, options.batches);

    if (options.json) {
        printJson({{"images_per_second", result.imagesPerSecond},
                   {"images", result.images},
                   {"batches", result.batches},
                   {"seconds", result.seconds},
                   {"unreadable", result.unreadable},
                   {"workers", options.workers},
                   {"image_size", options.imageSize},
                   {"batch_size", options.batchSize},
                   {"augment", options.augment},
                   {"cache", options.cache}});
    } else {
        std::cout << std::fixed << std::setprecision(1) << result.imagesPerSecond
                  << " images/s: " << result.images << " images in " << result.batches
                  << " batches of " << options.batchSize << " at " << options.imageSize << " px, "
                  << options.workers << " workers" << (options.augment ? ", augmented" : "")
                  << (options.cache ? ", cached" : "") << ", " << std::setprecision(2)
                  << result.seconds << " s.\n";
    }
    return kSuccess;
}

struct TrainBenchCommandOptions {
    train::TrainBenchmarkOptions bench;
    std::string precision = "fp32";
    bool json = false;
};

int runTrainBench(TrainBenchCommandOptions options) {
    options.bench.precision = train::parsePrecision(options.precision);
    const train::TrainBenchmarkResult result = train::benchmarkTraining(options.bench);
    const auto& bench = options.bench;
    if (options.json) {
        printJson({{"images_per_second", result.imagesPerSecond},
                   {"images", result.images},
                   {"seconds", result.seconds},
                   {"device", result.device},
                   {"model", bench.model},
                   {"image_size", bench.imageSize},
                   {"batch_size", bench.batchSize},
                   {"channels", bench.channels},
                   {"steps", bench.steps},
                   {"precision", options.precision},
                   {"channels_last", bench.channelsLast}});
    } else {
        std::cout << std::fixed << std::setprecision(1) << result.imagesPerSecond
                  << " images/s training " << bench.model << " at " << bench.imageSize
                  << " px, batch " << bench.batchSize << ", " << options.precision
                  << (bench.channelsLast ? ", channels-last" : "") << " on " << result.device
                  << " (" << bench.steps << " steps in " << std::setprecision(2) << result.seconds
                  << " s).\n";
    }
    return kSuccess;
}

struct InferBenchOptions {
    std::string model; // a .pt/.onnx file or an architecture name
    int imageSize = 224;
    int channels = 3;
    int classes = 10;
    infer::InferenceBenchmarkOptions bench;
    bool json = false;
};

int runInferBench(const InferBenchOptions& options) {
    std::vector<std::filesystem::path> files;
    std::filesystem::path scratch;
    if (std::filesystem::exists(options.model)) {
        files.push_back(options.model);
    } else {
        scratch = std::filesystem::temp_directory_path() /
                  ("kestrel-bench-infer-" + std::to_string(getpid()));
        files = exporting::exportUntrainedArchitecture(options.model, options.imageSize,
                                                       options.channels, options.classes, scratch);
    }
    std::vector<infer::InferenceFigures> results;
    for (const auto& file : files) {
        auto model = infer::openExportedModel(file);
        results.push_back(infer::benchmarkInference(*model, options.bench));
    }
    if (!scratch.empty()) {
        std::filesystem::remove_all(scratch);
    }
    if (options.json) {
        nlohmann::json formats = nlohmann::json::array();
        for (const auto& figures : results) {
            formats.push_back({{"format", figures.format},
                               {"runtime", figures.runtime},
                               {"p50_ms", figures.p50Ms},
                               {"p99_ms", figures.p99Ms},
                               {"images_per_second", figures.imagesPerSecond},
                               {"runs", figures.runs},
                               {"batch_size", figures.batchSize}});
        }
        printJson({{"model", options.model},
                   {"image_size", options.imageSize},
                   {"channels", options.channels},
                   {"threads", options.bench.threads},
                   {"formats", formats}});
        return kSuccess;
    }
    for (const auto& figures : results) {
        std::cout << std::left << std::setw(12) << figures.format << std::right << std::fixed
                  << std::setprecision(2) << "p50 " << figures.p50Ms << " ms, p99 " << figures.p99Ms
                  << " ms (batch 1, " << figures.runs << " runs); " << std::setprecision(1)
                  << figures.imagesPerSecond << " images/s in batches of " << figures.batchSize
                  << "  [" << figures.runtime << "]\n";
    }
    return kSuccess;
}

} // namespace

Command addBenchCommand(CLI::App& root) {
    auto loaderOptions = std::make_shared<LoaderBenchOptions>();
    CLI::App* parser = root.add_subcommand("bench", "Measure throughput and latency");
    parser->require_subcommand(1);
    CLI::App* loader = parser->add_subcommand(
        "loader", "Images per second through decode, augment and batch, from a project");
    loader->add_option("project", loaderOptions->folder, "Project folder")->required();
    loader->add_option("--split", loaderOptions->split, "train, val, test or all")
        ->check(CLI::IsMember({"train", "val", "test", "all"}))
        ->default_str("train");
    loader->add_option("--image-size", loaderOptions->imageSize, "Square size in pixels")
        ->check(CLI::Range(8, 4096))
        ->default_str("224");
    loader->add_option("--batch-size", loaderOptions->batchSize, "Images per batch")
        ->check(CLI::Range(1, 4096))
        ->default_str("32");
    loader->add_option("--batches", loaderOptions->batches, "Batches to time")
        ->check(CLI::Range(1, 1000000))
        ->default_str("50");
    loader->add_option("--workers", loaderOptions->workers, "Decoding threads")
        ->check(CLI::Range(1, 256))
        ->default_str("2");
    loader->add_flag("!--no-augment", loaderOptions->augment,
                     "Decode and resize only (evaluation mode)");
    loader->add_flag("--cache", loaderOptions->cache,
                     "Keep decoded images between epochs (as training does)");
    loader->add_flag("--json", loaderOptions->json, "Print one JSON object to stdout");

    auto trainOptions = std::make_shared<TrainBenchCommandOptions>();
    CLI::App* trainer = parser->add_subcommand(
        "train", "Training images per second of a model on random data (no project needed)");
    auto& bench = trainOptions->bench;
    trainer->add_option("--model", bench.model, "Architecture")->default_str("resnet18");
    trainer->add_option("--image-size", bench.imageSize, "Square size in pixels")
        ->check(CLI::Range(8, 4096))
        ->default_str("224");
    trainer->add_option("--batch-size", bench.batchSize, "Images per batch")
        ->check(CLI::Range(1, 65536))
        ->default_str("32");
    trainer->add_option("--channels", bench.channels, "1 (gray) or 3 (RGB)")
        ->check(CLI::IsMember({1, 3}))
        ->default_str("3");
    trainer->add_option("--steps", bench.steps, "Steps to time, after 3 warm-up steps")
        ->check(CLI::Range(1, 1000000))
        ->default_str("20");
    trainer->add_option("--device", bench.device, "auto, cpu, cuda or cuda:N")->default_str("auto");
    trainer->add_option("--precision", trainOptions->precision, "fp32, fp16 or bf16 (CUDA)")
        ->check(CLI::IsMember({"fp32", "fp16", "bf16"}))
        ->default_str("fp32");
    trainer->add_flag("--channels-last,!--no-channels-last", bench.channelsLast,
                      "Channels-last memory layout, as training uses by default "
                      "(--no-channels-last: NCHW)");
    trainer->add_option("--threads", bench.threads, "CPU threads (0: all)")->default_str("0");
    trainer->add_flag("--json", trainOptions->json, "Print one JSON object to stdout");

    auto inferOptions = std::make_shared<InferBenchOptions>();
    CLI::App* inference = parser->add_subcommand(
        "infer", "Latency and throughput of an exported model, or of an architecture exported "
                 "untrained to both formats");
    inference->add_option("model", inferOptions->model, "A .pt or .onnx file, or an architecture")
        ->required();
    inference->add_option("--image-size", inferOptions->imageSize, "Architecture: square size")
        ->check(CLI::Range(16, 4096))
        ->default_str("224");
    inference->add_option("--channels", inferOptions->channels, "Architecture: 1 or 3")
        ->check(CLI::IsMember({1, 3}))
        ->default_str("3");
    inference->add_option("--classes", inferOptions->classes, "Architecture: class count")
        ->check(CLI::Range(2, 100000))
        ->default_str("10");
    inference->add_option("--runs", inferOptions->bench.runs, "Timed batch-1 runs")
        ->check(CLI::Range(1, 1000000))
        ->default_str("50");
    inference->add_option("--batch-size", inferOptions->bench.batchSize, "Batch for throughput")
        ->check(CLI::Range(1, 4096))
        ->default_str("8");
    inference->add_option("--threads", inferOptions->bench.threads, "CPU threads (0: all)")
        ->default_str("0");
    inference->add_flag("--json", inferOptions->json, "Print one JSON object to stdout");

    return {parser, [loaderOptions, loader, trainOptions, trainer, inferOptions, inference] {
                if (inference->parsed()) {
                    return runInferBench(*inferOptions);
                }
                if (loader->parsed()) {
                    return runLoaderBench(*loaderOptions);
                }
                if (trainer->parsed()) {
                    return runTrainBench(*trainOptions);
                }
                return static_cast<int>(kUsageError);
            }};
}

} // namespace kestrel::cli
