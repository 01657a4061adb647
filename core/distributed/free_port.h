#pragma once

#include <cstdint>

namespace kestrel::distributed {

// A TCP port on 127.0.0.1 that nothing listens on now (the kernel's pick for port 0), for a
// store that this machine's ranks meet at. Another process could take it first; that is rare.
// Throws kestrel::Error (Io) when there is none.
std::uint16_t freeLocalPort();

} // namespace kestrel::distributed
