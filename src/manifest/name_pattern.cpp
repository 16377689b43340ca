// Flow-name matching. Globs work on Unicode code points decoded from UTF-8,
// so `?` and `[...]` consume one character, not one byte, of names such as
// "Réception_?". Bytes that are not valid UTF-8 are kept as single units
// that only match themselves. Case folding (caseSensitive: false) is ASCII
// only. Regexes are std::regex ECMAScript over the UTF-8 bytes and must
// match the whole name.
//
// Neither may recurse or backtrack without bound (issue 11: 50,000 nested
// parentheses, or a 50,000-character name under `regex:Foo.*`, overflowed
// the stack inside std::regex):
// - Globs are matched iteratively, backtracking to the last `*` only: at
//   most (name length × pattern length) steps, no recursion.
// - std::regex compiles a pattern by recursive descent, one level per group
//   and per term, so a regex is checked first (regex_shape_error): at most
//   NamePattern::kMaxBytes long, groups at most kMaxRegexDepth deep, at most
//   kMaxRegexAtoms atoms once `{n,m}` is counted out.
// - libstdc++'s default matcher backtracks depth first: its recursion grows
//   with the name and its time can be exponential. Its polynomial mode (a
//   Thompson-style breadth-first simulation) recurses only within one step,
//   over the (bounded) automaton, and takes (name length × automaton size)
//   per match; back-references are impossible there and refused, and a
//   lookahead inside a lookahead (a power of the name's length) is refused.
//   Names longer than kMaxRegexNameBytes are not matched at all.

#include <algorithm>
#include <memory>
#include <mutex>
#include <regex>
#include <unordered_map>

#include "manifest/name_pattern.hpp"
#include "manifest/utf8.hpp"

namespace flowlink::manifest {

namespace {

// Invalid bytes map into the low-surrogate range, which valid UTF-8 never
// decodes to, so they cannot collide with a real character.
constexpr char32_t kInvalidByteBase = 0xDC00;

std::u32string decode_utf8(std::string_view text) {
  std::u32string out;
  std::size_t i = 0;
  while (i < text.size()) {
    char32_t cp = 0;
    if (std::size_t length = detail::utf8_sequence_length(text, i, &cp)) {
      out.push_back(cp);
      i += length;
    } else {
      out.push_back(kInvalidByteBase + static_cast<unsigned char>(text[i]));
      ++i;
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

std::string too_long(const NamePattern& pattern) {
  return "the pattern is " + std::to_string(pattern.text.size()) + " bytes long; a flow-name pattern may be at most " +
         std::to_string(NamePattern::kMaxBytes) + " bytes";
}

// Why std::regex must not be given this expression (see the top of the
// file), or nothing. A scan with an explicit stack: no recursion here
// either. It only needs to be conservative; syntax errors are left to
// std::regex, which reports them once the shape is known to be safe.
std::optional<std::string> regex_shape_error(std::string_view text) {
  constexpr std::size_t kCap = NamePattern::kMaxRegexAtoms + 1;  // counts saturate here
  auto capped = [&](std::size_t x) { return std::min(x, kCap); };
  // Every token counts one atom: a character, a class, an escape, `.`, `^`,
  // `$`, `|`, a group, a quantifier; x{n,m} counts x m times, x{n,} n + 1
  // times. The automaton std::regex builds is a small multiple of this.
  struct Group {
    std::size_t atoms = 0;  // in the group so far, repetitions counted out
    std::size_t last = 0;   // atoms of the last term, which a quantifier repeats
    bool lookahead = false;
  };
  std::vector<Group> groups(1);  // [0] is the whole expression
  bool in_lookahead = false;
  auto add_term = [&](std::size_t atoms) {
    groups.back().atoms = capped(groups.back().atoms + atoms);
    groups.back().last = atoms;
  };
  // The last term taken `copies` times, plus one for the quantifier.
  auto repeat_last = [&](std::size_t copies) {
    Group& g = groups.back();
    std::size_t repeated = capped(g.last * std::min(copies, kCap));
    g.atoms = capped(g.atoms - g.last + repeated + 1);
    g.last = 0;
  };
  auto parse_number = [&](std::size_t& i, std::size_t& value) {
    std::size_t start = i;
    value = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9')
      value = std::min<std::size_t>(value * 10 + static_cast<std::size_t>(text[i++] - '0'), kCap);
    return i > start;
  };
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\\') {
      if (i + 1 < text.size() && text[i + 1] >= '1' && text[i + 1] <= '9')
        return std::string("back-references such as '\\") + text[i + 1] +
               "' are not supported (a regex is matched in time proportional to the name's length)";
      i += 2;  // \d, \., \u00e9 (whose digits count as atoms: conservative)
      add_term(1);
    } else if (c == '[') {
      std::size_t j = i + 1;
      if (j < text.size() && text[j] == '^') ++j;
      while (j < text.size() && text[j] != ']') j += text[j] == '\\' ? 2 : 1;
      i = j + 1;
      add_term(1);
    } else if (c == '(') {
      bool lookahead = text.compare(i, 3, "(?=") == 0 || text.compare(i, 3, "(?!") == 0;
      if (lookahead && in_lookahead)
        return std::string("a lookahead inside a lookahead is not supported (its cost grows with a power of the "
                           "name's length)");
      groups.push_back(Group{0, 0, lookahead});
      in_lookahead = in_lookahead || lookahead;
      if (groups.size() - 1 > NamePattern::kMaxRegexDepth)
        return "groups are nested more than " + std::to_string(NamePattern::kMaxRegexDepth) +
               " deep; a regular expression may nest groups at most " +
               std::to_string(NamePattern::kMaxRegexDepth) + " deep";
      i += (lookahead || text.compare(i, 3, "(?:") == 0) ? 3 : 1;
    } else if (c == ')' && groups.size() > 1) {
      Group closed = groups.back();
      groups.pop_back();
      if (closed.lookahead) in_lookahead = false;
      add_term(capped(closed.atoms + 1));
      ++i;
    } else if (c == '*' || c == '+' || c == '?') {
      repeat_last(c == '+' ? 2 : 1);
      ++i;
      if (i < text.size() && text[i] == '?') ++i;  // lazy
    } else if (c == '{') {
      std::size_t j = i + 1, low = 0, high = 0;
      bool ok = parse_number(j, low);
      bool comma = ok && j < text.size() && text[j] == ',';
      bool bounded = false;
      if (comma) bounded = parse_number(++j, high);
      ok = ok && j < text.size() && text[j] == '}';
      if (!ok) {
        add_term(1);  // not a repetition; std::regex judges it
        ++i;
        continue;
      }
      // x{n} is n copies of x, x{n,m} m copies, x{n,} n copies and a loop.
      repeat_last(!comma ? low : bounded ? std::max(low, high) : low + 1);
      i = j + 1;
      if (i < text.size() && text[i] == '?') ++i;  // lazy
    } else {
      add_term(1);
      ++i;
    }
    if (groups.back().atoms > NamePattern::kMaxRegexAtoms)
      return "the regular expression comes to more than " + std::to_string(NamePattern::kMaxRegexAtoms) +
             " atoms once its repetitions are counted out (x{n,m} counts x m times); write a simpler one";
  }
  return std::nullopt;
}

std::regex::flag_type regex_flags(bool case_sensitive) {
  // nosubs: only whether the name matches counts, so no captures are tracked.
  auto flags = std::regex::ECMAScript | std::regex::nosubs;
  if (!case_sensitive) flags |= std::regex::icase;
#if defined(__GLIBCXX__)
  // The breadth-first matcher: no recursion along the name, no exponential
  // backtracking (see the top of the file).
  flags |= std::regex_constants::__polynomial;
#endif
  return flags;
}

// Compiling a std::regex is slow and a plan matches every flow against every
// pattern, so compiled regexes are shared by (flags, text). An expression
// over the limits is never compiled, and never matches.
constexpr std::size_t kMaxCachedRegexes = 1024;

std::shared_ptr<const std::regex> compiled_regex(const std::string& text, bool case_sensitive) {
  static std::mutex mutex;
  static std::unordered_map<std::string, std::shared_ptr<const std::regex>> cache;
  std::string key = (case_sensitive ? "s:" : "i:") + text;
  std::lock_guard<std::mutex> lock(mutex);
  auto found = cache.find(key);
  if (found != cache.end()) return found->second;
  std::shared_ptr<const std::regex> compiled;
  if (text.size() <= NamePattern::kMaxBytes && !regex_shape_error(text)) {
    try {
      compiled = std::make_shared<const std::regex>(text, regex_flags(case_sensitive));
    } catch (const std::regex_error&) {
      compiled = nullptr;  // never matches; the loader reports it
    }
  }
  // Patterns come from manifests, so a process sees few; a library caller
  // compiling patterns without end still gets bounded memory.
  if (cache.size() >= kMaxCachedRegexes) cache.clear();
  cache.emplace(key, compiled);
  return compiled;
}

}  // namespace

bool NamePattern::judges(std::string_view flow_name) const {
  return kind == Kind::Glob || flow_name.size() <= kMaxRegexNameBytes;
}

bool NamePattern::matches(std::string_view flow_name) const {
  if (kind == Kind::Regex) {
    if (!judges(flow_name)) return false;
    auto re = compiled_regex(text, case_sensitive);
    if (!re) return false;
    return std::regex_match(flow_name.begin(), flow_name.end(), *re);
  }
  if (text.size() > kMaxBytes) return false;
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
    if (pattern.text.size() > NamePattern::kMaxBytes) return too_long(pattern);
    if (auto problem = regex_shape_error(pattern.text)) return *problem;
    try {
      std::regex compiled(pattern.text, regex_flags(pattern.case_sensitive));
    } catch (const std::regex_error& e) {
      return "invalid regular expression '" + pattern.text + "': " + e.what();
    }
    return std::nullopt;
  }
  if (pattern.text.empty()) return "empty name pattern";
  if (pattern.text.size() > NamePattern::kMaxBytes) return too_long(pattern);
  std::vector<GlobToken> tokens;
  std::string problem;
  if (!parse_glob(decode_utf8(pattern.text), tokens, problem)) return "glob '" + pattern.text + "' " + problem;
  return std::nullopt;
}

}  // namespace detail
}  // namespace flowlink::manifest
