#pragma once

#include <arpa/inet.h>
#include <cstdint>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace kestrel::testing {

// A TCP port on 127.0.0.1 that nothing listens on now: the kernel's pick for port 0. Another
// process could take it before the test does; on a test machine that is rare enough.
inline std::uint16_t freeLocalPort() {
    const int socketFd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof(address);
    if (socketFd < 0 ||
        ::bind(socketFd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        ::getsockname(socketFd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        if (socketFd >= 0) {
            ::close(socketFd);
        }
        throw std::runtime_error("no free TCP port on 127.0.0.1");
    }
    const std::uint16_t port = ntohs(address.sin_port);
    ::close(socketFd);
    return port;
}

} // namespace kestrel::testing
