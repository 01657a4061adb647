#pragma once

#include <string>
#include <string_view>

namespace kestrel {

// Base64 with the standard alphabet and '=' padding (RFC 4648, section 4), for data: URIs.
std::string base64Encode(std::string_view bytes);

// The bytes `text` encodes. Throws kestrel::Error (InvalidArgument) for a length that is not
// a multiple of four, a character outside the alphabet, or padding anywhere but the end.
std::string base64Decode(std::string_view text);

} // namespace kestrel
