#include "../models/torchvision_reference.h"
#include "common/error.h"
#include "files.h"
#include "local_http_server.h"
#include "temp_dir.h"
#include "weights/sha256.h"
#include "weights/torchvision_files.h"
#include "weights/weights_store.h"

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

namespace kestrel::weights {
namespace {

namespace fs = std::filesystem;
using kestrel::testing::LocalHttpServer;
using kestrel::testing::TempDir;

// Every file under the store, the hidden temporary ones included.
std::size_t filesIn(const fs::path& folder) {
    std::size_t count = 0;
    if (fs::exists(folder)) {
        for (const auto& entry : fs::recursive_directory_iterator(folder)) {
            count += entry.is_regular_file() ? 1 : 0;
        }
    }
    return count;
}

std::string failureOf(const std::function<void()>& action) {
    try {
        action();
    } catch (const Error& error) {
        return error.what();
    }
    ADD_FAILURE() << "no kestrel::Error was thrown";
    return "";
}

TEST(Sha256Test, MatchesTheStandardsTestVectorsAndHashesFilesTheSameWay) {
    EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    TempDir dir;
    const std::string bytes = testing::randomBytes(300000, 7); // several read blocks
    testing::writeBytes(dir / "blob", bytes);
    EXPECT_EQ(sha256OfFile(dir / "blob"), sha256Hex(bytes));
    EXPECT_NE(failureOf([&] { sha256OfFile(dir / "missing"); }).find("missing"), std::string::npos);
}

TEST(TorchvisionFilesTest, EveryPublishedFileNamesTheStartOfItsHash) {
    EXPECT_EQ(sha256PrefixInName("resnet18-f37072fd.pth"), "f37072fd");
    EXPECT_EQ(sha256PrefixInName("efficientnet_b0_rwightman-3dd342df.pth"), "3dd342df");
    EXPECT_EQ(sha256PrefixInName("weights.pth"), "");
    EXPECT_EQ(sha256PrefixInName("my-model.pth"), "");
    EXPECT_EQ(sha256PrefixInName("part-BEEF.pth"), "");
    EXPECT_FALSE(torchvisionFileName("smallcnn"));
    EXPECT_GE(architecturesWithImageNetWeights().size(), 9u);
    for (const auto& model : architecturesWithImageNetWeights()) {
        SCOPED_TRACE(model);
        const auto file = torchvisionFileName(model);
        ASSERT_TRUE(file);
        EXPECT_EQ(file->rfind(model, 0), 0u);
        EXPECT_EQ(sha256PrefixInName(*file).size(), 8u);
    }
}

// A torchvision mobilenet_v3_small state_dict written once by Debian's python3-torchvision.
class WeightsStoreTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        source_ = new TempDir;
        const auto reference =
            testing::writeTorchvisionModels(source_->path(), {"mobilenet_v3_small", "resnet18"});
        available_ = reference.available;
        problem_ = reference.problem;
    }
    static void TearDownTestSuite() {
        delete source_;
        source_ = nullptr;
    }
    void SetUp() override {
        if (!available_) {
            GTEST_SKIP() << "no PyTorch reference: " << problem_;
        }
    }
    static fs::path mobilenet() { return source_->path() / "mobilenet_v3_small.pth"; }
    static fs::path resnet() { return source_->path() / "resnet18.pth"; }

    TempDir dir;
    WeightsStore store{dir / "store"};

private:
    static inline TempDir* source_ = nullptr;
    static inline bool available_ = false;
    static inline std::string problem_;
};

TEST_F(WeightsStoreTest, ImportKeepsACopyOfAStateDictOfTheArchitecture) {
    EXPECT_TRUE(store.list().empty());
    const StoredWeights kept = store.importFile(mobilenet(), "mobilenet_v3_small");
    const std::string bytes = testing::readBytes(mobilenet());
    EXPECT_EQ(kept.sha256, sha256Hex(bytes));
    EXPECT_EQ(testing::readBytes(kept.file), bytes);
    EXPECT_EQ(kept.source, mobilenet().string());

    const auto listed = store.list();
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].model, "mobilenet_v3_small");
    EXPECT_EQ(listed[0].file, kept.file);
    EXPECT_EQ(listed[0].sha256, kept.sha256);
    EXPECT_TRUE(store.find("mobilenet_v3_small"));
    EXPECT_FALSE(store.find("resnet18"));
    EXPECT_EQ(filesIn(store.folder()), 2u); // the weights and their description
}

TEST_F(WeightsStoreTest, ImportRefusesWeightsOfAnotherArchitectureAndKeepsWhatWasThere) {
    store.importFile(mobilenet(), "mobilenet_v3_small");
    const std::string message =
        failureOf([&] { store.importFile(resnet(), "mobilenet_v3_small"); });
    EXPECT_NE(message.find(resnet().string()), std::string::npos) << message;
    EXPECT_EQ(message.find(".incoming"), std::string::npos) << message;
    EXPECT_NE(message.find("Nothing was kept"), std::string::npos) << message;
    EXPECT_EQ(store.find("mobilenet_v3_small")->sha256, sha256OfFile(mobilenet()));
    EXPECT_EQ(filesIn(store.folder()), 2u);
}

TEST_F(WeightsStoreTest, ImportRefusesAFileThatIsNoStateDictAndAnUnknownArchitecture) {
    testing::writeBytes(dir / "photo.pth", testing::randomBytes(5000, 3));
    const std::string notWeights =
        failureOf([&] { store.importFile(dir / "photo.pth", "mobilenet_v3_small"); });
    EXPECT_NE(notWeights.find("photo.pth"), std::string::npos) << notWeights;
    const std::string unknown = failureOf([&] { store.importFile(mobilenet(), "resnet19"); });
    EXPECT_NE(unknown.find("resnet19"), std::string::npos) << unknown;
    EXPECT_EQ(filesIn(store.folder()), 0u);
    EXPECT_TRUE(store.list().empty());
}

TEST_F(WeightsStoreTest, AStoreThatCannotBeCreatedIsOneSentenceNamingIt) {
    testing::writeBytes(dir / "a-file", "not a folder");
    WeightsStore blocked(dir / "a-file" / "store");
    EXPECT_TRUE(blocked.list().empty());
    const std::string message =
        failureOf([&] { blocked.importFile(mobilenet(), "mobilenet_v3_small"); });
    EXPECT_NE(message.find((dir / "a-file" / "store").string()), std::string::npos) << message;
    EXPECT_NE(message.find("KESTREL_WEIGHTS_DIR"), std::string::npos) << message;
}

TEST_F(WeightsStoreTest, FetchKeepsADownloadWhoseHashMatchesItsNameAndReportsProgress) {
    const std::string bytes = testing::readBytes(mobilenet());
    const std::string name = "mobilenet_v3_small-" + sha256Hex(bytes).substr(0, 8) + ".pth";
    LocalHttpServer server;
    server.add("/mirror/" + name, {bytes});
    std::uint64_t lastReceived = 0;
    std::uint64_t announced = 0;
    const StoredWeights kept = store.fetch("mobilenet_v3_small", server.url("/mirror/" + name),
                                           [&](const DownloadProgress& progress) {
                                               EXPECT_GE(progress.received, lastReceived);
                                               lastReceived = progress.received;
                                               announced = progress.total.value_or(announced);
                                               return true;
                                           });
    EXPECT_EQ(kept.file.filename(), name);
    EXPECT_EQ(kept.source, server.url("/mirror/" + name));
    EXPECT_EQ(testing::readBytes(kept.file), bytes);
    EXPECT_EQ(announced, bytes.size());
    EXPECT_EQ(lastReceived, bytes.size());
    EXPECT_EQ(store.find("mobilenet_v3_small")->sha256, sha256Hex(bytes));
}

TEST_F(WeightsStoreTest, FetchKeepsNothingWhenTheHashDiffersFromTheName) {
    LocalHttpServer server;
    server.add("/mobilenet_v3_small-047dcff4.pth", {testing::readBytes(mobilenet())});
    const std::string message = failureOf(
        [&] { store.fetch("mobilenet_v3_small", server.url("/mobilenet_v3_small-047dcff4.pth")); });
    EXPECT_NE(message.find("SHA-256"), std::string::npos) << message;
    EXPECT_NE(message.find("047dcff4"), std::string::npos) << message;
    EXPECT_EQ(filesIn(store.folder()), 0u);
}

TEST_F(WeightsStoreTest, FetchKeepsNothingFromACutOffTransferOrAMissingFile) {
    const std::string bytes = testing::readBytes(mobilenet());
    LocalHttpServer server;
    server.add("/cut.pth", {bytes, 200, bytes.size() / 2});
    const std::string cut =
        failureOf([&] { store.fetch("mobilenet_v3_small", server.url("/cut.pth")); });
    EXPECT_NE(cut.find("stopped after"), std::string::npos) << cut;
    const std::string missing =
        failureOf([&] { store.fetch("mobilenet_v3_small", server.url("/gone.pth")); });
    EXPECT_NE(missing.find("404"), std::string::npos) << missing;
    EXPECT_NE(missing.find(server.url("/gone.pth")), std::string::npos) << missing;
    EXPECT_EQ(filesIn(store.folder()), 0u);
    EXPECT_FALSE(fs::exists(store.folder() / "mobilenet_v3_small"));
}

TEST_F(WeightsStoreTest, FetchFromAServerThatIsDownNamesTheOfflineWay) {
    const std::string url = "http://127.0.0.1:" + std::to_string(LocalHttpServer::closedPort()) +
                            "/resnet18-f37072fd.pth";
    const std::string message = failureOf([&] { store.fetch("resnet18", url); });
    EXPECT_NE(message.find(url), std::string::npos) << message;
    EXPECT_NE(message.find("kestrel-cli weights import"), std::string::npos) << message;
    EXPECT_EQ(filesIn(store.folder()), 0u);
}

TEST_F(WeightsStoreTest, ACancelledFetchKeepsNothingAndTheEarlierWeightsStay) {
    store.importFile(mobilenet(), "mobilenet_v3_small");
    const std::string bytes = testing::readBytes(mobilenet());
    LocalHttpServer server;
    server.add("/m.pth", {bytes});
    const std::string message = failureOf([&] {
        store.fetch("mobilenet_v3_small", server.url("/m.pth"),
                    [](const DownloadProgress& progress) { return progress.received == 0; });
    });
    EXPECT_NE(message.find("cancelled"), std::string::npos) << message;
    EXPECT_EQ(store.find("mobilenet_v3_small")->source, mobilenet().string());
    EXPECT_EQ(filesIn(store.folder()), 2u);
}

} // namespace
} // namespace kestrel::weights
