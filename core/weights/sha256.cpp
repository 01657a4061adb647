#include "weights/sha256.h"

#include "common/error.h"

#include <array>
#include <fstream>
#include <memory>
#include <openssl/evp.h>

namespace kestrel::weights {
namespace {

using DigestContext = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

DigestContext startDigest() {
    DigestContext context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) {
        throw Error(ErrorKind::Io, "OpenSSL could not start a SHA-256 digest.");
    }
    return context;
}

std::string finishDigest(EVP_MD_CTX* context) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    EVP_DigestFinal_ex(context, digest.data(), &length);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(2 * length);
    for (unsigned int i = 0; i < length; ++i) {
        hex += kHex[digest[i] >> 4];
        hex += kHex[digest[i] & 0xF];
    }
    return hex;
}

} // namespace

std::string sha256Hex(std::string_view bytes) {
    DigestContext context = startDigest();
    EVP_DigestUpdate(context.get(), bytes.data(), bytes.size());
    return finishDigest(context.get());
}

std::string sha256OfFile(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw Error(ErrorKind::Io, "Cannot read " + file.string() + " to check its SHA-256.");
    }
    DigestContext context = startDigest();
    std::array<char, 1 << 16> block{};
    while (in) {
        in.read(block.data(), block.size());
        EVP_DigestUpdate(context.get(), block.data(), static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad()) {
        throw Error(ErrorKind::Io, "Reading " + file.string() + " failed part way through.");
    }
    return finishDigest(context.get());
}

} // namespace kestrel::weights
