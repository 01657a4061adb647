#include "export/anomaly_writers.h"

#include "anomaly/anomaly_model.h"
#include "common/error.h"
#include "export/onnx_graph.h"
#include "export/torchscript_graph.h"
#include "infer/model_metadata.h"
#include "models/layer_graph.h"
#include "models/layer_graph_script.h"
#include "models/resnet.h"

#include <sstream>

#include <ATen/ops/full.h>
#include <ATen/ops/zeros.h>
#include <torch/csrc/jit/api/module.h>

namespace kestrel::exporting {

namespace {

// The backbone up to the last compared stage, and the values of the compared stages.
struct BackboneGraph {
    models::LayerGraph graph;
    std::vector<int> stages; // LayerGraph values of model.stages(), in order
};

BackboneGraph backboneGraph(anomaly::AnomalyModel& model, const infer::ModelMetadata& metadata) {
    models::ResNet& backbone = model.backbone();
    BackboneGraph result{
        models::LayerGraph(backbone, {metadata.channels, metadata.height, metadata.width}), {}};
    const auto stages = model.stages();
    const auto values = backbone.appendStages(result.graph, stages.back());
    for (const int stage : stages) {
        result.stages.push_back(values.at(static_cast<std::size_t>(stage - 1)));
    }
    return result;
}

std::string number(double value) {
    std::ostringstream out;
    out.precision(17);
    out << value;
    const std::string text = out.str();
    // TorchScript reads "1" as an int; the head's constants are floats.
    return text.find_first_of(".eEn") == std::string::npos ? text + ".0" : text;
}

// PaDiM's per-position whitening as one grouped 1x1 convolution over the P x C' features
// (group p maps position p's C' channels by L_p^T, the bias subtracting mean_p L_p): ONNX
// has no batched product with a constant that OpenCV 4.6 runs, and a convolution it runs well.
std::pair<at::Tensor, at::Tensor> whiteningConvolution(const anomaly::PadimGaussians& gaussians) {
    const auto& factors = gaussians.inverseCholesky.cpu();    // P x C x C
    const auto weight = factors.transpose(1, 2).contiguous(); // [p][o][c] = L_p[c][o]
    const auto positions = weight.size(0);
    const auto channels = weight.size(1);
    const auto bias = -at::matmul(gaussians.mean.cpu().unsqueeze(1), factors).squeeze(1);
    return {weight.reshape({positions * channels, channels, 1, 1}),
            bias.reshape({positions * channels}).contiguous()};
}

// ------------------------------------------------------------------ TorchScript

std::string scriptFeatures(anomaly::AnomalyModel& model, const BackboneGraph& backbone,
                           torch::jit::Module& module) {
    std::ostringstream source;
    const bool patchcore = model.options().method == anomaly::AnomalyMethod::PatchCore;
    std::string parts;
    for (std::size_t i = 0; i < backbone.stages.size(); ++i) {
        const std::string name = "s" + std::to_string(i);
        std::string value = models::scriptValue(backbone.stages[i]);
        if (patchcore) {
            value = "torch.avg_pool2d(" + value + ", [3, 3], [1, 1], [1, 1])";
        }
        source << "    " << name << " = " << value << "\n";
        if (const auto [rows, columns] = model.stageResampling(i); rows.defined()) {
            const std::string stem = "stage" + std::to_string(i);
            module.register_buffer(stem + "_columns_t", columns.t().contiguous());
            module.register_buffer(stem + "_rows_t", rows.t().contiguous());
            source << "    " << name << " = torch.matmul(torch.matmul(" << name << ", self." << stem
                   << "_columns_t).transpose(2, 3), self." << stem << "_rows_t).transpose(2, 3)\n";
        }
        parts += (parts.empty() ? "" : ", ") + name;
    }
    source << "    e = torch.cat([" << parts << "], 1)\n";
    if (!patchcore) {
        module.register_buffer("channels", model.gaussians().channels.cpu());
        source << "    e = torch.index_select(e, 1, self.channels)\n";
    }
    return source.str();
}

std::string scriptPatchCore(anomaly::AnomalyModel& model, torch::jit::Module& module) {
    const auto& bank = model.bank();
    module.register_buffer("memory", bank.memory.cpu().contiguous());
    module.register_buffer("memory_t", bank.memory.cpu().t().contiguous());
    module.register_buffer("memory_norms", bank.memoryNorms.cpu().contiguous());
    const std::string sharp = number(bank.sharpness);
    std::ostringstream source;
    source << "    p = e.reshape(n, e.size(1), -1).transpose(1, 2)\n"
           << "    d2 = (p * p).sum(2, True) - 2.0 * torch.matmul(p, self.memory_t) + "
              "self.memory_norms\n"
           << "    s = torch.sqrt(torch.relu(torch.amin(d2, 2)))\n"
           << "    top = torch.amax(s, 1, True)\n";
    if (model.options().neighbours <= 1) {
        source << "    raw = top.reshape(n)\n";
        return source.str();
    }
    source << "    pick = torch.softmax(s * " << sharp << ", 1)\n"
           << "    worst = (pick.unsqueeze(2) * p).sum(1)\n"
           << "    to_memory = torch.sqrt(torch.relu((worst * worst).sum(1, True) - 2.0 * "
              "torch.matmul(worst, self.memory_t) + self.memory_norms))\n"
           << "    nearest = torch.amin(to_memory, 1, True)\n"
           << "    chosen = torch.softmax(to_memory * -" << sharp << ", 1)\n"
           << "    anchor = torch.matmul(chosen, self.memory)\n"
           << "    from_anchor = torch.sqrt(torch.relu((anchor * anchor).sum(1, True) - 2.0 * "
              "torch.matmul(anchor, self.memory_t) + self.memory_norms))\n"
           << "    lifted = torch.exp(to_memory - nearest)\n"
           << "    total = torch.zeros_like(nearest)\n"
           << "    for k in range(" << model.options().neighbours << "):\n"
           << "        closest = torch.amin(from_anchor, 1, True)\n"
           << "        mask = torch.exp((closest - from_anchor) * " << sharp << ")\n"
           << "        total = total + (mask * lifted).sum(1, True) / mask.sum(1, True)\n"
           << "        from_anchor = from_anchor + torch.relu(mask - 0.5) * 1e30\n"
           << "    raw = (top * ((total - 1.0) / total)).reshape(n)\n";
    return source.str();
}

std::string scriptPadim(anomaly::AnomalyModel& model, torch::jit::Module& module) {
    const auto& gaussians = model.gaussians();
    module.register_buffer("gaussian_mean", gaussians.mean.cpu().unsqueeze(1).contiguous());
    module.register_buffer("inverse_cholesky", gaussians.inverseCholesky.cpu().contiguous());
    return "    centred = e.reshape(n, e.size(1), -1).permute(2, 0, 1) - self.gaussian_mean\n"
           "    whitened = torch.matmul(centred, self.inverse_cholesky)\n"
           "    s = torch.sqrt(torch.relu((whitened * whitened).sum(2))).t()\n";
}

// ------------------------------------------------------------------ ONNX

// Applies a side's resampling matrices (out x in) to `input`'s last two dimensions.
std::string onnxResample(OnnxGraphBuilder& builder, const std::string& input,
                         const at::Tensor& rows, const at::Tensor& columns,
                         const std::string& stem) {
    const auto c = builder.initializer(stem + "_columns_t", columns.t().contiguous());
    const auto r = builder.initializer(stem + "_rows_t", rows.t().contiguous());
    const auto byColumns = builder.fresh(stem + "_by_columns");
    builder.node("MatMul", {input, c}, byColumns);
    const auto turned = builder.fresh(stem + "_turned");
    setInts(builder.node("Transpose", {byColumns}, turned), "perm", {0, 1, 3, 2});
    const auto byRows = builder.fresh(stem + "_by_rows");
    builder.node("MatMul", {turned, r}, byRows);
    const auto out = builder.fresh(stem);
    setInts(builder.node("Transpose", {byRows}, out), "perm", {0, 1, 3, 2});
    return out;
}

class OnnxHead {
public:
    explicit OnnxHead(OnnxGraphBuilder& builder) : b_(builder) {}

    std::string scalar(float value) {
        return b_.initializer(b_.fresh("constant"), std::vector<int64_t>{},
                              std::vector<float>{value});
    }
    std::string op(const std::string& type, const std::vector<std::string>& inputs) {
        const auto out = b_.fresh(type);
        b_.node(type, inputs, out);
        return out;
    }
    // Sums over one axis as ReduceMean times its size: opset 13's ReduceSum takes its axes as
    // an input, which OpenCV 4.6 does not read.
    std::string sum(const std::string& input, int64_t axis, int64_t size, bool keep) {
        const auto out = b_.fresh("ReduceMean");
        auto& node = b_.node("ReduceMean", {input}, out);
        setInts(node, "axes", {axis});
        setInt(node, "keepdims", keep ? 1 : 0);
        return op("Mul", {out, scalar(static_cast<float>(size))});
    }
    std::string reduce(const std::string& type, const std::string& input, int64_t axis, bool keep) {
        const auto out = b_.fresh(type);
        auto& node = b_.node(type, {input}, out);
        setInts(node, "axes", {axis});
        setInt(node, "keepdims", keep ? 1 : 0);
        return out;
    }
    // exp(x) / sum(exp(x)) along `axis`: the normalised weights without a broadcast Div.
    std::string softmax(const std::string& input, int64_t axis) {
        const auto out = b_.fresh("Softmax");
        setInt(b_.node("Softmax", {input}, out), "axis", axis);
        return out;
    }
    std::string reshape(const std::string& input, const std::vector<int64_t>& shape) {
        return op("Reshape", {input, b_.integers(b_.fresh("shape"), shape)});
    }
    std::string transpose(const std::string& input, const std::vector<int64_t>& perm) {
        const auto out = b_.fresh("Transpose");
        setInts(b_.node("Transpose", {input}, out), "perm", perm);
        return out;
    }
    // sqrt(relu(|x|^2 - 2 x M^T + |m|^2)) for rows x (.. x D) against the bank.
    std::string distances(const std::string& x, int64_t rank, int64_t dimensions,
                          const std::string& memoryT, const std::string& norms) {
        const auto squared = sum(op("Mul", {x, x}), rank - 1, dimensions, true);
        const auto dots = op("Mul", {op("MatMul", {x, memoryT}), scalar(-2.0F)});
        return op("Sqrt", {op("Relu", {op("Add", {op("Add", {dots, squared}), norms})})});
    }
    // clamp((raw - threshold) / scale + 0.5, 0, 1) as Relu steps (Clip's bounds are inputs
    // in opset 13, which OpenCV 4.6 does not read).
    std::string normalise(const std::string& raw, double threshold, double scale,
                          const std::string& output) {
        const auto shifted =
            op("Add", {op("Mul", {op("Sub", {raw, scalar(static_cast<float>(threshold))}),
                                  scalar(static_cast<float>(1.0 / scale))}),
                       scalar(0.5F)});
        const auto low = op("Relu", {shifted});
        const auto flipped = op("Relu", {op("Sub", {scalar(1.0F), low})});
        b_.node("Sub", {scalar(1.0F), flipped}, output);
        return output;
    }

    OnnxGraphBuilder& builder() { return b_; }

private:
    OnnxGraphBuilder& b_;
};

std::string onnxPatchScores(anomaly::AnomalyModel& model, OnnxHead& head,
                            const std::string& features, std::string& patches) {
    auto& b = head.builder();
    const auto& bank = model.bank();
    const auto d = bank.memory.size(1);
    const auto memoryT = b.initializer("memory_t", bank.memory.cpu().t().contiguous());
    const auto norms = b.initializer("memory_norms", bank.memoryNorms.cpu().contiguous());
    patches = head.transpose(head.reshape(features, {0, d, -1}), {0, 2, 1}); // N x P x D
    const auto squared = head.sum(head.op("Mul", {patches, patches}), 2, d, true);
    const auto dots = head.op("Mul", {head.op("MatMul", {patches, memoryT}), head.scalar(-2.0F)});
    const auto d2 = head.op("Add", {head.op("Add", {dots, squared}), norms});
    return head.op("Sqrt", {head.op("Relu", {head.reduce("ReduceMin", d2, 2, false)})});
}

std::string onnxReweighted(anomaly::AnomalyModel& model, OnnxHead& head, const std::string& s,
                           const std::string& patches) {
    auto& b = head.builder();
    const auto& bank = model.bank();
    const auto d = bank.memory.size(1);
    const auto top = head.reduce("ReduceMax", s, 1, true);
    if (model.options().neighbours <= 1) {
        return top;
    }
    const auto sharp = head.scalar(static_cast<float>(bank.sharpness));
    const auto negativeSharp = head.scalar(static_cast<float>(-bank.sharpness));
    const auto memory = b.initializer("memory", bank.memory.cpu().contiguous());
    const auto memoryT = std::string("memory_t");
    const auto norms = std::string("memory_norms");
    const auto pick = head.softmax(head.op("Mul", {s, sharp}), 1);
    // From here on one row per image as N x 1 x ...: OpenCV 4.6 runs these broadcasts in three
    // dimensions and not in two. The weighted sum over patches is a product (it cannot
    // broadcast N x P x 1 against N x P x D either).
    const auto worst = head.op("MatMul", {head.reshape(pick, {0, 1, -1}), patches});
    const auto toMemory = head.distances(worst, 3, d, memoryT, norms); // N x 1 x M
    const auto nearest = head.reduce("ReduceMin", toMemory, 2, true);
    const auto chosen = head.softmax(head.op("Mul", {toMemory, negativeSharp}), 2);
    const auto anchor = head.op("MatMul", {chosen, memory});
    auto fromAnchor = head.distances(anchor, 3, d, memoryT, norms);
    const auto lifted = head.op("Exp", {head.op("Sub", {toMemory, nearest})});
    std::string total;
    for (int k = 0; k < model.options().neighbours; ++k) {
        const auto closest = head.reduce("ReduceMin", fromAnchor, 2, true);
        // The full-size operand first: OpenCV 4.6 gives a broadcast the first input's shape.
        const auto mask = head.op(
            "Exp", {head.op("Mul", {head.op("Sub", {fromAnchor, closest}), negativeSharp})});
        const auto part =
            head.op("Div", {head.reduce("ReduceMean", head.op("Mul", {mask, lifted}), 2, true),
                            head.reduce("ReduceMean", mask, 2, true)});
        total = total.empty() ? part : head.op("Add", {total, part});
        // Only the nearest (weight above one half) leaves the bank for the next round.
        const auto leaving = head.op("Relu", {head.op("Sub", {mask, head.scalar(0.5F)})});
        fromAnchor = head.op("Add", {fromAnchor, head.op("Mul", {leaving, head.scalar(1e30F)})});
    }
    const auto weight = head.op("Div", {head.op("Sub", {total, head.scalar(1.0F)}), total});
    return head.op("Mul", {top, head.reshape(weight, {0, 1})});
}

std::string onnxPadimScores(anomaly::AnomalyModel& model, OnnxHead& head,
                            const std::string& features) {
    auto& b = head.builder();
    const auto& gaussians = model.gaussians();
    const auto c = gaussians.mean.size(1);
    const auto positions = gaussians.mean.size(0);
    const auto [weight, bias] = whiteningConvolution(gaussians);
    const auto byPosition = head.reshape(
        head.transpose(head.reshape(features, {0, c, -1}), {0, 2, 1}), {0, positions * c, 1, 1});
    const auto whitened = b.fresh("whitened");
    auto& conv = b.node("Conv",
                        {byPosition, b.initializer("whitening.weight", weight),
                         b.initializer("whitening.bias", bias)},
                        whitened);
    setInts(conv, "kernel_shape", {1, 1});
    setInt(conv, "group", positions);
    const auto squares = head.reshape(head.op("Mul", {whitened, whitened}), {0, positions, c});
    return head.op("Sqrt", {head.op("Relu", {head.sum(squares, 2, c, false)})});
}

std::int64_t bytesOf(const at::Tensor& tensor) {
    return tensor.defined() ? tensor.numel() * static_cast<std::int64_t>(tensor.element_size()) : 0;
}

} // namespace

void writeAnomalyTorchScript(anomaly::AnomalyModel& model, const infer::ModelMetadata& metadata,
                             const std::filesystem::path& file) {
    const BackboneGraph backbone = backboneGraph(model, metadata);
    torch::jit::Module module(c10::QualifiedName("__torch__.kestrel.AnomalyDetector"));
    registerNormalisation(module, metadata);
    models::registerGraphTensors(module, backbone.graph);
    const auto [rows, columns] = model.mapResampling();
    module.register_buffer("map_rows_t", rows.t().contiguous());
    module.register_buffer("map_columns_t", columns.t().contiguous());
    const auto [gridHeight, gridWidth] = model.patchGrid();
    const bool patchcore = model.options().method == anomaly::AnomalyMethod::PatchCore;
    const auto& n = model.normalisation();
    const auto scale = [](double low, double high) {
        return high > low ? high - low : 1.0;
    };

    std::ostringstream source;
    source << "def forward(self, images: Tensor) -> Tuple[Tensor, Tensor]:\n"
           << inputStatements(metadata) << models::graphStatements(backbone.graph)
           << "    n = images.size(0)\n"
           << scriptFeatures(model, backbone, module)
           << (patchcore ? scriptPatchCore(model, module) : scriptPadim(model, module))
           << "    maps = s.reshape(n, 1, " << gridHeight << ", " << gridWidth << ")\n"
           << "    maps = torch.matmul(torch.matmul(maps, self.map_columns_t).transpose(2, 3), "
              "self.map_rows_t).transpose(2, 3)\n";
    if (!patchcore) {
        source << "    raw = torch.amax(maps.reshape(n, -1), 1)\n";
    }
    source << "    score = torch.clamp((raw - " << number(n.threshold) << ") / "
           << number(scale(n.imageMin, n.imageMax)) << " + 0.5, 0.0, 1.0)\n"
           << "    heat = torch.clamp((maps - " << number(n.threshold) << ") / "
           << number(scale(n.mapMin, n.mapMax)) << " + 0.5, 0.0, 1.0)\n"
           << "    return score, heat\n";
    module.define(source.str());
    saveTorchScript(module, metadata, file);
}

void writeAnomalyOnnx(anomaly::AnomalyModel& model, const infer::ModelMetadata& metadata,
                      const std::filesystem::path& file) {
    // Protobuf refuses messages over 2 GiB; say so before building one.
    const std::int64_t constants =
        bytesOf(model.bank().memory) * 2 + bytesOf(model.gaussians().inverseCholesky) + (200 << 20);
    if (constants >= (std::int64_t{2} << 30)) {
        throw Error(ErrorKind::InvalidArgument,
                    "The ONNX model for " + file.string() + " would hold " +
                        std::to_string(constants >> 20) +
                        " MiB of constants, past protobuf's 2 GiB limit; export TorchScript, or "
                        "fit with resnet18, fewer PaDiM channels or a smaller coreset.");
    }
    const BackboneGraph backbone = backboneGraph(model, metadata);
    onnx::ModelProto proto;
    describeOnnxModel(proto, metadata,
                      "Kestrel " + anomaly::toString(model.options().method) +
                          " anomaly detector on " + metadata.model + ", run " +
                          std::to_string(metadata.run) +
                          ": images in [0, 1]; score (0-1, defect at 0.5 or more) and map out.");
    onnx::GraphProto& graph = *proto.mutable_graph();
    setTensorType(*graph.add_output(), "score", {});
    setTensorType(*graph.add_output(), "map", {1, metadata.height, metadata.width});
    OnnxGraphBuilder builder(graph);
    writeInputNormalisation(builder, metadata);
    writeNodes(builder, backbone.graph);
    OnnxHead head(builder);

    const bool patchcore = model.options().method == anomaly::AnomalyMethod::PatchCore;
    std::vector<std::string> parts;
    for (std::size_t i = 0; i < backbone.stages.size(); ++i) {
        std::string value = valueName(backbone.stages[i]);
        if (patchcore) {
            // torch's 3x3 average counting the zero padding, as a depthwise convolution:
            // OpenCV 4.6 ignores AveragePool's count_include_pad and divides by fewer at the
            // borders.
            const auto channels = model.backbone().stageChannels(model.stages()[i]);
            const auto pooled = builder.fresh("pooled");
            auto& pool = builder.node(
                "Conv",
                {value, builder.initializer(pooled + ".weight",
                                            at::full({channels, 1, 3, 3}, 1.0F / 9.0F))},
                pooled);
            setInts(pool, "kernel_shape", {3, 3});
            setInts(pool, "pads", {1, 1, 1, 1});
            setInt(pool, "group", channels);
            value = pooled;
        }
        if (const auto [rows, columns] = model.stageResampling(i); rows.defined()) {
            value = onnxResample(builder, value, rows, columns, "stage" + std::to_string(i));
        }
        parts.push_back(value);
    }
    std::string features = builder.fresh("features");
    setInt(builder.node("Concat", parts, features), "axis", 1);
    if (!patchcore) {
        // The kept channels as a 1x1 convolution of one-hot rows (no Gather in OpenCV 4.6).
        const auto channels = model.gaussians().channels.cpu();
        std::int64_t width = 0;
        for (const int stage : model.stages()) {
            width += model.backbone().stageChannels(stage);
        }
        auto select = at::zeros({channels.size(0), width, 1, 1});
        for (std::int64_t i = 0; i < channels.size(0); ++i) {
            select[i][channels[i].item<std::int64_t>()][0][0] = 1.0F;
        }
        const auto selected = builder.fresh("selected");
        auto& conv = builder.node(
            "Conv", {features, builder.initializer("channel_select.weight", select)}, selected);
        setInts(conv, "kernel_shape", {1, 1});
        features = selected;
    }
    std::string patches;
    const auto s = patchcore ? onnxPatchScores(model, head, features, patches)
                             : onnxPadimScores(model, head, features);
    const auto [gridHeight, gridWidth] = model.patchGrid();
    const auto [rows, columns] = model.mapResampling();
    const auto maps = onnxResample(builder, head.reshape(s, {-1, 1, gridHeight, gridWidth}), rows,
                                   columns, "map");
    const auto raw = patchcore ? onnxReweighted(model, head, s, patches)
                               : head.reduce("ReduceMax", head.reshape(maps, {0, -1}), 1, true);
    const auto& n = model.normalisation();
    const auto scale = [](double low, double high) {
        return high > low ? high - low : 1.0;
    };
    // N x 1 until the end: OpenCV 4.6's element-wise layers need two dimensions.
    const auto score =
        head.normalise(raw, n.threshold, scale(n.imageMin, n.imageMax), builder.fresh("score"));
    builder.node("Reshape", {score, builder.integers("score_shape", {-1})}, "score");
    head.normalise(maps, n.threshold, scale(n.mapMin, n.mapMax), "map");
    checkAndWriteOnnx(proto, file);
}

} // namespace kestrel::exporting
