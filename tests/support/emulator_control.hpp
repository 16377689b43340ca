#pragma once
// Test-side access to the emulator's control endpoints (/_emulator/...): a
// tiny HTTP/1.1 client over a loopback socket, so that tests can act as other
// users, inject faults and count requests without going through src/genesys
// (the code under test) and without cpprest's compile cost.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "util/ascii.hpp"

namespace flowlink::testing {

struct HttpAnswer {
  int status = 0;
  std::string body;
  nlohmann::json json() const { return body.empty() ? nlohmann::json() : nlohmann::json::parse(body); }
};

namespace detail {

inline std::string decode_chunked(const std::string& body) {
  std::string out;
  std::size_t pos = 0;
  while (pos < body.size()) {
    std::size_t eol = body.find("\r\n", pos);
    if (eol == std::string::npos) break;
    std::size_t size = std::stoul(body.substr(pos, eol - pos), nullptr, 16);
    if (size == 0) break;
    out += body.substr(eol + 2, size);
    pos = eol + 2 + size + 2;
  }
  return out;
}

// Percent-encodes everything but RFC 3986's unreserved characters, so a
// user name with a space or a version id travels as one path segment or
// query value.
inline std::string url_encode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

}  // namespace detail

// One request on a fresh connection (Connection: close); reads to EOF.
inline HttpAnswer http_call(int port, const std::string& method, const std::string& target,
                            const std::string& body = "", const std::string& content_type = "application/json") {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot connect to the emulator on port " + std::to_string(port));
  }
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                        "\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  if (!body.empty()) request += "Content-Type: " + content_type + "\r\n";
  request += "\r\n" + body;
  for (std::size_t sent = 0; sent < request.size();) {
    ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, 0);
    if (n <= 0) {
      ::close(fd);
      throw std::runtime_error("send() to the emulator failed");
    }
    sent += static_cast<std::size_t>(n);
  }
  std::string raw;
  char buffer[8192];
  for (;;) {
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    raw.append(buffer, static_cast<std::size_t>(n));
    // Stop once a Content-Length body is complete (servers may keep the socket open).
    std::size_t head_end = raw.find("\r\n\r\n");
    if (head_end == std::string::npos) continue;
    std::string head = util::ascii_lower(raw.substr(0, head_end));
    std::size_t cl = head.find("content-length:");
    if (cl != std::string::npos && raw.size() >= head_end + 4 + std::stoul(head.substr(cl + 15))) break;
  }
  ::close(fd);
  std::size_t head_end = raw.find("\r\n\r\n");
  if (head_end == std::string::npos || raw.size() < 12) throw std::runtime_error("bad HTTP answer from the emulator");
  HttpAnswer answer;
  answer.status = std::stoi(raw.substr(9, 3));
  std::string head = util::ascii_lower(raw.substr(0, head_end));
  answer.body = raw.substr(head_end + 4);
  std::size_t cl = head.find("content-length:");
  if (cl != std::string::npos) answer.body.resize(std::min(answer.body.size(), std::stoul(head.substr(cl + 15))));
  else if (head.find("transfer-encoding: chunked") != std::string::npos) answer.body = detail::decode_chunked(answer.body);
  return answer;
}

// The control endpoints, with a check that each call succeeded.
class EmulatorControl {
 public:
  explicit EmulatorControl(int port) : port_(port) {}

  HttpAnswer call(const std::string& method, const std::string& target, const std::string& body = "") const {
    HttpAnswer answer = http_call(port_, method, target, body);
    if (answer.status < 200 || answer.status >= 300)
      throw std::runtime_error(method + " " + target + " answered " + std::to_string(answer.status) + ": " +
                               answer.body);
    return answer;
  }
  // POST /_emulator/act-as/{user}/{action}?flow=ID (checkout, save, checkin, ...)
  HttpAnswer act_as(const std::string& user, const std::string& action, const std::string& flow_id,
                    const std::string& body = "") const {
    return call("POST", "/_emulator/act-as/" + user + "/" + action + "?flow=" + flow_id, body);
  }

  // A colleague named `user` working on the flow, through the act-as
  // controls: each follows the rules of the API call it stands for (locks,
  // running operations) and throws unless the emulator answered 2xx.

  // Locks the flow to `user`; returns the Flow.
  nlohmann::json act_as_checkout(const std::string& user, const std::string& flow_id) const {
    return act_as_call(user, "checkout", flow_id).json();
  }
  // Saves `document_text` (a whole configuration document) as a new version
  // made by `user`, locking an unlocked flow to them; returns the FlowVersion.
  nlohmann::json act_as_save(const std::string& user, const std::string& flow_id,
                             const std::string& document_text) const {
    return act_as_call(user, "save", flow_id, "", document_text).json();
  }
  // Starts `user`'s check-in of their draft; returns the Operation, which
  // completes later (wait_for_operation).
  nlohmann::json act_as_checkin(const std::string& user, const std::string& flow_id) const {
    return act_as_call(user, "checkin", flow_id).json();
  }
  // Starts a publish by `user` of `version` ("2.0"; empty: their own draft if
  // they hold the lock, else the checked-in version); returns the Operation.
  nlohmann::json act_as_publish(const std::string& user, const std::string& flow_id,
                                const std::string& version = "") const {
    return act_as_call(user, "publish", flow_id, version.empty() ? "" : "&version=" + detail::url_encode(version))
        .json();
  }
  // Discards `user`'s draft and unlocks; returns the Flow.
  nlohmann::json act_as_revert(const std::string& user, const std::string& flow_id) const {
    return act_as_call(user, "revert", flow_id).json();
  }
  // Breaks whoever's lock, as an admin `user` would; returns the Flow.
  nlohmann::json act_as_unlock(const std::string& user, const std::string& flow_id) const {
    return act_as_call(user, "unlock", flow_id).json();
  }

  // The Flow as GET /api/v2/flows/{id} shows it, read through the control
  // endpoint: no token, and not counted in requests(), so a test that counts
  // flowlink's calls can look without disturbing the count.
  nlohmann::json flow(const std::string& flow_id) const {
    return call("GET", "/_emulator/flows/" + detail::url_encode(flow_id)).json();
  }
  // Polls flow() until its currentOperation is complete (or it has none);
  // returns the flow as last read, whatever the operation's actionStatus
  // (SUCCESS or FAILURE: the caller judges). Throws std::runtime_error when
  // the operation is still running after `timeout`.
  nlohmann::json wait_for_operation(const std::string& flow_id,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      nlohmann::json current = flow(flow_id);
      const auto op = current.find("currentOperation");
      if (op == current.end() || op->value("complete", false)) return current;
      if (std::chrono::steady_clock::now() >= deadline)
        throw std::runtime_error("flow " + flow_id + ": operation " + op->value("actionName", std::string("?")) +
                                 " still running after " + std::to_string(timeout.count()) + " ms");
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  nlohmann::json requests() const { return call("GET", "/_emulator/requests").json(); }
  void clear_requests() const { call("DELETE", "/_emulator/requests"); }
  nlohmann::json locks() const { return call("GET", "/_emulator/locks").json(); }
  void configure(const nlohmann::json& config) const { call("POST", "/_emulator/config", config.dump()); }

 private:
  HttpAnswer act_as_call(const std::string& user, const std::string& action, const std::string& flow_id,
                         const std::string& more_query = "", const std::string& body = "") const {
    return call("POST", "/_emulator/act-as/" + detail::url_encode(user) + "/" + action +
                            "?flow=" + detail::url_encode(flow_id) + more_query,
                body);
  }

  int port_;
};

}  // namespace flowlink::testing
