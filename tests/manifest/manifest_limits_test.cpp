// Hostile or broken input to the loader (issue 11): bounded patterns, bounded
// files, only regular files, every manifest-named entry accounted for, each
// file read once, UTF-8 only. Every limit is an error in the usual
// file:line:col: key.path: message form, saying the limit.

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "manifest/desired_state.hpp"
#include "manifest/loader.hpp"
#include "manifest_test_support.hpp"

using namespace flowlink::manifest;
namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::path(FLOWLINK_BINARY_DIR) / "manifest-limits-tests" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string manifest_with_include(const std::string& pattern_yaml) {
  return "apiVersion: flowlink/v1\nmodules:\n  m: {name: M}\nrules:\n  - name: r\n    flows:\n"
         "      types: [inboundcall]\n      include: [" +
         pattern_yaml + "]\n    ensure: [{module: m}]\n";
}

const std::string kModuleFile = "apiVersion: flowlink/v1\nmodules:\n  m: {name: M}\n";

}  // namespace

// --- name patterns -----------------------------------------------------------

TEST_CASE("a regex of 50,000 nested parentheses is an error at its position saying the limit") {
  const std::string nested = std::string(50'000, '(') + "a" + std::string(50'000, ')');
  LoadResult result = parse_manifest(manifest_with_include("\"regex:" + nested + "\""), "m.yaml");
  REQUIRE(result.errors.size() == 1);
  CHECK_MANIFEST_ERROR(result, "m.yaml:8:17",
                       "rules[0].flows.include[0]: the pattern is 100001 bytes long; a flow-name pattern may be at "
                       "most 1000 bytes");
}

TEST_CASE("pattern depth, size and length limits are errors at each pattern's position") {
  const std::string deep = std::string(33, '(') + "a" + std::string(33, ')');
  LoadResult result = parse_manifest(
      manifest_with_include("'regex:" + deep + "', 'regex:(?:x{100}){100}', '" + std::string(1001, 'g') +
                            "', 'regex:(a)\\1', 'regex:Support-[0-9]+'"),
      "m.yaml");
  CHECK_MANIFEST_ERROR(result, "m.yaml:8:17",
                       "rules[0].flows.include[0]: groups are nested more than 32 deep; a regular expression may "
                       "nest groups at most 32 deep");
  CHECK_MANIFEST_ERROR(result, "m.yaml:8:94", "rules[0].flows.include[1]: the regular expression comes to more than "
                                              "1000 atoms once its repetitions are counted out");
  CHECK_MANIFEST_ERROR(result, "m.yaml:8:119",
                       "rules[0].flows.include[2]: the pattern is 1001 bytes long; a flow-name pattern may be at most "
                       "1000 bytes");
  CHECK_MANIFEST_ERROR(result, "m.yaml:8:1124", "rules[0].flows.include[3]: back-references such as '\\1'");
  CHECK(result.errors.size() == 4);
}

// --- files -------------------------------------------------------------------

TEST_CASE("a manifest file over 1 MiB is refused unread, naming the file and the limit") {
  fs::path dir = fresh_dir("size");
  std::string exact = kModuleFile;
  exact += "#" + std::string(kMaxManifestBytes - exact.size() - 2, 'x') + "\n";
  REQUIRE(exact.size() == kMaxManifestBytes);
  write(dir / "exact.yaml", exact);
  write(dir / "over.yaml", exact + "#");
  LoadResult ok = load_manifest({(dir / "exact.yaml").string()});
  INFO(testing::all_errors(ok));
  CHECK(ok.ok());
  std::string over = (dir / "over.yaml").string();
  LoadResult refused = load_manifest({over});
  REQUIRE(refused.errors.size() == 1);
  CHECK(refused.errors[0].str() == over + ": the file is 1048577 bytes; a manifest file may be at most 1048576 bytes (1 MiB)");
  // Text handed over directly (stdin) obeys the same limit.
  LoadResult text = parse_manifest(exact + "#", "stdin");
  REQUIRE(text.errors.size() == 1);
  CHECK(text.errors[0].str().find("stdin: the file is 1048577 bytes; a manifest file may be at most") == 0);
}

TEST_CASE("a device is refused without being read") {
  // Issue 11: `flowlink validate /dev/zero` read 2 GB.
  if (!fs::exists("/dev/zero")) return;
  auto started = std::chrono::steady_clock::now();
  LoadResult result = load_manifest({"/dev/zero"});
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].str() ==
        "/dev/zero: not a regular file (a character device); a manifest must be a regular file or a directory");
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(1));
}

TEST_CASE("a named pipe is refused without blocking, given by name or found in a directory") {
  fs::path dir = fresh_dir("fifo");
  write(dir / "a.yaml", kModuleFile);
  REQUIRE(::mkfifo((dir / "pipe.yaml").c_str(), 0600) == 0);
  std::string pipe = (dir / "pipe.yaml").string();
  LoadResult named = load_manifest({pipe});  // would block forever on open(O_RDONLY) if opened plainly
  REQUIRE(named.errors.size() == 1);
  CHECK(named.errors[0].str() == pipe + ": not a regular file (a named pipe); a manifest must be a regular file or a directory");
  LoadResult listed = load_manifest({dir.string()});
  REQUIRE(listed.errors.size() == 1);
  CHECK(listed.errors[0].str().find(pipe + ": not a regular file (a named pipe)") == 0);
}

TEST_CASE("a dangling or looping *.yaml symbolic link in a directory is an error naming it") {
  fs::path dir = fresh_dir("links");
  write(dir / "a.yaml", kModuleFile);
  fs::create_symlink("missing.yaml", dir / "gone.yaml");
  fs::create_symlink("loop2.yml", dir / "loop1.yml");
  fs::create_symlink("loop1.yml", dir / "loop2.yml");
  fs::create_symlink("missing.txt", dir / "notes.txt");  // not a manifest name: ignored
  LoadResult result = load_manifest({dir.string()});
  INFO(testing::all_errors(result));
  CHECK(result.errors.size() == 3);
  CHECK(testing::has_error(result, (dir / "gone.yaml").string(),
                           "dangling symbolic link: its target 'missing.yaml' does not exist"));
  CHECK(testing::has_error(result, (dir / "loop1.yml").string(), "symbolic link loop"));
  CHECK(testing::has_error(result, (dir / "loop2.yml").string(), "symbolic link loop"));
  CHECK(result.state.files == std::vector<std::string>{(dir / "a.yaml").string()});

  // Named directly, too; and a directory of only a dangling link is not "empty".
  fs::path only = fresh_dir("only-link");
  fs::create_symlink("nowhere.yaml", only / "x.yaml");
  LoadResult direct = load_manifest({(dir / "gone.yaml").string(), only.string()});
  INFO(testing::all_errors(direct));
  CHECK(direct.errors.size() == 2);
  CHECK(testing::has_error(direct, (dir / "gone.yaml").string(), "dangling symbolic link"));
  CHECK(testing::has_error(direct, (only / "x.yaml").string(), "dangling symbolic link"));
}

TEST_CASE("the same file reached by several paths is read once, at its first path") {
  fs::path dir = fresh_dir("same");
  fs::create_directories(dir / "a");
  fs::create_directories(dir / "other");
  write(dir / "a" / "x.yaml", kModuleFile);
  fs::create_symlink("x.yaml", dir / "a" / "y.yaml");                  // symlink in the same directory
  fs::create_hard_link(dir / "a" / "x.yaml", dir / "other" / "z.yaml");  // hard link elsewhere
  const std::string x = (dir / "a" / "x.yaml").string();
  LoadResult result = load_manifest({x, (dir / "a" / ".." / "a" / "x.yaml").string(), (dir / "a").string(),
                                     (dir / "other").string(), (dir / "other" / "z.yaml").string()});
  INFO(testing::all_errors(result));
  CHECK(result.ok());  // no "module key 'm' is already defined"
  CHECK(result.state.files == std::vector<std::string>{x});
  CHECK(result.state.fingerprint == load_manifest({x}).state.fingerprint);
}

// --- UTF-8 -------------------------------------------------------------------

TEST_CASE("invalid UTF-8 is an error at its position, with the key path of the value holding it") {
  LoadResult result = parse_manifest("apiVersion: flowlink/v1\n"
                                     "modules:\n"
                                     "  m: {name: \"Caf\xE9\"}\n"
                                     "  r\xC3\xA9: {name: \"R\xC3\xA9" "ception \xC0\xAF\"}\n"
                                     "rules:\n"
                                     "  - name: r\n"
                                     "    flows: {types: [inboundcall], include: [\"Sup\xFFport*\"]}\n"
                                     "    ensure: [{module: m}]\n"
                                     "# \xED\xA0\x80 a surrogate\n"
                                     "# truncated \xE2\x82",
                                     "m.yaml");
  INFO(testing::all_errors(result));
  CHECK_MANIFEST_ERROR(result, "m.yaml:3:17", "modules.m.name: invalid UTF-8 (byte 0xE9); a manifest must be UTF-8 text");
  CHECK_MANIFEST_ERROR(result, "m.yaml:4:25", "modules[\"r\xC3\xA9\"].name: invalid UTF-8 (byte 0xC0)");  // overlong '/'
  CHECK_MANIFEST_ERROR(result, "m.yaml:7:49", "rules[0].flows.include[0]: invalid UTF-8 (byte 0xFF)");
  CHECK_MANIFEST_ERROR(result, "m.yaml:9:3", "invalid UTF-8 (byte 0xED)");  // a comment: no key path
  CHECK_MANIFEST_ERROR(result, "m.yaml:10:13", "invalid UTF-8 (byte 0xE2)");
  CHECK(result.errors.at(3).key_path.empty());
  CHECK(result.errors.size() == 5);  // and nothing else: the file is fixed first
}

TEST_CASE("invalid UTF-8 is reported once per line, ten lines at most") {
  std::string text = kModuleFile;
  for (int i = 0; i < 12; ++i) text += "# Latin-1: \xE9t\xE9\n";
  LoadResult result = parse_manifest(text, "latin1.yaml");
  INFO(testing::all_errors(result));
  REQUIRE(result.errors.size() == 11);
  CHECK_MANIFEST_ERROR(result, "latin1.yaml:4:12", "invalid UTF-8 (byte 0xE9)");
  CHECK_MANIFEST_ERROR(result, "latin1.yaml:13:12", "invalid UTF-8 (byte 0xE9)");
  CHECK_MANIFEST_ERROR(result, "latin1.yaml:13:12", "invalid UTF-8 on 2 more lines");
  // A byte order mark that is no UTF-8 one, where yaml-cpp would guess UTF-16.
  LoadResult utf16 = parse_manifest("\xFF\xFE" "a\0p\0", "utf16.yaml");
  CHECK_MANIFEST_ERROR(utf16, "utf16.yaml:1:1", "invalid UTF-8 (byte 0xFF)");
}

TEST_CASE("valid UTF-8 of every length loads") {
  LoadResult result = parse_manifest(
      manifest_with_include("'R\xC3\xA9" "ception \xE2\x98\x8E \xF0\x9F\x8E\xA7*', 'regex:\xE2\x82\xAC" "[0-9]+'"), "m.yaml");
  INFO(testing::all_errors(result));
  CHECK(result.ok());
}

// --- YAML the parser cannot start a node with ---------------------------------

TEST_CASE("a stray ',' is a syntax error at its position, not an endless parse") {
  // Found by fuzz/fuzz_manifest: yaml-cpp 0.7's LoadAll looped on it, adding an
  // empty document each round, until memory ran out (2 GB in 20 s).
  LoadResult alone = parse_manifest(",", "m.yaml");
  CHECK_MANIFEST_ERROR(alone, "m.yaml:1:1", "YAML syntax error: unexpected ','");
  LoadResult after_a_document = parse_manifest(kModuleFile + "---\n  , rest\n", "m.yaml");
  CHECK_MANIFEST_ERROR(after_a_document, "m.yaml:5:3", "YAML syntax error: unexpected ','");
  // With invalid UTF-8 too (that check parses the text to name key paths).
  LoadResult with_bad_byte = parse_manifest(",\xff", "m.yaml");
  CHECK_MANIFEST_ERROR(with_bad_byte, "m.yaml:1:2", "invalid UTF-8 (byte 0xFF)");
  // Documents after the first are still seen (and refused: one per file).
  LoadResult documents = parse_manifest(kModuleFile + "---\nrules: []\n", "m.yaml");
  CHECK_MANIFEST_ERROR(documents, "m.yaml:5:1", "expected one YAML document per file, found 2");
}
