#include "common/base64.h"
#include "common/error.h"

#include <gtest/gtest.h>

namespace kestrel {
namespace {

TEST(Base64, MatchesTheTestVectorsOfRfc4648) {
    const std::pair<std::string, std::string> vectors[] = {{"", ""},
                                                           {"f", "Zg=="},
                                                           {"fo", "Zm8="},
                                                           {"foo", "Zm9v"},
                                                           {"foob", "Zm9vYg=="},
                                                           {"fooba", "Zm9vYmE="},
                                                           {"foobar", "Zm9vYmFy"}};
    for (const auto& [bytes, text] : vectors) {
        EXPECT_EQ(base64Encode(bytes), text) << bytes;
        EXPECT_EQ(base64Decode(text), bytes) << text;
    }
}

TEST(Base64, EveryByteValueRoundTrips) {
    std::string bytes;
    for (int i = 0; i < 256; ++i) {
        bytes += static_cast<char>(i);
    }
    EXPECT_EQ(base64Encode(bytes).substr(0, 8), "AAECAwQF");
    EXPECT_EQ(base64Decode(base64Encode(bytes)), bytes);
    EXPECT_EQ(base64Encode("\xff\xfe"), "//4=");
}

TEST(Base64, MalformedTextIsRefused) {
    for (const std::string bad : {"Zm9", "Zm=v", "Z@==", "Zg==Zg==", "===="}) {
        EXPECT_THROW(base64Decode(bad), Error) << bad;
    }
}

} // namespace
} // namespace kestrel
