#include "common/error.h"
#include "files.h"
#include "models/pickle_reader.h"
#include "models/state_dict_reader.h"
#include "temp_dir.h"
#include "torchvision_reference.h"

#include <caffe2/serialize/inline_container.h>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <ATen/ops/allclose.h>
#include <ATen/ops/arange.h>
#include <ATen/ops/equal.h>
#include <ATen/ops/tensor.h>
#include <gtest/gtest.h>

namespace kestrel::models {
namespace {

using kestrel::testing::TempDir;

std::map<std::string, at::Tensor> byName(const NamedTensors& tensors) {
    std::map<std::string, at::Tensor> map;
    for (const auto& [name, tensor] : tensors) {
        map.emplace(name, tensor);
    }
    return map;
}

// The reader's own fixtures (views, dtypes, wrappers, refusals), written by torch.save.
class StateDictReaderTest : public ::testing::Test {
protected:
    void SetUp() override {
        const auto run = kestrel::testing::runReferenceScript({"fixtures", dir_.path().string()});
        if (!run.available) {
            GTEST_SKIP() << "no PyTorch reference: " << run.problem;
        }
    }
    std::filesystem::path file(const std::string& name) const { return dir_ / name; }

    TempDir dir_;
};

TEST_F(StateDictReaderTest, ReadsViewsOffsetsDtypesAndScalarsInFileOrder) {
    const NamedTensors tensors = readStateDict(file("views.pth"));
    std::vector<std::string> names;
    for (const auto& entry : tensors) {
        names.push_back(entry.first);
    }
    EXPECT_EQ(names, (std::vector<std::string>{"row", "column", "transposed", "half", "long",
                                               "scalar", "empty", "flags"}));
    auto t = byName(tensors);
    const at::Tensor base = at::arange(24, at::kFloat).reshape({4, 6});
    EXPECT_TRUE(at::equal(t["row"], base[1]));
    EXPECT_TRUE(at::equal(t["column"], base.select(1, 2)));
    EXPECT_TRUE(at::equal(t["transposed"], base.t()));
    EXPECT_TRUE(t["transposed"].is_contiguous());
    EXPECT_EQ(t["half"].scalar_type(), at::kHalf);
    EXPECT_EQ(t["half"][1].item<float>(), -2.0f);
    EXPECT_EQ(t["long"].scalar_type(), at::kLong);
    EXPECT_EQ(t["long"][2].item<int64_t>(), 3'000'000'000LL);
    EXPECT_EQ(t["scalar"].dim(), 0);
    EXPECT_EQ(t["scalar"].item<double>(), 3.25);
    EXPECT_EQ(t["empty"].sizes(), (at::IntArrayRef{0, 3}));
    EXPECT_EQ(t["flags"].scalar_type(), at::kBool);
    EXPECT_TRUE(t["flags"][0].item<bool>());
}

TEST_F(StateDictReaderTest, UnwrapsCheckpointsAndReadsProtocolFour) {
    for (const char* name : {"checkpoint.pth", "wrapped_model.pth", "protocol4.pth"}) {
        SCOPED_TRACE(name);
        auto t = byName(readStateDict(file(name)));
        ASSERT_EQ(t.size(), 2u);
        EXPECT_TRUE(at::equal(t["fc.weight"], at::arange(6, at::kFloat).reshape({2, 3})));
        EXPECT_TRUE(at::equal(t["fc.bias"], at::tensor({0.5f, -1.0f})));
    }
}

TEST_F(StateDictReaderTest, RefusesWhatIsNotAStateDictNamingTheFileAndWhy) {
    testing::writeBytes(file("garbage.pth"), testing::randomBytes(4096, 11));
    testing::writeBytes(file("empty.pth"), "");
    testing::writeBytes(file("not_a_zip.pth"), "PK\x03\x04 but nothing more");
    const std::string whole = testing::readBytes(file("checkpoint.pth"));
    testing::writeBytes(file("truncated.pth"), whole.substr(0, whole.size() / 2));

    const std::vector<std::pair<std::string, std::string>> cases = {
        {"garbage.pth", "not the zip archive"},
        {"empty.pth", "not the zip archive"},
        {"not_a_zip.pth", "archive cannot be read"},
        {"truncated.pth", "archive cannot be read"},
        {"legacy.pth", "legacy format"},
        {"with_set.pth", "builtin__.set"},
        {"empty_set.pth", "unsupported opcode 0x8f"},
        {"not_tensor.pth", "an int under \"b\""},
        {"list.pth", "a list, not a dict"},
        {"cut_pickle.pth", "cut off"},
        {"overreach.pth", "past the end of its storage"},
    };
    for (const auto& [name, reason] : cases) {
        SCOPED_TRACE(name);
        try {
            readStateDict(file(name));
            ADD_FAILURE() << "read without error";
        } catch (const Error& error) {
            const std::string message = error.what();
            EXPECT_EQ(error.kind(), ErrorKind::Corrupt) << message;
            EXPECT_NE(message.find(file(name).string() + " is not a PyTorch state_dict: "),
                      std::string::npos)
                << message;
            EXPECT_NE(message.find(reason), std::string::npos) << message;
            EXPECT_EQ(message.find('\n'), std::string::npos) << message;
        }
    }
}

TEST(StateDictReaderFileTest, AMissingFileIsNotFound) {
    TempDir dir;
    try {
        readStateDict(dir / "absent.pth");
        FAIL() << "read a missing file";
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::NotFound);
        EXPECT_NE(std::string(error.what()).find("absent.pth"), std::string::npos);
    }
}

// Damaged pickles (random bytes changed, or cut short) give PickleError or a value, never a
// crash or another exception. Storages and tensors are stood in for by the hooks.
TEST_F(StateDictReaderTest, DamagedPicklesAreRefusedCleanly) {
    caffe2::serialize::PyTorchStreamReader archive(file("views.pth").string());
    auto [data, size] = archive.getRecord("data.pkl");
    const std::string pickle(static_cast<const char*>(data.get()), size);

    pickle::UnpickleHooks hooks;
    hooks.persistentLoad = [](const pickle::ValuePtr&) {
        return pickle::Value::make(pickle::Value::Kind::Tensor);
    };
    hooks.reduce = [](const std::string&, const pickle::ValuePtr& arguments) {
        return arguments;
    };
    ASSERT_NO_THROW(pickle::unpickle(pickle, hooks));

    std::mt19937 random(5);
    int refused = 0;
    for (int round = 0; round < 3000; ++round) {
        std::string damaged = pickle;
        if (round % 3 == 0) {
            damaged.resize(random() % damaged.size());
        } else {
            for (int changes = 1 + round % 4; changes > 0; --changes) {
                damaged[random() % damaged.size()] = static_cast<char>(random() & 0xff);
            }
        }
        try {
            pickle::unpickle(damaged, hooks);
        } catch (const pickle::PickleError&) {
            ++refused;
        }
    }
    EXPECT_GT(refused, 1000);
}

} // namespace
} // namespace kestrel::models
