// Seeding an org from configuration documents (*.json) and Architect export
// files (*.i3InboundFlow, *.i3CommonModule, ...).
//
// Identity: documents refer to modules by flow id (a call's flowId), so a
// seeded flow must keep the id the documents know it by:
//  - a seed dir may hold org.json = [{"file","id","name","type","published"}]
//    (the examples generator writes it): that entry gives the flow's id, name,
//    type and whether it is seeded published (default true);
//  - otherwise the id is derived deterministically, UUID-shaped, from
//    sha256(TYPE + "/" + name), so reseeding the same files gives the same ids;
//    name and type come from the document.
// After every flow is known, each CallCommonModuleAction whose flowId names no
// seeded module but whose flowName does is re-pointed at that module's id, and
// so are manifest.commonModuleFlow entries.
// Seeded flows have one version "1.0": published (publishedVersion and
// checkedInVersion) or, with "published": false, checked in only; none locked.
#include "emulator/seeding.hpp"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "emulator/document_facts.hpp"
#include "emulator/model.hpp"
#include "emulator/service.hpp"
#include "flowdoc/document.hpp"
#include "util/encoding.hpp"
#include "util/ascii.hpp"

namespace flowlink::emulator {

namespace fs = std::filesystem;

namespace {

struct OrgEntry {
  std::string id, name, type;
  bool published = true;
};

struct SeedFile {
  fs::path path;
  std::optional<OrgEntry> entry;
  std::string text;  // the configuration document (decoded for export files)
  DocumentFacts facts;
  std::string id, name, type;
  bool published = true;
};

std::string derived_id(const std::string& type, const std::string& name) {
  std::string h = util::sha256_hex(type + "/" + name);
  h[12] = '5';                                      // name-based UUID
  h[16] = "89ab"[std::stoi(h.substr(16, 1), nullptr, 16) & 3];  // RFC 4122 variant
  return fmt::format("{}-{}-{}-{}-{}", h.substr(0, 8), h.substr(8, 4), h.substr(12, 4), h.substr(16, 4),
                     h.substr(20, 12));
}

std::map<std::string, OrgEntry> read_org_json(const fs::path& dir) {
  std::map<std::string, OrgEntry> entries;
  const fs::path path = dir / "org.json";
  if (!fs::exists(path)) return entries;
  Json json = Json::parse(read_file(path), nullptr, false);
  if (json.is_discarded() || !json.is_array())
    throw std::runtime_error(fmt::format("{}: expected a JSON array of {{file, id, name, type, published}}", path.string()));
  for (const auto& item : json) {
    OrgEntry entry;
    const std::string file = item.value("file", "");
    entry.id = item.value("id", "");
    entry.name = item.value("name", "");
    entry.type = util::ascii_upper(item.value("type", ""));
    entry.published = item.value("published", true);
    if (file.empty()) throw std::runtime_error(fmt::format("{}: an entry has no \"file\"", path.string()));
    entries[file] = entry;
  }
  return entries;
}

std::vector<SeedFile> list_seed_files(const std::vector<std::string>& seed_dirs) {
  std::vector<SeedFile> files;
  for (const auto& dir_name : seed_dirs) {
    const fs::path dir(dir_name);
    if (!fs::is_directory(dir)) throw std::runtime_error(fmt::format("seed dir '{}' does not exist", dir_name));
    auto entries = read_org_json(dir);
    std::vector<fs::path> paths;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (!entry.is_regular_file()) continue;
      const std::string name = entry.path().filename().string();
      if (name == "org.json") continue;
      if (entry.path().extension() == ".json" || flowdoc::is_architect_export_name(name)) paths.push_back(entry.path());
    }
    std::sort(paths.begin(), paths.end());
    for (auto& path : paths) {
      SeedFile file;
      file.path = path;
      if (auto it = entries.find(path.filename().string()); it != entries.end()) {
        file.entry = it->second;
        entries.erase(it);
      }
      files.push_back(std::move(file));
    }
    for (const auto& [file, entry] : entries)
      std::cerr << fmt::format("flowlink-emulator: {}: org.json lists '{}', which is not in the seed dir\n",
                               dir.string(), file);
  }
  return files;
}

// Reads, decodes and inspects one file; false if it is not a flow document.
bool read_seed_file(SeedFile& file) {
  const std::string raw = read_file(file.path);
  const std::string source = file.path.string();
  file.text = flowdoc::is_architect_export_name(file.path.filename().string())
                  ? flowdoc::decode_architect_export(raw, source)
                  : raw;
  try {
    file.facts = facts_of_text(file.text, source);
  } catch (const ApiFailure& e) {
    throw std::runtime_error(fmt::format("{}: not a flow configuration document ({})", source, e.what()));
  }
  file.name = file.entry && !file.entry->name.empty() ? file.entry->name : file.facts.name;
  file.type = file.entry && !file.entry->type.empty() ? file.entry->type : file.facts.type;
  if (file.type.empty() || file.name.empty()) return false;
  file.id = file.entry && !file.entry->id.empty() ? file.entry->id : derived_id(file.type, file.name);
  file.published = file.entry ? file.entry->published : true;
  return true;
}

}  // namespace

namespace {

std::vector<SeedFlow> build_seed(const std::vector<std::string>& seed_dirs, int threads) {
  auto files = list_seed_files(seed_dirs);
  std::vector<char> usable(files.size(), 0);
  {
    std::atomic<std::size_t> next{0};
    std::exception_ptr error;
    std::mutex error_mutex;
    auto work = [&] {
      for (std::size_t i = next++; i < files.size(); i = next++) {
        try {
          usable[i] = read_seed_file(files[i]);
        } catch (...) {
          std::lock_guard lock(error_mutex);
          if (!error) error = std::current_exception();
        }
      }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    if (error) std::rethrow_exception(error);
  }

  std::map<std::string, const SeedFile*> by_id;
  std::set<std::string> module_ids;
  std::map<std::string, std::string> module_id_by_name;
  std::map<std::string, bool> module_published;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (!usable[i]) {
      std::cerr << fmt::format("flowlink-emulator: {}: skipped, the document has no name or type\n",
                               files[i].path.string());
      continue;
    }
    const auto& file = files[i];
    auto [it, inserted] = by_id.emplace(file.id, &file);
    if (!inserted)
      throw std::runtime_error(fmt::format("seed files '{}' and '{}' both give flow id {}", it->second->path.string(),
                                           file.path.string(), file.id));
    if (file.type == kCommonModuleType) {
      module_ids.insert(file.id);
      module_id_by_name.emplace(file.name, file.id);
      module_published[file.id] = file.published;
    }
  }

  const Actor seeder{Actor::Kind::Client, "flowlink-emulator-seed", "flowlink-emulator seed"};
  const std::int64_t now = now_ms();
  std::vector<SeedFlow> flows;
  flows.reserve(by_id.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (!usable[i]) continue;
    auto& file = files[i];
    // Re-point calls at the seeded modules' ids (only documents that need it are re-parsed).
    bool stale = false;
    for (const auto& call : file.facts.calls)
      stale = stale || (!module_ids.count(call.id) && module_id_by_name.count(call.name));
    if (stale) {
      Json document = Json::parse(file.text);
      repoint_module_calls(document, module_ids, module_id_by_name);
      file.text = document.dump();
      file.facts = facts_of(document);
    }
    SeedFlow seed;
    FlowState& flow = seed.state;
    flow.id = file.id;
    flow.name = file.name;
    flow.type = file.type;
    flow.languages = file.facts.languages;
    flow.date_modified = now;
    VersionRecord version;
    version.number = 1;
    version.type = file.published ? "PUBLISH" : "CHECKIN";
    version.created_by = seeder;
    version.date_created = now;
    version.date_checked_in = now;
    version.secure = file.facts.secure;
    version.calls = file.facts.calls;
    if (file.published) {
      version.date_published = now;
      for (const auto& call : version.calls)
        if (module_published.count(call.id) && module_published[call.id]) version.snapshots[call.id] = "1.0";
      flow.published = 1;
      flow.published_by = seeder;
      flow.active = true;
    }
    flow.checked_in = 1;
    flow.next_version = 2;
    flow.versions.push_back(std::move(version));
    seed.config_text = std::move(file.text);
    flows.push_back(std::move(seed));
  }
  return flows;
}

}  // namespace

void open_org(Service& service) {
  auto& store = service.store();
  if (store.has_org()) {
    store.load();
    return;
  }
  const auto& dirs = service.options().seed_dirs;
  if (dirs.empty()) {
    store.create_empty();
    return;
  }
  const int threads = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  auto flows = build_seed(dirs, threads);
  const auto read = clock::now();
  const std::size_t count = flows.size();
  store.install_seed(std::move(flows), threads);
  auto seconds = [](auto d) { return std::chrono::duration<double>(d).count(); };
  std::cerr << fmt::format("flowlink-emulator: seeded {} flows in {:.1f} s (read {:.1f} s, write {:.1f} s)\n", count,
                           seconds(clock::now() - start), seconds(read - start), seconds(clock::now() - read));
}

}  // namespace flowlink::emulator
