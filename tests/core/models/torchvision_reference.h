#pragma once

// Runs tests/core/models/make_reference.py with Debian's python3-torch and
// python3-torchvision, which write the files Kestrel's models are checked against.

#include "process.h"

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace kestrel::testing {

struct ReferenceRun {
    bool available = false; // false: python3, torch or torchvision is missing; skip
    std::string problem;    // why not, for the skip message or the failure
};

// `make_reference.py <args...>`; fails the calling test (ADD_FAILURE) if the script breaks.
inline ReferenceRun runReferenceScript(const std::vector<std::string>& args) {
    const std::filesystem::path python = KESTREL_REFERENCE_PYTHON;
    const std::filesystem::path script =
        std::filesystem::path(KESTREL_TEST_SOURCE_DIR) / "tests/core/models/make_reference.py";
    ReferenceRun run;
    if (!std::filesystem::exists(python)) {
        run.problem = python.string() + " is not installed";
        return run;
    }
    std::vector<std::string> all = {script.string()};
    all.insert(all.end(), args.begin(), args.end());
    const ProcessResult result = runProgram(python.string(), all);
    if (result.exitCode == 3) {
        run.problem = result.err;
        return run;
    }
    if (result.exitCode != 0) {
        ADD_FAILURE() << "make_reference.py failed (" << result.exitCode << "): " << result.err;
        run.problem = result.err;
        return run;
    }
    run.available = true;
    return run;
}

// Writes OUT/<arch>.pth (torchvision weights) and OUT/<arch>_reference.pth (input, logits),
// and with noCounters OUT/<arch>_no_counters.pth (no num_batches_tracked buffers).
inline ReferenceRun writeTorchvisionModels(const std::filesystem::path& out,
                                           const std::vector<std::string>& architectures,
                                           int classes = 1000, bool noCounters = false) {
    std::vector<std::string> args = {"model", out.string()};
    args.insert(args.end(), architectures.begin(), architectures.end());
    args.insert(args.end(), {"--classes", std::to_string(classes)});
    if (noCounters) {
        args.push_back("--no-counters");
    }
    return runReferenceScript(args);
}

} // namespace kestrel::testing
