#pragma once

#include <memory>
#include <string>

#include <torch/nn/module.h>

namespace kestrel::models {

class LayerGraph;

// What every architecture takes and gives: images N x C x H x W, float32, already
// normalised (the trainer and exported models apply the mean/std), and logits N x K.
// Parameter and buffer names follow torchvision's for the architectures it has, so its
// state_dicts load unchanged.
class Classifier : public torch::nn::Module {
public:
    // classify(features(images)), exactly: the split exists so that Grad-CAM can take
    // gradients at the feature maps. In eval mode with averageMirrors() on, the mean of that
    // over the image and its mirror images (left-right, top-bottom, both), each logit map
    // mirrored back.
    torch::Tensor forward(torch::Tensor images);
    // The last convolutional feature maps, N x C x h x w, before the pooling that leads to
    // the head.
    virtual torch::Tensor features(torch::Tensor images) = 0;
    // From features() to logits: pooling, then the head.
    virtual torch::Tensor classify(torch::Tensor featureMaps) = 0;
    // The architecture's registry name, e.g. "resnet18".
    virtual std::string architecture() const = 0;
    // The last layer, whose weights are replaced when the class count differs from that of
    // imported weights: its parameter name prefix, e.g. "fc" or "classifier.3".
    virtual std::string headName() const = 0;
    // The first convolution's parameter name prefix, whose RGB weights are folded into one
    // channel for grayscale input, e.g. "conv1".
    virtual std::string stemName() const = 0;
    // The part of the model torchvision's ImageNet weights start, when that is not all of it
    // (a detector's backbone, whose names are torchvision's classifier's); nullptr: the whole
    // model is a torchvision classifier.
    virtual Classifier* pretrainedBackbone() { return nullptr; }
    // Writes the eval-mode forward pass into `graph`, from its input value; returns the value
    // holding the logits. The exporters translate that graph.
    virtual int appendLayers(LayerGraph& graph) const = 0;

    // Test-time augmentation for a segmenter trained on flipped images: its eval-mode
    // forward() (and appendForward's graph) averages four passes. Off by default.
    void setAverageMirrors(bool on) { averageMirrors_ = on; }
    bool averageMirrors() const { return averageMirrors_; }

private:
    bool averageMirrors_ = false;
};

// What the exporters write: model.appendLayers(graph), or with averageMirrors() the same
// layers four times over the mirrored inputs and the mean of their logits (their weights
// written once). Returns the value holding the logits.
int appendForward(const Classifier& model, LayerGraph& graph);

// Passes per image of a model built with this averageMirrors (ClassifierSpec): what its
// forward() and exported graph run, for the metadata the line reads.
int passesPerImage(bool averageMirrors);

using ClassifierPtr = std::shared_ptr<Classifier>;

} // namespace kestrel::models
