// The emulator server's HTTP/1.1 framing (src/emulator/http_wire.*): the
// input is a byte stream from a client, read the way http_server.cpp reads a
// connection: heads up to the blank line, each parsed, its body framed by
// Content-Length or decoded chunk by chunk (fed in pieces, as from the
// socket), and the path percent-decoded. Bad framing must be
// a WireError with a 4xx/5xx status, never a crash or unbounded memory.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "emulator/http_wire.hpp"

namespace wire = flowlink::emulator::wire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte sets how many bytes each read hands the chunked decoder.
  const std::size_t piece = 1 + data[0] % 16;
  std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    while (!stream.empty()) {
      const std::size_t end = stream.find("\r\n\r\n");
      if (end == std::string_view::npos || end > wire::kMaxHeadBytes) return 0;
      const wire::RequestHead head = wire::parse_request_head(stream.substr(0, end));
      stream.remove_prefix(end + 4);
      const wire::Framing framing = wire::framing_of(head);
      std::string body;
      if (framing.body == wire::Framing::Body::Length) {
        if (framing.length > stream.size()) return 0;  // the server would wait for the rest
        body = std::string(stream.substr(0, framing.length));
        stream.remove_prefix(framing.length);
      } else if (framing.body == wire::Framing::Body::Chunked) {
        wire::ChunkedDecoder decoder;
        while (!decoder.done() && !stream.empty()) {
          const std::string_view read = stream.substr(0, piece);
          const std::size_t used = decoder.feed(read);
          if (used > read.size()) __builtin_trap();
          stream.remove_prefix(used);
          if (used < read.size() && !decoder.done()) __builtin_trap();  // it must take all until done
        }
        if (!decoder.done()) return 0;
        body = std::move(decoder.body());
      }
      if (body.size() > wire::kMaxBodyBytes) __builtin_trap();
      const std::string path = wire::decode_path(head.path());
      head.query();
      head.header("authorization");
      wire::response_head(200, {{"ININ-Correlation-Id", "x"}}, body.size(), "application/json", !framing.keep_alive);
      if (!framing.keep_alive) return 0;
    }
  } catch (const wire::WireError& error) {
    if (error.status < 400 || error.status > 599) __builtin_trap();
  }
  return 0;
}
