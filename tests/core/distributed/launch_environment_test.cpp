#include "common/error.h"
#include "distributed/launch_environment.h"

#include <map>

#include <gtest/gtest.h>

namespace kestrel::distributed {
namespace {

std::optional<LaunchEnvironment> readFrom(const std::map<std::string, std::string>& variables) {
    return readLaunchEnvironment([&variables](const char* name) -> const char* {
        const auto found = variables.find(name);
        return found == variables.end() ? nullptr : found->second.c_str();
    });
}

// What torchrun sets for the second process of two on a node.
std::map<std::string, std::string> torchrunRank1() {
    return {{"RANK", "1"},
            {"LOCAL_RANK", "1"},
            {"WORLD_SIZE", "2"},
            {"MASTER_ADDR", "127.0.0.1"},
            {"MASTER_PORT", "29500"},
            {"TORCHELASTIC_USE_AGENT_STORE", "False"},
            {"TORCHELASTIC_RESTART_COUNT", "0"}};
}

std::string refusal(const std::map<std::string, std::string>& variables) {
    try {
        readFrom(variables);
    } catch (const Error& error) {
        return error.what();
    }
    return "";
}

TEST(LaunchEnvironmentTest, WithoutWorldSizeTheRunIsAnOrdinaryOne) {
    EXPECT_FALSE(readFrom({{"RANK", "3"}}).has_value());
}

TEST(LaunchEnvironmentTest, ReadsWhatTorchrunSets) {
    auto variables = torchrunRank1();
    const auto launch = readFrom(variables);
    ASSERT_TRUE(launch.has_value());
    EXPECT_EQ(launch->rank, 1);
    EXPECT_EQ(launch->localRank, 1);
    EXPECT_EQ(launch->worldSize, 2);
    EXPECT_EQ(launch->masterAddress, "127.0.0.1");
    EXPECT_EQ(launch->masterPort, 29500);
    EXPECT_FALSE(launch->agentServesStore);
    EXPECT_FALSE(launch->leader());
    EXPECT_EQ(launch->timeout, std::chrono::minutes(30));

    variables["TORCHELASTIC_USE_AGENT_STORE"] = "True";
    variables["KESTREL_PROCESS_GROUP_TIMEOUT"] = "90";
    variables["TORCHELASTIC_RESTART_COUNT"] = "2";
    const auto agent = readFrom(variables);
    EXPECT_TRUE(agent->agentServesStore);
    EXPECT_EQ(agent->timeout, std::chrono::seconds(90));
    EXPECT_EQ(agent->restartCount, 2);
}

TEST(LaunchEnvironmentTest, ABadValueIsNamedWithWhatItShouldBe) {
    auto variables = torchrunRank1();
    variables["RANK"] = "2";
    EXPECT_EQ(refusal(variables),
              "RANK is \"2\"; it must be a whole number from 0 to 1 (WORLD_SIZE is 2).");
    variables = torchrunRank1();
    variables["MASTER_PORT"] = "http";
    EXPECT_EQ(refusal(variables),
              "MASTER_PORT is \"http\"; it must be a TCP port from 1 to 65535.");
    variables = torchrunRank1();
    variables["WORLD_SIZE"] = "0";
    EXPECT_EQ(refusal(variables),
              "WORLD_SIZE is \"0\"; it must be the number of ranks, 1 or more.");
    variables = torchrunRank1();
    variables.erase("MASTER_ADDR");
    EXPECT_NE(refusal(variables).find("MASTER_ADDR is not set, though WORLD_SIZE is"),
              std::string::npos);
}

} // namespace
} // namespace kestrel::distributed
