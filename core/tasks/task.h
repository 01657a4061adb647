#pragma once

#include "common/task_kind.h"
#include "models/architectures.h"
#include "tasks/evaluation.h"
#include "tasks/evaluation_share.h"
#include "tasks/sample_scores.h"

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

namespace kestrel::loader {
class BatchLoader;
struct LoaderSample;
} // namespace kestrel::loader

namespace kestrel::models {
class Classifier;
class ModelInput;
using ClassifierPtr = std::shared_ptr<Classifier>;
} // namespace kestrel::models

namespace kestrel::tasks {

// The run options that shape a task's loss (train::TrainOptions holds them).
struct LossSettings {
    double labelSmoothing = 0;
    bool classWeights = false; // weight by 1 / class frequency in the training samples
    // The training input's size (detection places its cells by it).
    int inputWidth = 0;
    int inputHeight = 0;
};

// A task's training loss over one batch: the model's float32 outputs and the loader's targets,
// both on the training device; returns a scalar.
class TaskLoss {
public:
    virtual ~TaskLoss() = default;
    virtual at::Tensor operator()(const at::Tensor& outputs, const at::Tensor& targets) const = 0;
};

// A validation figure that may pick the best checkpoint and stop early.
struct MonitorMetric {
    std::string name; // as stored: "val_accuracy"
    bool higherIsBetter = true;
};

// What exported models put after the layer graph's output, and call the result.
struct ExportHead {
    enum class Activation {
        Softmax, // over axis 1
        None,    // the graph's output as it is, decoded by whoever reads it (detection's
                 // N x (K + 5) x cells x 1, the eager model's N x (K + 5) x cells)
    };
    Activation activation = Activation::Softmax;
    std::string outputName;  // the ONNX output and metadata.json's "output"
    std::string description; // for the ONNX graph's doc string
};

// What differs between kinds of model. The trainer, the run store, export, review, the CLI
// and the window hold a `const Task&` (from taskFor) and call these; everything else (the
// loop, optimizers, checkpoints, the loader, runs, export verification) is shared. One
// implementation per TaskKind, stateless, in this folder.
class Task {
public:
    virtual ~Task() = default;

    virtual TaskKind kind() const = 0;

    // --- Model family.
    // The registry's architectures this task trains, in the order the CLI lists them.
    virtual std::vector<std::string> architectures() const = 0;
    // A new model, freshly initialised (seeded by torch::manual_seed). Throws kestrel::Error
    // for an architecture not in architectures().
    virtual models::ClassifierPtr createModel(const models::ClassifierSpec& spec) const = 0;

    // --- Loss.
    virtual std::unique_ptr<TaskLoss> createLoss(const LossSettings& settings,
                                                 const std::vector<loader::LoaderSample>& train,
                                                 int classes, const c10::Device& device) const = 0;
    // How many of a training batch's rows are right (per-pixel tasks: the sum of each row's
    // share of right pixels): the train_accuracy figure, over the rows.
    virtual double countCorrect(const at::Tensor& outputs, const at::Tensor& targets) const = 0;

    // --- Metrics.
    // One pass of `model` in eval mode without gradients over `loader` (which must not
    // augment), summed up: combine({evaluateShare(...)}). `stop`, when given and set, ends it
    // early.
    EvaluationResult evaluate(models::Classifier& model, loader::BatchLoader& loader,
                              const models::ModelInput& input, int classes,
                              const std::string& split,
                              const std::atomic<bool>* stop = nullptr) const;
    // That pass without the figures: what each sample (of a sharded loader: each of its
    // shard's) gave.
    virtual EvaluationShare evaluateShare(models::Classifier& model, loader::BatchLoader& loader,
                                          const models::ModelInput& input, int classes,
                                          const std::atomic<bool>* stop = nullptr) const = 0;
    // The evaluation of the samples of all `shares` (disjoint, in any order): predictions in
    // sample order and figures computed from all samples, so one share gives what evaluate
    // gives and the shares of data-parallel ranks give what one process's pass would.
    EvaluationResult combine(std::vector<EvaluationShare> shares, int classes,
                             const std::string& split) const;
    // The figures of `all` (merged shares, in sample order) but its split and areas, which
    // combine fills in.
    virtual Evaluation summarise(const EvaluationShare& all, int classes) const = 0;
    // An evaluation's named figures for the metrics table, each name after `prefix`.
    virtual std::map<std::string, double> metrics(const Evaluation& evaluation,
                                                  const std::vector<std::string>& classes,
                                                  const std::string& prefix) const = 0;
    // The figures a run may monitor; the first is the default.
    virtual const std::vector<MonitorMetric>& monitorMetrics() const = 0;

    // --- Export.
    virtual ExportHead exportHead() const = 0;
    // The head on eager outputs, as the exported model computes it (float32 in and out).
    virtual at::Tensor applyHead(const at::Tensor& outputs) const = 0;

    // --- Review data.
    // One entry per row of `headOutputs` (applyHead's, on the CPU, contiguous), against the
    // given labels `truth` (int64, one per row) and the batch's targets (Batch::targets():
    // the labels again, or per-pixel classes for segmentation).
    virtual std::vector<SampleScores> sampleScores(const at::Tensor& headOutputs,
                                                   const at::Tensor& truth,
                                                   const at::Tensor& targets) const = 0;
};

// The one Task of each kind.
const Task& taskFor(TaskKind kind);

// The monitor metric named `name` for `task`; throws kestrel::Error (InvalidArgument) naming it
// and the task's choices.
const MonitorMetric& monitorMetric(const Task& task, const std::string& name);

} // namespace kestrel::tasks
