#pragma once

namespace kestrel {

// Kestrel's own version, from the CMake project() call.
const char* kestrelVersion();

} // namespace kestrel
