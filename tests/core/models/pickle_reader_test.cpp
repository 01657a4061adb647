#include "models/pickle_reader.h"

#include <memory>
#include <string>

#include <gtest/gtest.h>

namespace kestrel::models::pickle {
namespace {

using namespace std::string_literals; // pickles hold NUL bytes

const std::string proto2 = "\x80\x02"s;

TEST(PickleReaderTest, BuildsDictsOfListsTuplesAndNumbers) {
    // {"a": [1, -2, 70000, 2**40], "b": (True, None, 1.5)}
    const std::string bytes = proto2 +
                              "}(X\x01\x00\x00\x00"
                              "a](K\x01J\xfe\xff\xff\xffJp\x11\x01\x00"s +
                              "\x8a\x06\x00\x00\x00\x00\x00\x01"s +
                              "eX\x01\x00\x00\x00"
                              "b\x88NG?\xf8\x00\x00\x00\x00\x00\x00\x87u."s;
    const Unpickled result = unpickle(bytes, {});
    const Value& root = result.root();
    ASSERT_TRUE(root.is(Value::Kind::Dict));
    ASSERT_EQ(root.entries.size(), 2u);
    const Value& list = *root.entries[0].second;
    ASSERT_EQ(list.items.size(), 4u);
    EXPECT_EQ(list.items[0]->integer, 1);
    EXPECT_EQ(list.items[1]->integer, -2);
    EXPECT_EQ(list.items[2]->integer, 70000);
    EXPECT_EQ(list.items[3]->integer, int64_t{1} << 40);
    const Value& tuple = *root.entries[1].second;
    ASSERT_EQ(tuple.items.size(), 3u);
    EXPECT_TRUE(tuple.items[0]->boolean);
    EXPECT_TRUE(tuple.items[1]->is(Value::Kind::None));
    EXPECT_EQ(tuple.items[2]->real, 1.5);
}

TEST(PickleReaderTest, RefusesCallsItDoesNotKnowWithoutAHook) {
    const std::string bytes = proto2 + "cos\nsystem\nX\x02\x00\x00\x00ls\x85R."s;
    EXPECT_THROW(unpickle(bytes, {}), PickleError);
}

// A list that contains itself is freed with its Unpickled, not leaked.
TEST(PickleReaderTest, ASelfContainingListIsFreed) {
    const std::string bytes = proto2 + "]q\x00h\x00"
                                       "a."s;
    std::weak_ptr<Value> root;
    {
        const Unpickled result = unpickle(bytes, {});
        ASSERT_EQ(result.root().items.size(), 1u);
        EXPECT_EQ(result.root().items[0].get(), &result.root());
        root = result.watchRoot();
    }
    EXPECT_TRUE(root.expired());
}

// Deep nesting neither overflows the stack when freed, nor when refused.
TEST(PickleReaderTest, DeepNestingIsFreedWithoutRecursion) {
    const int depth = 200'000; // freed recursively, this would need far more than 8 MiB of stack
    const std::string nested = proto2 + std::string(depth, ']') + std::string(depth - 1, 'a');
    {
        const Unpickled result = unpickle(nested + ".", {});
        EXPECT_EQ(result.root().items.size(), 1u);
    }
    EXPECT_THROW(unpickle(nested, {}), PickleError); // no STOP: refused half built
}

} // namespace
} // namespace kestrel::models::pickle
