#pragma once
// Test support for the emulator tests: a temp org dir, an HTTP client that
// talks to the emulator over loopback (cpprest, implemented in
// support_test.cpp so that only one test file compiles cpprest), and small
// flow documents that pass the emulator's soundness check (and flowdoc's).

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/emulator.hpp"

namespace emutest {

using Json = nlohmann::ordered_json;

// A fresh directory, removed at the end of the test.
struct TempDir {
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::filesystem::path path;
};

struct Reply {
  int status = 0;  // 0: the connection failed (dropped)
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;
  Json json() const { return Json::parse(body); }
  std::string header(const std::string& lowercase_name) const {
    auto it = headers.find(lowercase_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class Client {
 public:
  explicit Client(std::string base_url);
  ~Client();
  // path may carry a query string, already encoded.
  Reply call(const std::string& method, const std::string& path, const std::string& body = "",
             const std::vector<std::pair<std::string, std::string>>& headers = {},
             const std::string& content_type = "application/json");
  // POST /oauth/token with client credentials; returns the reply.
  Reply token_request(const std::string& id, const std::string& secret,
                      const std::string& grant = "client_credentials");
  // Logs in (throws if it fails) and keeps the token for api().
  void login(const std::string& id = "flowlink-test", const std::string& secret = "flowlink-test-secret");
  Reply api(const std::string& method, const std::string& path, const std::string& body = "");
  Reply control(const std::string& method, const std::string& path, const std::string& body = "");
  std::string token;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

flowlink::emulator::EmulatorOptions options_for(const std::filesystem::path& state_dir);

// Polls GET /api/v2/flows/{id} until currentOperation is complete; returns the flow.
Json settle(Client& client, const std::string& flow_id);

// Documents.
struct Call {
  std::string module_id;
  std::string module_name;
};
Json module_doc(const std::string& name);
Json consumer_doc(const std::string& name, const std::string& type, const std::vector<Call>& calls);
// The ids used in consumer_doc: its task and the final action.
inline const std::string kTaskId = "00000000-0000-4000-8000-0000000000t1";
inline const std::string kEndActionId = "00000000-0000-4000-8000-0000000000e1";

void write_text(const std::filesystem::path& path, const std::string& text);

}  // namespace emutest

namespace emutest {
// Creates a flow from `doc` (its name and type) through the API: create,
// save, check in, publish (each must succeed). Returns the flow id.
std::string publish_new_flow(Client& client, const Json& doc);
// Creates a flow and saves `doc` as its first version, leaving it locked.
std::string create_with_draft(Client& client, const Json& doc);
}  // namespace emutest
