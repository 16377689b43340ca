// Implementation of support.hpp (named *_test.cpp so the test glob compiles
// it; it holds no test cases). The only test file that includes cpprest.
#include "support.hpp"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <cpprest/http_client.h>

#include "util/encoding.hpp"

namespace emutest {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "flowlink-emutest-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path, ignored);
}

struct Client::Impl {
  explicit Impl(const std::string& base) : client(base, config()) {}
  static web::http::client::http_client_config config() {
    web::http::client::http_client_config c;
    c.set_timeout(std::chrono::seconds(20));
    return c;
  }
  web::http::client::http_client client;
};

Client::Client(std::string base_url) : impl_(std::make_unique<Impl>(base_url)) {}
Client::~Client() = default;

Reply Client::call(const std::string& method, const std::string& path, const std::string& body,
                   const std::vector<std::pair<std::string, std::string>>& headers, const std::string& content_type) {
  web::http::http_request request(method);
  request.set_request_uri(path);
  for (const auto& [name, value] : headers) request.headers().add(name, value);
  if (!body.empty()) request.set_body(body, content_type);
  Reply reply;
  try {
    auto response = impl_->client.request(request).get();
    reply.status = response.status_code();
    for (const auto& [name, value] : response.headers()) {
      std::string lower = name;
      for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      reply.headers[lower] = value;
    }
    reply.body = response.extract_utf8string(true).get();
  } catch (const std::exception&) {
    reply.status = 0;  // no complete answer: a dropped connection
  }
  return reply;
}

Reply Client::token_request(const std::string& id, const std::string& secret, const std::string& grant) {
  return call("POST", "/oauth/token", "grant_type=" + grant,
              {{"Authorization", "Basic " + flowlink::util::base64_encode(id + ":" + secret)}},
              "application/x-www-form-urlencoded");
}

void Client::login(const std::string& id, const std::string& secret) {
  Reply reply = token_request(id, secret);
  if (reply.status != 200) throw std::runtime_error("login failed: " + reply.body);
  token = reply.json()["access_token"].get<std::string>();
}

Reply Client::api(const std::string& method, const std::string& path, const std::string& body) {
  return call(method, path, body, {{"Authorization", "Bearer " + token}});
}

Reply Client::control(const std::string& method, const std::string& path, const std::string& body) {
  return call(method, path, body);
}

flowlink::emulator::EmulatorOptions options_for(const std::filesystem::path& state_dir) {
  flowlink::emulator::EmulatorOptions options;
  options.state_dir = state_dir.string();
  options.operation_delay_ms = 20;
  return options;
}

Json settle(Client& client, const std::string& flow_id) {
  for (int i = 0; i < 200; ++i) {
    Reply reply = client.api("GET", "/api/v2/flows/" + flow_id);
    if (reply.status != 200) throw std::runtime_error("settle: GET flow answered " + reply.body);
    Json flow = reply.json();
    if (!flow.contains("currentOperation") || flow["currentOperation"]["complete"].get<bool>()) return flow;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("settle: the operation never completed");
}

namespace {
Json end_action(int tracking) {
  return Json{{"__type", "DisconnectAction"}, {"id", kEndActionId}, {"name", "Disconnect"}, {"trackingId", tracking}};
}

Json document(const std::string& name, const std::string& type, Json actions, const std::string& start,
              int next_tracking, Json manifest, Json variables) {
  Json doc = Json::object();
  doc["defaultLanguage"] = "en-US";
  doc["supportedLanguages"] = Json::array({"en-US"});
  doc["isSecure"] = false;
  doc["name"] = name;
  doc["type"] = type;
  doc["initialSequence"] = kTaskId;
  doc["nextTrackingNumber"] = next_tracking;
  doc["variables"] = std::move(variables);
  doc["manifest"] = std::move(manifest);
  doc["flowSequenceItemList"] = Json::array({Json{{"__type", "Task"},
                                                  {"id", kTaskId},
                                                  {"name", "Main"},
                                                  {"trackingId", 1},
                                                  {"startAction", start},
                                                  {"actionList", std::move(actions)}}});
  doc["uiMetaData"] = {{"unicode", "caf\u00e9 \u2713"}};
  return doc;
}
}  // namespace

Json module_doc(const std::string& name) {
  Json variables = Json::array({Json{{"__type", "StringVariable"}, {"id", "v-in"}, {"name", "Common.CallerAni"},
                                     {"isInput", true}, {"isOutput", false}},
                                Json{{"__type", "BoolVariable"}, {"id", "v-out"}, {"name", "Common.IsValid"},
                                     {"isInput", false}, {"isOutput", true}}});
  return document(name, "commonmodule", Json::array({end_action(2)}), kEndActionId, 3, Json::object(), variables);
}

Json consumer_doc(const std::string& name, const std::string& type, const std::vector<Call>& calls) {
  Json actions = Json::array();
  Json modules = Json::array();
  int tracking = 2;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    const std::string id = "00000000-0000-4000-8000-0000000000c" + std::to_string(i);
    const std::string next = i + 1 < calls.size() ? "00000000-0000-4000-8000-0000000000c" + std::to_string(i + 1)
                                                  : kEndActionId;
    actions.push_back(Json{{"__type", "CallCommonModuleAction"},
                           {"id", id},
                           {"name", "Call " + calls[i].module_name},
                           {"trackingId", tracking++},
                           {"flowId", calls[i].module_id},
                           {"flowName", calls[i].module_name},
                           {"inputs", Json::array()},
                           {"outputs", Json::array()},
                           {"nextAction", next}});
    modules.push_back(Json{{"id", calls[i].module_id},
                           {"name", calls[i].module_name},
                           {"context", Json::array({Json{{"id", id},
                                                         {"name", "Call " + calls[i].module_name},
                                                         {"actionName", "Call Common Module"}}})}});
  }
  actions.push_back(end_action(tracking++));
  const std::string start = calls.empty() ? kEndActionId : "00000000-0000-4000-8000-0000000000c0";
  Json manifest = calls.empty() ? Json::object() : Json{{"commonModuleFlow", modules}};
  return document(name, type, actions, start, tracking, manifest, Json::array());
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

}  // namespace emutest

namespace emutest {

std::string create_with_draft(Client& client, const Json& doc) {
  std::string type = doc["type"].get<std::string>();
  Reply created = client.api("POST", "/api/v2/flows", Json{{"name", doc["name"]}, {"type", type}}.dump());
  if (created.status != 200) throw std::runtime_error("create failed: " + created.body);
  const std::string id = created.json()["id"].get<std::string>();
  Reply saved = client.api("POST", "/api/v2/flows/" + id + "/versions", doc.dump());
  if (saved.status != 200) throw std::runtime_error("save failed: " + saved.body);
  return id;
}

std::string publish_new_flow(Client& client, const Json& doc) {
  const std::string id = create_with_draft(client, doc);
  Reply checkin = client.api("POST", "/api/v2/flows/actions/checkin?flow=" + id);
  if (checkin.status != 200) throw std::runtime_error("checkin failed: " + checkin.body);
  settle(client, id);
  Reply publish = client.api("POST", "/api/v2/flows/actions/publish?flow=" + id);
  if (publish.status != 200) throw std::runtime_error("publish failed: " + publish.body);
  Json flow = settle(client, id);
  if (flow["currentOperation"]["actionStatus"] != "SUCCESS")
    throw std::runtime_error("publish did not succeed: " + flow["currentOperation"].dump());
  return id;
}

}  // namespace emutest
