#pragma once

// A small HTTP/1.1 server on 127.0.0.1 for tests of downloads: it answers GET requests from a
// table of paths, one connection at a time, and can cut a body short to act out a transfer
// that breaks. Nothing else is ever contacted by the tests that use it.

#include <arpa/inet.h>
#include <atomic>
#include <cstring>
#include <map>
#include <mutex>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace kestrel::testing {

class LocalHttpServer {
public:
    struct Response {
        std::string body;
        int status = 200;
        std::size_t sendOnly = std::string::npos; // send this many bytes of the body, then close
    };

    LocalHttpServer() {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof(address);
        if (listener_ < 0 ||
            ::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
            ::listen(listener_, 8) != 0 ||
            ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
            throw std::runtime_error("cannot listen on 127.0.0.1: " +
                                     std::string(std::strerror(errno)));
        }
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~LocalHttpServer() {
        stop_ = true;
        thread_.join();
        ::close(listener_);
    }
    LocalHttpServer(const LocalHttpServer&) = delete;
    LocalHttpServer& operator=(const LocalHttpServer&) = delete;

    void add(const std::string& path, Response response) {
        std::lock_guard lock(mutex_);
        responses_[path] = std::move(response);
    }
    std::string url(const std::string& path = "") const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }
    std::vector<std::string> requested() const {
        std::lock_guard lock(mutex_);
        return requested_;
    }

    // A port on 127.0.0.1 that nothing listens on: bound by the system, then released.
    static int closedPort() {
        LocalHttpServer probe;
        return probe.port_;
    }

private:
    void serve() {
        while (!stop_) {
            pollfd waiting{listener_, POLLIN, 0};
            if (::poll(&waiting, 1, 50) <= 0) {
                continue;
            }
            const int connection = ::accept(listener_, nullptr, nullptr);
            if (connection >= 0) {
                answer(connection);
                ::close(connection);
            }
        }
    }

    void answer(int connection) {
        std::string request;
        char block[4096];
        while (request.find("\r\n\r\n") == std::string::npos) {
            const ssize_t got = ::recv(connection, block, sizeof(block), 0);
            if (got <= 0) {
                return;
            }
            request.append(block, static_cast<std::size_t>(got));
        }
        const auto start = request.find(' ') + 1;
        const std::string path = request.substr(start, request.find(' ', start) - start);
        Response response{"not here", 404};
        {
            std::lock_guard lock(mutex_);
            requested_.push_back(path);
            if (const auto found = responses_.find(path); found != responses_.end()) {
                response = found->second;
            }
        }
        const std::string head = "HTTP/1.1 " + std::to_string(response.status) +
                                 " Test\r\nContent-Type: application/octet-stream\r\n"
                                 "Content-Length: " +
                                 std::to_string(response.body.size()) +
                                 "\r\nConnection: close\r\n\r\n";
        sendAll(connection, head);
        sendAll(connection, response.body.substr(0, response.sendOnly));
    }

    static void sendAll(int connection, const std::string& bytes) {
        std::size_t sent = 0;
        while (sent < bytes.size()) {
            const ssize_t wrote =
                ::send(connection, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
            if (wrote <= 0) {
                return;
            }
            sent += static_cast<std::size_t>(wrote);
        }
    }

    int listener_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    mutable std::mutex mutex_;
    std::map<std::string, Response> responses_;
    std::vector<std::string> requested_;
};

} // namespace kestrel::testing
