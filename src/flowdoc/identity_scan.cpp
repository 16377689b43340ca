// The skim of a flow document's top-level name and type (identity_scan.hpp).
#include "flowdoc/identity_scan.hpp"

#include <cstring>

#include <nlohmann/json.hpp>

namespace flowlink::flowdoc {

namespace {

class Skim {
 public:
  explicit Skim(std::string_view text) : text_(text) {}

  std::optional<ScannedIdentity> identity() {
    ScannedIdentity found;
    skip_space();
    if (!take('{')) return std::nullopt;
    skip_space();
    if (take('}')) return finish(found);
    while (true) {
      skip_space();
      const std::size_t key_start = pos_;
      if (!skip_string()) return std::nullopt;
      const std::string_view key = text_.substr(key_start, pos_ - key_start);
      skip_space();
      if (!take(':')) return std::nullopt;
      skip_space();
      std::string* field = key == "\"name\"" ? &found.name : key == "\"type\"" ? &found.type : nullptr;
      if (field) {
        // Document::parse refuses a name or type that is not a string.
        if (peek() != '"') return std::nullopt;
        const std::size_t value_start = pos_;
        if (!skip_string()) return std::nullopt;
        if (!decode_string(text_.substr(value_start, pos_ - value_start), *field)) return std::nullopt;
      } else if (!skip_value()) {
        return std::nullopt;
      }
      skip_space();
      if (take(',')) continue;
      if (take('}')) return finish(found);
      return std::nullopt;
    }
  }

 private:
  std::optional<ScannedIdentity> finish(ScannedIdentity& found) {
    skip_space();
    if (pos_ != text_.size()) return std::nullopt;  // trailing bytes: parse would refuse them
    return std::move(found);
  }

  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  bool take(char c) {
    if (peek() != c || pos_ >= text_.size()) return false;
    ++pos_;
    return true;
  }
  void skip_space() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
      ++pos_;
    }
  }

  // Steps over a string (quotes included); escapes are stepped over whole.
  bool skip_string() {
    if (!take('"')) return false;
    while (pos_ < text_.size()) {
      const void* hit = std::memchr(text_.data() + pos_, '"', text_.size() - pos_);
      if (!hit) return false;
      const std::size_t quote = static_cast<const char*>(hit) - text_.data();
      // The quote ends the string unless an odd number of backslashes precede it.
      std::size_t backslashes = 0;
      while (quote - backslashes > pos_ && text_[quote - backslashes - 1] == '\\') ++backslashes;
      pos_ = quote + 1;
      if (backslashes % 2 == 0) return true;
    }
    return false;
  }

  // Steps over any value; nesting is tracked, not recursed.
  bool skip_value() {
    const char first = peek();
    if (first == '"') return skip_string();
    if (first != '{' && first != '[') {
      const std::size_t start = pos_;
      while (pos_ < text_.size()) {
        const char c = text_[pos_];
        if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r') break;
        ++pos_;
      }
      return pos_ > start;
    }
    // The closers still owed, innermost last: a byte per level on the heap.
    std::string closers;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '"') {
        if (!skip_string()) return false;
        continue;
      }
      ++pos_;
      if (c == '{' || c == '[') {
        closers.push_back(c == '{' ? '}' : ']');
      } else if (c == '}' || c == ']') {
        if (closers.empty() || closers.back() != c) return false;
        closers.pop_back();
        if (closers.empty()) return true;
      }
    }
    return false;
  }

  // A JSON string token (quotes included) to its text: nlohmann's own
  // unescaping, so that the answer is byte for byte what parse would give.
  static bool decode_string(std::string_view token, std::string& out) {
    try {
      nlohmann::json value = nlohmann::json::parse(token.begin(), token.end());
      if (!value.is_string()) return false;
      out = value.get<std::string>();
      return true;
    } catch (const nlohmann::json::exception&) {
      return false;
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

std::optional<ScannedIdentity> scan_identity(std::string_view text) { return Skim(text).identity(); }

}  // namespace flowlink::flowdoc
