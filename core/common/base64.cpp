#include "common/base64.h"

#include "common/error.h"

#include <cstdint>

namespace kestrel {

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::uint32_t sextet(char c) {
    const auto position = kAlphabet.find(c);
    if (position == std::string_view::npos) {
        throw Error(ErrorKind::InvalidArgument,
                    std::string("'") + c + "' is not a base64 character.");
    }
    return static_cast<std::uint32_t>(position);
}

} // namespace

std::string base64Encode(std::string_view bytes) {
    std::string text;
    text.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::size_t left = bytes.size() - i;
        std::uint32_t group = std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16;
        if (left > 1) {
            group |= std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8;
        }
        if (left > 2) {
            group |= static_cast<unsigned char>(bytes[i + 2]);
        }
        text += kAlphabet[group >> 18];
        text += kAlphabet[(group >> 12) & 63];
        text += left > 1 ? kAlphabet[(group >> 6) & 63] : '=';
        text += left > 2 ? kAlphabet[group & 63] : '=';
    }
    return text;
}

std::string base64Decode(std::string_view text) {
    if (text.size() % 4 != 0) {
        throw Error(ErrorKind::InvalidArgument,
                    "A base64 text of " + std::to_string(text.size()) +
                        " characters is not a whole number of four-character groups.");
    }
    std::string bytes;
    bytes.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        const bool last = i + 4 == text.size();
        const std::size_t padding =
            !last ? 0 : (text[i + 3] != '=' ? 0 : (text[i + 2] == '=' ? 2 : 1));
        std::uint32_t group = 0;
        for (std::size_t j = 0; j < 4; ++j) {
            group = (group << 6) | (j < 4 - padding ? sextet(text[i + j]) : 0);
        }
        bytes += static_cast<char>(group >> 16);
        if (padding < 2) {
            bytes += static_cast<char>((group >> 8) & 255);
        }
        if (padding < 1) {
            bytes += static_cast<char>(group & 255);
        }
    }
    return bytes;
}

} // namespace kestrel
