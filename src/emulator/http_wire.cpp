#include "emulator/http_wire.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "util/ascii.hpp"
#include "util/encoding.hpp"

namespace flowlink::emulator::wire {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// RFC 9110 token characters: method and field names.
bool is_token(std::string_view text) {
  if (text.empty()) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return util::is_alnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

// The comma-separated elements of a list-valued field, trimmed and lowercased.
std::vector<std::string> list_elements(std::string_view value) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= value.size()) {
    auto end = value.find(',', start);
    if (end == std::string_view::npos) end = value.size();
    auto element = trim(value.substr(start, end - start));
    if (!element.empty()) out.push_back(util::ascii_lower(element));
    start = end + 1;
  }
  return out;
}

}  // namespace

std::optional<std::string> RequestHead::header(std::string_view lowercase_name) const {
  auto it = headers.find(std::string(lowercase_name));
  return it == headers.end() ? std::nullopt : std::optional<std::string>(it->second);
}

std::string_view RequestHead::path() const {
  std::string_view t = target;
  return t.substr(0, t.find('?'));
}

std::string_view RequestHead::query() const {
  std::string_view t = target;
  auto q = t.find('?');
  return q == std::string_view::npos ? std::string_view() : t.substr(q + 1);
}

RequestHead parse_request_head(std::string_view head) {
  RequestHead out;
  // RFC 9112 2.2: a server SHOULD ignore empty lines before the request line.
  while (head.substr(0, 2) == "\r\n") head.remove_prefix(2);
  auto line_end = head.find("\r\n");
  std::string_view line = head.substr(0, line_end);
  std::string_view fields = line_end == std::string_view::npos ? std::string_view() : head.substr(line_end + 2);

  const auto sp1 = line.find(' ');
  const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    throw WireError(400, fmt::format("malformed request line '{}'", line.substr(0, 200)));
  const auto method = line.substr(0, sp1);
  auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const auto version = line.substr(sp2 + 1);
  if (!is_token(method)) throw WireError(400, fmt::format("malformed method '{}'", method.substr(0, 50)));
  if (version.size() != 8 || version.substr(0, 7) != "HTTP/1." || !util::is_digit(version[7]))
    throw WireError(version.substr(0, 5) == "HTTP/" ? 505 : 400,
                    fmt::format("unsupported protocol version '{}'", version.substr(0, 20)));
  // absolute-form (RFC 9112 3.2.2): keep the path and query only.
  for (std::string_view scheme : {"http://", "https://"}) {
    if (target.size() > scheme.size() && util::ascii_iequals(target.substr(0, scheme.size()), scheme)) {
      auto slash = target.find('/', scheme.size());
      target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
    }
  }
  if (target.empty() || target.front() != '/' ||
      std::any_of(target.begin(), target.end(), [](unsigned char c) { return c <= 0x20 || c == 0x7f; }))
    throw WireError(400, fmt::format("malformed request target '{}'", target.substr(0, 200)));
  out.method = std::string(method);
  out.target = std::string(target);
  out.minor_version = version[7] - '0';

  std::size_t start = 0;
  while (start < fields.size()) {
    auto end = fields.find("\r\n", start);
    if (end == std::string_view::npos) end = fields.size();
    std::string_view field = fields.substr(start, end - start);
    start = end + 2;
    if (field.empty()) continue;
    // Obsolete line folding is rejected (RFC 9112 5.2), as is a field without a name.
    const auto colon = field.find(':');
    if (field.front() == ' ' || field.front() == '\t' || colon == std::string_view::npos ||
        !is_token(field.substr(0, colon)))
      throw WireError(400, fmt::format("malformed header field '{}'", field.substr(0, 200)));
    const std::string value(trim(field.substr(colon + 1)));
    auto [it, fresh] = out.headers.emplace(util::ascii_lower(field.substr(0, colon)), value);
    if (!fresh) it->second += ", " + value;
  }
  return out;
}

Framing framing_of(const RequestHead& head) {
  Framing framing;
  framing.keep_alive = head.minor_version >= 1;
  if (auto connection = head.header("connection")) {
    for (const auto& option : list_elements(*connection)) {
      if (option == "close") framing.keep_alive = false;
      if (option == "keep-alive") framing.keep_alive = true;
    }
  }
  if (auto expect = head.header("expect")) framing.expect_continue = util::ascii_iequals(trim(*expect), "100-continue");

  const auto transfer_encoding = head.header("transfer-encoding");
  std::optional<std::size_t> length;
  if (auto value = head.header("content-length")) {
    // A list ("5, 5", or the field twice) is allowed when every element agrees (RFC 9112 6.3).
    for (const auto& element : list_elements(*value)) {
      std::size_t n = 0;
      auto [end, error] = std::from_chars(element.data(), element.data() + element.size(), n);
      if (error != std::errc() || end != element.data() + element.size())
        throw WireError(400, fmt::format("malformed Content-Length '{}'", value->substr(0, 50)));
      if (length && *length != n) throw WireError(400, "conflicting Content-Length fields");
      length = n;
    }
    if (!length) throw WireError(400, "empty Content-Length");
  }
  if (transfer_encoding) {
    if (length) throw WireError(400, "both Transfer-Encoding and Content-Length");
    const auto codings = list_elements(*transfer_encoding);
    if (codings.size() != 1 || codings.front() != "chunked")
      throw WireError(501, fmt::format("transfer coding '{}' is not supported (only chunked)", *transfer_encoding));
    framing.body = Framing::Body::Chunked;
    return framing;
  }
  if (length && *length > kMaxBodyBytes)
    throw WireError(413, fmt::format("a body of {} bytes is over the {} byte limit", *length, kMaxBodyBytes));
  if (length && *length > 0) {
    framing.body = Framing::Body::Length;
    framing.length = *length;
  }
  return framing;
}

std::size_t ChunkedDecoder::feed(std::string_view bytes) {
  std::size_t used = 0;
  auto take_line = [&]() -> bool {  // completes line_ up to CRLF; true when whole
    while (used < bytes.size()) {
      const char c = bytes[used++];
      line_ += c;
      if (line_.size() > 4096) throw WireError(400, "chunked body: a size or trailer line over 4 KB");
      if (c == '\n' && line_.size() >= 2 && line_[line_.size() - 2] == '\r') {
        line_.resize(line_.size() - 2);
        return true;
      }
    }
    return false;
  };
  while (used < bytes.size() && state_ != State::Done) {
    switch (state_) {
      case State::Size: {
        if (!take_line()) break;
        std::string_view size = line_;
        size = trim(size.substr(0, size.find(';')));  // chunk extensions are ignored
        std::size_t n = 0;
        auto [end, error] = std::from_chars(size.data(), size.data() + size.size(), n, 16);
        if (size.empty() || error != std::errc() || end != size.data() + size.size())
          throw WireError(400, fmt::format("chunked body: malformed chunk size '{}'", line_.substr(0, 50)));
        if (n > kMaxBodyBytes || body_.size() + n > kMaxBodyBytes)
          throw WireError(413, fmt::format("a body over the {} byte limit", kMaxBodyBytes));
        line_.clear();
        remaining_ = n;
        state_ = n == 0 ? State::Trailer : State::Data;
        break;
      }
      case State::Data: {
        const std::size_t n = std::min(remaining_, bytes.size() - used);
        body_.append(bytes.data() + used, n);
        used += n;
        remaining_ -= n;
        if (remaining_ == 0) state_ = State::DataEnd;
        break;
      }
      case State::DataEnd: {
        if (!take_line()) break;
        if (!line_.empty()) throw WireError(400, "chunked body: chunk data longer than its size");
        state_ = State::Size;
        break;
      }
      case State::Trailer: {
        if (!take_line()) break;
        const bool last = line_.empty();
        line_.clear();
        if (last) state_ = State::Done;
        break;
      }
      case State::Done:
        break;
    }
  }
  return used;
}

std::string decode_path(std::string_view path) {
  try {
    return util::percent_decode(path);
  } catch (const std::invalid_argument&) {
    throw WireError(400, fmt::format("malformed %-escape in the path '{}'", path.substr(0, 200)));
  }
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Request Entity Too Large";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Time-out";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

std::string response_head(int status, const std::vector<std::pair<std::string, std::string>>& headers,
                          std::size_t content_length, std::string_view content_type, bool close) {
  std::vector<std::pair<std::string, std::string>> fields;
  fields.reserve(headers.size() + 3);
  fields.emplace_back("Content-Length", std::to_string(content_length));
  if (!content_type.empty()) fields.emplace_back("Content-Type", std::string(content_type));
  if (close) fields.emplace_back("Connection", "close");
  for (const auto& field : headers) {
    if (util::ascii_iequals(field.first, "content-length") || util::ascii_iequals(field.first, "content-type") ||
        util::ascii_iequals(field.first, "connection"))
      continue;  // the server frames the answer itself
    fields.push_back(field);
  }
  std::stable_sort(fields.begin(), fields.end(),
                   [](const auto& a, const auto& b) { return util::ascii_iless(a.first, b.first); });
  std::string out = fmt::format("HTTP/1.1 {} {}\r\n", status, reason_phrase(status));
  for (std::size_t i = 0; i < fields.size(); ++i) {
    out += fields[i].first;
    out += ": ";
    out += fields[i].second;
    // Repeated names leave as one field, values joined (as cpprest's header map did).
    while (i + 1 < fields.size() && util::ascii_iequals(fields[i + 1].first, fields[i].first)) out += ", " + fields[++i].second;
    out += "\r\n";
  }
  out += "\r\n";
  return out;
}

}  // namespace flowlink::emulator::wire
