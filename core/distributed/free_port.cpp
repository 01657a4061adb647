#include "distributed/free_port.h"

#include "common/error.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace kestrel::distributed {

std::uint16_t freeLocalPort() {
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
        throw Error(ErrorKind::Io, "No TCP port is free on 127.0.0.1 for the ranks to meet at.");
    }
    const std::uint16_t port = ntohs(address.sin_port);
    ::close(socketFd);
    return port;
}

} // namespace kestrel::distributed
