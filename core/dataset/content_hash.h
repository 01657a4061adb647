#pragma once

#include <string>
#include <string_view>

namespace kestrel::dataset {

// The content hash samples are keyed by: XXH3 128-bit of the file's bytes, as 32 lower-case
// hex digits. Fast enough to hash every file on import; wide enough that equal hashes mean
// equal files in practice.
std::string contentHash(std::string_view bytes);

} // namespace kestrel::dataset
