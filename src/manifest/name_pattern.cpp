// Flow-name matching. Globs work on Unicode code points decoded from UTF-8,
// so `?` and `[...]` consume one character, not one byte, of names such as
// "Réception_?". Bytes that are not valid UTF-8 are kept as single units
// that only match themselves. Case folding (caseSensitive: false) is ASCII
// only. Regexes are std::regex ECMAScript over the UTF-8 bytes and must
// match the whole name.

#include <memory>
#include <mutex>
#include <regex>
#include <unordered_map>

#include "manifest/name_pattern.hpp"

namespace flowlink::manifest {

namespace {

// Invalid bytes map into the low-surrogate range, which valid UTF-8 never
// decodes to, so they cannot collide with a real character.
constexpr char32_t kInvalidByteBase = 0xDC00;

std::u32string decode_utf8(std::string_view text) {
  std::u32string out;
  std::size_t i = 0;
  while (i < text.size()) {
    unsigned char lead = static_cast<unsigned char>(text[i]);
    std::size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
    bool valid = length > 0 && i + length <= text.size();
    char32_t cp = length == 1 ? lead : length == 2 ? (lead & 0x1F) : length == 3 ? (lead & 0x0F) : (lead & 0x07);
    for (std::size_t k = 1; valid && k < length; ++k) {
      unsigned char next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) valid = false;
      cp = (cp << 6) | (next & 0x3F);
    }
    if (valid && length > 1) {
      // Reject overlong forms and surrogates so every byte sequence decodes one way.
      static constexpr char32_t minimum[] = {0, 0, 0x80, 0x800, 0x10000};
      if (cp < minimum[length] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) valid = false;
    }
    if (!valid) {
      out.push_back(kInvalidByteBase + lead);
      ++i;
    } else {
      out.push_back(cp);
      i += length;
    }
  }
  return out;
}

char32_t ascii_lower(char32_t c) { return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c; }
char32_t ascii_upper(char32_t c) { return (c >= 'a' && c <= 'z') ? c - 'a' + 'A' : c; }

struct GlobToken {
  enum class Kind { Literal, AnyOne, AnyRun, Class };
  Kind kind = Kind::Literal;
  char32_t literal = 0;
  std::vector<std::pair<char32_t, char32_t>> ranges;  // Class
  bool negated = false;                               // Class
};

// Parses a glob. Returns false (with `problem`) for an unterminated class, a
// reversed range or a trailing backslash.
bool parse_glob(const std::u32string& pattern, std::vector<GlobToken>& tokens, std::string& problem) {
  std::size_t i = 0;
  while (i < pattern.size()) {
    char32_t c = pattern[i];
    GlobToken token;
    if (c == '\\') {
      if (i + 1 >= pattern.size()) {
        problem = "ends with a lone '\\' (escape a literal backslash as '\\\\')";
        return false;
      }
      token.literal = pattern[i + 1];
      i += 2;
    } else if (c == '*') {
      token.kind = GlobToken::Kind::AnyRun;
      ++i;
    } else if (c == '?') {
      token.kind = GlobToken::Kind::AnyOne;
      ++i;
    } else if (c == '[') {
      token.kind = GlobToken::Kind::Class;
      std::size_t j = i + 1;
      if (j < pattern.size() && (pattern[j] == '!' || pattern[j] == '^')) {
        token.negated = true;
        ++j;
      }
      bool first = true;
      bool closed = false;
      while (j < pattern.size()) {
        char32_t lo = pattern[j];
        if (lo == ']' && !first) {
          closed = true;
          ++j;
          break;
        }
        first = false;
        if (lo == '\\') {
          if (j + 1 >= pattern.size()) break;
          lo = pattern[++j];
        }
        ++j;
        char32_t hi = lo;
        // A '-' between two characters makes a range; at either end it is literal.
        if (j + 1 < pattern.size() && pattern[j] == '-' && pattern[j + 1] != ']') {
          hi = pattern[j + 1];
          j += 2;
          if (hi == '\\') {
            if (j >= pattern.size()) break;
            hi = pattern[j++];
          }
        }
        if (hi < lo) {
          problem = "has a reversed range in '[...]' (write the lower character first, e.g. 'a-z')";
          return false;
        }
        token.ranges.emplace_back(lo, hi);
      }
      if (!closed) {
        problem = "has a '[' without a closing ']' (write '\\[' for a literal '[')";
        return false;
      }
      i = j;
    } else {
      token.literal = c;
      ++i;
    }
    tokens.push_back(std::move(token));
  }
  return true;
}

bool token_matches(const GlobToken& token, char32_t c, bool case_sensitive) {
  switch (token.kind) {
    case GlobToken::Kind::AnyOne: return true;
    case GlobToken::Kind::AnyRun: return true;
    case GlobToken::Kind::Literal:
      return case_sensitive ? token.literal == c : ascii_lower(token.literal) == ascii_lower(c);
    case GlobToken::Kind::Class: {
      auto in = [&](char32_t x) {
        for (const auto& [lo, hi] : token.ranges)
          if (x >= lo && x <= hi) return true;
        return false;
      };
      bool hit = in(c) || (!case_sensitive && (in(ascii_lower(c)) || in(ascii_upper(c))));
      return hit != token.negated;
    }
  }
  return false;
}

// Classic wildcard matching with backtracking to the last '*' only: linear
// in practice, never exponential.
bool glob_match(const std::vector<GlobToken>& tokens, const std::u32string& name, bool case_sensitive) {
  std::size_t t = 0, n = 0;
  std::size_t star = std::string::npos, star_n = 0;
  while (n < name.size()) {
    if (t < tokens.size() && tokens[t].kind == GlobToken::Kind::AnyRun) {
      star = t++;
      star_n = n;
    } else if (t < tokens.size() && token_matches(tokens[t], name[n], case_sensitive)) {
      ++t;
      ++n;
    } else if (star != std::string::npos) {
      t = star + 1;
      n = ++star_n;
    } else {
      return false;
    }
  }
  while (t < tokens.size() && tokens[t].kind == GlobToken::Kind::AnyRun) ++t;
  return t == tokens.size();
}

// Compiling a std::regex is slow and a plan matches every flow against every
// pattern, so compiled regexes are shared by (flags, text).
std::shared_ptr<const std::regex> compiled_regex(const std::string& text, bool case_sensitive) {
  static std::mutex mutex;
  static std::unordered_map<std::string, std::shared_ptr<const std::regex>> cache;
  std::string key = (case_sensitive ? "s:" : "i:") + text;
  std::lock_guard<std::mutex> lock(mutex);
  auto found = cache.find(key);
  if (found != cache.end()) return found->second;
  auto flags = std::regex::ECMAScript;
  if (!case_sensitive) flags |= std::regex::icase;
  std::shared_ptr<const std::regex> compiled;
  try {
    compiled = std::make_shared<const std::regex>(text, flags);
  } catch (const std::regex_error&) {
    compiled = nullptr;  // never matches; the loader reports it
  }
  cache.emplace(key, compiled);
  return compiled;
}

}  // namespace

bool NamePattern::matches(std::string_view flow_name) const {
  if (kind == Kind::Regex) {
    auto re = compiled_regex(text, case_sensitive);
    if (!re) return false;
    return std::regex_match(flow_name.begin(), flow_name.end(), *re);
  }
  std::vector<GlobToken> tokens;
  std::string problem;
  if (!parse_glob(decode_utf8(text), tokens, problem)) return false;
  return glob_match(tokens, decode_utf8(flow_name), case_sensitive);
}

namespace detail {

NamePattern make_pattern(const std::string& written, bool case_sensitive, SourceLocation location) {
  NamePattern pattern;
  static const std::string prefix = "regex:";
  if (written.compare(0, prefix.size(), prefix) == 0) {
    pattern.kind = NamePattern::Kind::Regex;
    pattern.text = written.substr(prefix.size());
  } else {
    pattern.kind = NamePattern::Kind::Glob;
    pattern.text = written;
  }
  pattern.case_sensitive = case_sensitive;
  pattern.location = std::move(location);
  return pattern;
}

std::optional<std::string> pattern_syntax_error(const NamePattern& pattern) {
  if (pattern.kind == NamePattern::Kind::Regex) {
    if (pattern.text.empty()) return "empty regular expression after 'regex:'";
    try {
      auto flags = std::regex::ECMAScript;
      if (!pattern.case_sensitive) flags |= std::regex::icase;
      std::regex compiled(pattern.text, flags);
    } catch (const std::regex_error& e) {
      return "invalid regular expression '" + pattern.text + "': " + e.what();
    }
    return std::nullopt;
  }
  if (pattern.text.empty()) return "empty name pattern";
  std::vector<GlobToken> tokens;
  std::string problem;
  if (!parse_glob(decode_utf8(pattern.text), tokens, problem)) return "glob '" + pattern.text + "' " + problem;
  return std::nullopt;
}

}  // namespace detail
}  // namespace flowlink::manifest
