#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace kestrel::weights {

// The SHA-256 of `bytes`, as 64 lowercase hex digits (OpenSSL's libcrypto).
std::string sha256Hex(std::string_view bytes);

// The SHA-256 of a file's content, read in blocks so that large weight files need no copy in
// memory. Throws kestrel::Error (Io) naming the file when it cannot be read.
std::string sha256OfFile(const std::filesystem::path& file);

} // namespace kestrel::weights
