#pragma once

#include "train/train_options.h"

namespace kestrel::train {

// Turns CUDA autocast on for the current thread for the scope's lifetime (fp16 or bf16 as
// `precision` says); does nothing for Float32. LibTorch 1.13 and 2.x spell this differently.
class AutocastScope {
public:
    explicit AutocastScope(Precision precision);
    ~AutocastScope();
    AutocastScope(const AutocastScope&) = delete;
    AutocastScope& operator=(const AutocastScope&) = delete;

private:
    bool active_ = false;
};

} // namespace kestrel::train
