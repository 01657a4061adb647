#pragma once

// What the command-line tests share: running the real kestrel-cli binary and a fixture with a
// temporary folder and a trained left/right project.

#include "left_right_images.h"
#include "process.h"
#include "temp_dir.h"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace kestrel {

using kestrel::testing::ProcessResult;

inline ProcessResult cli(const std::vector<std::string>& args) {
    return kestrel::testing::runProgram(KESTREL_CLI_PATH, args);
}

inline std::size_t lineCount(const std::string& text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

class CliTest : public ::testing::Test {
protected:
    // The binary's log goes to the test's folder, not the user's.
    CliTest() { ::setenv("KESTREL_LOG_DIR", (dir / "logs").c_str(), 1); }

    // A project of the left/right task at `project`, and `train --json` of 4 epochs on it.
    ProcessResult trainLeftRight(const std::string& project) {
        kestrel::testing::writeLeftRightImages(dir / "source");
        EXPECT_EQ(cli({"init", project}).exitCode, 0);
        EXPECT_EQ(cli({"import", project, (dir / "source").string()}).exitCode, 0);
        return cli({"train", project, "--epochs", "4", "--batch-size", "16", "--image-size", "16",
                    "--device", "cpu", "--no-augment", "--json"});
    }

    kestrel::testing::TempDir dir;
};

} // namespace kestrel
