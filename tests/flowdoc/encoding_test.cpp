// util/encoding: SHA-256, base64 and URL encoding.
#include <doctest/doctest.h>

#include <stdexcept>

#include "util/encoding.hpp"

using namespace flowlink::util;

TEST_CASE("sha256_hex matches the FIPS 180-2 test vectors") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_CASE("base64 matches RFC 4648 and round-trips every byte") {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},  {"foob", "Zm9vYg=="},  {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    CAPTURE(plain);
    CHECK(base64_encode(plain) == encoded);
    CHECK(base64_decode(encoded) == plain);
  }
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  CHECK(base64_decode(base64_encode(all)) == all);
  CHECK(base64_decode("Zm9v\nYmFy\r\n") == "foobar");  // whitespace ignored
  CHECK(base64_decode("-_8=") == base64_decode("+/8="));  // URL-safe alphabet accepted
  CHECK_THROWS_AS(base64_decode("Zm9v*"), std::invalid_argument);
}

TEST_CASE("url_decode: %XX escapes, '+' as space, bad escapes rejected") {
  CHECK(url_decode("a%20b+c%2Bd") == "a b c+d");
  CHECK(url_decode("%7B%22k%22%3A1%7D") == "{\"k\":1}");
  CHECK(url_decode("%c3%a9") == "\xc3\xa9");
  CHECK(url_decode("plain-text_.~") == "plain-text_.~");
  CHECK_THROWS_AS(url_decode("%4"), std::invalid_argument);
  CHECK_THROWS_AS(url_decode("%zz"), std::invalid_argument);
  CHECK_THROWS_AS(url_decode("abc%"), std::invalid_argument);
  CHECK(percent_decode("a%20b+c%2Bd") == "a b+c+d");  // paths: '+' is a plus
  CHECK_THROWS_AS(percent_decode("x%2"), std::invalid_argument);
}

TEST_CASE("url_encode keeps only unreserved characters and round-trips every byte") {
  CHECK(url_encode("AZaz09-_.~") == "AZaz09-_.~");
  CHECK(url_encode("a b+c/%") == "a%20b%2Bc%2F%25");
  CHECK(url_encode("é") == "%C3%A9");
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  CHECK(url_decode(url_encode(all)) == all);
}
