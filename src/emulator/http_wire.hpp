#pragma once
// HTTP/1.1 on the wire (RFC 9112), the parts the emulator's server needs:
// parse a request head, decide how its body is framed, decode a chunked
// body, and write a response head. Pure: no sockets, so every rule here is
// unit-tested byte for byte (tests/emulator/http_wire_test.cpp).

#include <cstddef>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flowlink::emulator::wire {

// Limits: a head beyond kMaxHeadBytes is answered 431, a body beyond
// kMaxBodyBytes 413. A flow configuration is ~0.1-1 MB; 64 MB is generous.
inline constexpr std::size_t kMaxHeadBytes = 64 * 1024;
inline constexpr std::size_t kMaxBodyBytes = 64 * 1024 * 1024;

// A request the server cannot frame: answered with this status, then the
// connection is closed (the rest of the stream cannot be trusted).
class WireError : public std::runtime_error {
 public:
  WireError(int status, const std::string& message) : std::runtime_error(message), status(status) {}
  int status;
};

struct RequestHead {
  std::string method;   // as sent ("GET"); methods are case-sensitive
  std::string target;   // origin-form "/path?query" (absolute-form is reduced to it)
  int minor_version = 1;  // HTTP/1.<minor>
  // Names lowercased, values trimmed; a repeated field's values joined with
  // ", " (RFC 9110 5.3), so "Content-Length: 3" twice reads "3, 3".
  std::map<std::string, std::string> headers;  // the type Request::headers has

  std::optional<std::string> header(std::string_view lowercase_name) const;
  std::string_view path() const;   // target before '?', still percent-encoded
  std::string_view query() const;  // target after '?', still percent-encoded
};

// Parses everything before the blank line (head must not include the final
// CRLF CRLF). Throws WireError(400) for a malformed request line or field,
// WireError(505) for a version other than HTTP/1.x.
RequestHead parse_request_head(std::string_view head);

// How the body that follows a head is framed, and what the connection does
// after the answer.
struct Framing {
  enum class Body { None, Length, Chunked };
  Body body = Body::None;
  std::size_t length = 0;        // Body::Length
  bool keep_alive = true;        // HTTP/1.1 default; HTTP/1.0 or "Connection: close" turn it off
  bool expect_continue = false;  // "Expect: 100-continue": the client waits for a 100 first
};

// Throws WireError: 400 for a bad or conflicting Content-Length (or both
// Content-Length and Transfer-Encoding), 501 for a transfer coding other
// than chunked, 413 for a declared body beyond kMaxBodyBytes.
Framing framing_of(const RequestHead& head);

// Incremental decoder of a chunked body. feed() consumes what it can of the
// bytes given and returns how many it consumed; call again with more bytes
// until done(). Trailer fields are read and dropped.
class ChunkedDecoder {
 public:
  std::size_t feed(std::string_view bytes);  // throws WireError(400 / 413)
  bool done() const { return state_ == State::Done; }
  std::string& body() { return body_; }

 private:
  enum class State { Size, Data, DataEnd, Trailer, Done };
  State state_ = State::Size;
  std::size_t remaining_ = 0;
  std::string line_;  // a size or trailer line being assembled
  std::string body_;
};

// Percent-decodes a request path ('+' stays '+': it means a space only in
// form-encoded queries). Throws WireError(400) for a broken %-escape.
std::string decode_path(std::string_view path);

std::string_view reason_phrase(int status);

// "HTTP/1.1 <status> <reason>", Content-Length, Content-Type (when given),
// then the other fields; all sorted by name, case-insensitively, as
// cpprest's listener (the emulator's earlier server) sent them, so answers
// stay byte-identical. "Connection: close" is added when the server closes.
std::string response_head(int status, const std::vector<std::pair<std::string, std::string>>& headers,
                          std::size_t content_length, std::string_view content_type, bool close);

}  // namespace flowlink::emulator::wire
