// The emulator's own soundness check (see document_check.hpp): written from
// shared/reference/flow-configuration.md, sharing no code with src/flowdoc.
#include "emulator/document_check.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "emulator/errors.hpp"

namespace flowlink::emulator {

namespace {

// The document keys this check reads, as the reference names them.
constexpr const char* kSequences = "flowSequenceItemList";
constexpr const char* kInitialSequence = "initialSequence";
constexpr const char* kNextTrackingNumber = "nextTrackingNumber";
constexpr const char* kActionList = "actionList";
constexpr const char* kStartAction = "startAction";
constexpr const char* kNextAction = "nextAction";
constexpr const char* kPaths = "paths";
constexpr const char* kPathTarget = "nextActionId";
constexpr const char* kId = "id";
constexpr const char* kType = call_shape::kActionType;
constexpr const char* kName = "name";
constexpr const char* kTrackingId = "trackingId";
// A jump to another task/menu/state (read off the example org).
constexpr const char* kJumpTarget = "targetTaskId";
// "Calling a common module (assumed)".
constexpr std::string_view kCallType = call_shape::kCallType;
constexpr const char* kCallModuleId = call_shape::kModuleId;
constexpr const char* kCallModuleName = call_shape::kModuleName;
constexpr const char* kCallInputs = "inputs";
constexpr const char* kCallOutputs = "outputs";
constexpr const char* kBindingValue = "value";
constexpr const char* kManifest = call_shape::kManifest;
constexpr const char* kManifestModules = call_shape::kManifestModules;
constexpr const char* kManifestContext = call_shape::kManifestContext;

// A string member, or nullptr when absent or not a string.
const std::string* string_member(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
}

// A short, printable rendering of a value for a message.
std::string shown(const Json& value) {
  std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  if (text.size() > 80) text = text.substr(0, 80) + "...";
  return text;
}

struct Action {
  std::string id;      // empty: the action has no usable id
  std::string pointer;  // "/flowSequenceItemList/0/actionList/3"
  std::size_t sequence = 0;
  const Json* json = nullptr;
};

struct Sequence {
  std::string id;
  std::string pointer;
  const Json* json = nullptr;
};

// One link to an action: who holds it and how it is described in messages.
struct Link {
  std::string owner;        // the id (or pointer) of the task or action holding the link
  std::string description;  // "nextAction of 'a1'"
  std::size_t sequence = 0;  // the sequence the link is in
  std::string target;
  bool start = false;  // a task's startAction
};

class Checker {
 public:
  explicit Checker(const Json& document) : doc_(document) {}

  std::vector<DocumentProblem> run() {
    if (!doc_.is_object()) {
      problem("/", "the document is not a JSON object");
      return std::move(problems_);
    }
    auto list = doc_.find(kSequences);
    if (list == doc_.end()) return {};  // not a graph (ASSUMPTION, see the header)
    if (!list->is_array()) {
      problem(fmt::format("/{}", kSequences), "is not an array");
      return std::move(problems_);
    }
    collect(*list);
    check_initial_sequence();
    check_ids();
    check_tracking_ids();
    collect_links();
    check_links();
    check_referrers_and_reach();
    check_module_calls();
    return std::move(problems_);
  }

 private:
  void problem(std::string where, std::string message) {
    problems_.push_back(DocumentProblem{std::move(where), std::move(message)});
  }

  // Where an action is named in messages: its id, else its position.
  static const std::string& where(const Action& action) { return action.id.empty() ? action.pointer : action.id; }
  static const std::string& where(const Sequence& sequence) {
    return sequence.id.empty() ? sequence.pointer : sequence.id;
  }

  void collect(const Json& list) {
    for (std::size_t s = 0; s < list.size(); ++s) {
      const Json& item = list[s];
      Sequence sequence;
      sequence.pointer = fmt::format("/{}/{}", kSequences, s);
      if (!item.is_object()) {
        problem(sequence.pointer, "a task, menu or state that is not a JSON object");
        continue;
      }
      sequence.json = &item;
      const std::string* id = string_member(item, kId);
      if (!id || id->empty()) {
        problem(sequence.pointer, "a task, menu or state without an id");
      } else {
        sequence.id = *id;
      }
      const std::size_t index = sequences_.size();
      sequences_.push_back(sequence);
      auto actions = item.find(kActionList);
      if (actions == item.end()) continue;
      if (!actions->is_array()) {
        problem(where(sequence), fmt::format("{} is not an array", kActionList));
        continue;
      }
      for (std::size_t a = 0; a < actions->size(); ++a) {
        const Json& json = (*actions)[a];
        Action action;
        action.pointer = fmt::format("{}/{}/{}", sequence.pointer, kActionList, a);
        action.sequence = index;
        if (!json.is_object()) {
          problem(action.pointer, "an action that is not a JSON object");
          continue;
        }
        action.json = &json;
        const std::string* action_id = string_member(json, kId);
        if (!action_id || action_id->empty()) {
          problem(action.pointer, "an action without an id");
        } else {
          action.id = *action_id;
        }
        const std::string* type = string_member(json, kType);
        if (!type || type->empty()) problem(where(action), fmt::format("the action has no {}", kType));
        if (!string_member(json, kName)) problem(where(action), fmt::format("the action has no {}", kName));
        actions_.push_back(std::move(action));
      }
    }
  }

  void check_initial_sequence() {
    auto initial = doc_.find(kInitialSequence);
    const std::string pointer = fmt::format("/{}", kInitialSequence);
    if (initial == doc_.end() || initial->is_null()) {
      problem(pointer, "is missing: no task or menu where the flow starts");
      return;
    }
    if (!initial->is_string() || initial->get_ref<const std::string&>().empty()) {
      problem(pointer, fmt::format("is not an id ({})", shown(*initial)));
      return;
    }
    for (const auto& sequence : sequences_)
      if (sequence.id == *initial) return;
    problem(pointer, fmt::format("names '{}', which is no task, menu or state of {}", shown(*initial), kSequences));
  }

  void check_ids() {
    std::unordered_map<std::string, int> count;
    std::vector<std::string> order;  // first appearance, for a stable report
    auto see = [&](const std::string& id) {
      if (id.empty()) return;
      if (count[id]++ == 0) order.push_back(id);
    };
    for (const auto& sequence : sequences_) see(sequence.id);
    for (const auto& action : actions_) see(action.id);
    for (const auto& id : order) {
      if (count[id] > 1) problem(id, fmt::format("the id is used {} times (tasks, menus, states and actions)", count[id]));
    }
  }

  void check_tracking_ids() {
    std::optional<long long> next;
    if (auto it = doc_.find(kNextTrackingNumber); it != doc_.end()) {
      if (it->is_number_integer()) {
        next = it->get<long long>();
      } else {
        problem(fmt::format("/{}", kNextTrackingNumber), fmt::format("is not an integer ({})", shown(*it)));
      }
    }
    std::map<long long, std::string> owner;  // trackingId -> who has it first
    auto see = [&](const Json& json, const std::string& who, bool required) {
      auto it = json.find(kTrackingId);
      if (it == json.end()) {
        if (required) problem(who, fmt::format("the action has no {}", kTrackingId));
        return;
      }
      if (!it->is_number_integer()) {
        problem(who, fmt::format("{} is not an integer ({})", kTrackingId, shown(*it)));
        return;
      }
      const long long tracking = it->get<long long>();
      auto [first, fresh] = owner.emplace(tracking, who);
      if (!fresh) problem(who, fmt::format("{} {} is also used by '{}'", kTrackingId, tracking, first->second));
      if (next && tracking >= *next)
        problem(who, fmt::format("{} {} is not below {} {}", kTrackingId, tracking, kNextTrackingNumber, *next));
    };
    for (const auto& sequence : sequences_)
      if (sequence.json) see(*sequence.json, where(sequence), false);
    for (const auto& action : actions_) see(*action.json, where(action), true);
  }

  // Reads a link's value: nullopt when there is no link (absent or null);
  // a non-string is reported and read as no link.
  std::optional<std::string> link_value(const Json& object, const char* key, const std::string& description,
                                        const std::string& owner) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) {
      problem(owner, fmt::format("{} is not an id ({})", description, shown(*it)));
      return std::nullopt;
    }
    return it->get<std::string>();
  }

  void collect_links() {
    for (std::size_t s = 0; s < sequences_.size(); ++s) {
      const Sequence& sequence = sequences_[s];
      if (!sequence.json) continue;
      const std::string description = fmt::format("{} of task '{}'", kStartAction, where(sequence));
      if (auto target = link_value(*sequence.json, kStartAction, description, where(sequence)))
        links_.push_back(Link{where(sequence), description, s, *target, true});
    }
    for (const auto& action : actions_) {
      const std::string& owner = where(action);
      const std::string next_description = fmt::format("{} of '{}'", kNextAction, owner);
      if (auto target = link_value(*action.json, kNextAction, next_description, owner))
        links_.push_back(Link{owner, next_description, action.sequence, *target});
      auto paths = action.json->find(kPaths);
      if (paths != action.json->end() && !paths->is_null()) {
        if (!paths->is_array()) {
          problem(owner, fmt::format("{} is not an array", kPaths));
        } else {
          for (std::size_t p = 0; p < paths->size(); ++p) {
            const Json& path = (*paths)[p];
            if (!path.is_object()) {
              problem(owner, fmt::format("path {} is not a JSON object", p));
              continue;
            }
            const std::string* label = string_member(path, "label");
            const std::string description =
                label ? fmt::format("path {} ('{}') of '{}'", p, *label, owner) : fmt::format("path {} of '{}'", p, owner);
            if (auto target = link_value(path, kPathTarget, description, owner))
              links_.push_back(Link{owner, description, action.sequence, *target});
          }
        }
      }
      const std::string jump_description = fmt::format("{} of '{}'", kJumpTarget, owner);
      if (auto target = link_value(*action.json, kJumpTarget, jump_description, owner)) {
        bool known = false;
        for (const auto& sequence : sequences_) known = known || (!sequence.id.empty() && sequence.id == *target);
        if (!known)
          problem(owner, fmt::format("{} names '{}', which is no task, menu or state", jump_description, *target));
      }
    }
  }

  void check_links() {
    for (std::size_t a = 0; a < actions_.size(); ++a)
      if (!actions_[a].id.empty()) action_index_.emplace(actions_[a].id, a);  // the first, if ids repeat
    for (std::size_t l = 0; l < links_.size(); ++l) {
      const Link& link = links_[l];
      auto it = action_index_.find(link.target);
      if (it == action_index_.end()) {
        problem(link.owner, fmt::format("{} refers to '{}', which is no action", link.description, link.target));
        continue;
      }
      const Action& target = actions_[it->second];
      if (target.sequence != link.sequence) {
        problem(link.owner, fmt::format("{} refers to '{}', an action of another task ('{}')", link.description,
                                        link.target, where(sequences_[target.sequence])));
        continue;
      }
      referrers_[it->second].push_back(l);
    }
  }

  void check_referrers_and_reach() {
    // Reached from a task's startAction, following nextAction and paths.
    std::unordered_map<std::string, std::vector<std::size_t>> out;  // owner -> links
    std::vector<std::size_t> pending;
    for (std::size_t l = 0; l < links_.size(); ++l) {
      auto it = action_index_.find(links_[l].target);
      if (it == action_index_.end() || actions_[it->second].sequence != links_[l].sequence) continue;
      if (links_[l].start) {
        pending.push_back(it->second);
      } else {
        out[links_[l].owner].push_back(it->second);
      }
    }
    std::vector<bool> reached(actions_.size(), false);
    while (!pending.empty()) {
      const std::size_t a = pending.back();
      pending.pop_back();
      if (reached[a]) continue;
      reached[a] = true;
      if (auto it = out.find(actions_[a].id); it != out.end())
        pending.insert(pending.end(), it->second.begin(), it->second.end());
    }
    for (std::size_t a = 0; a < actions_.size(); ++a) {
      const Action& action = actions_[a];
      if (action.id.empty()) continue;
      if (auto first = action_index_.find(action.id); first != action_index_.end() && first->second != a) continue;
      const auto& links = referrers_[a];
      if (links.empty()) {
        problem(action.id, "nothing refers to this action (no startAction, nextAction or path leads to it)");
      } else if (links.size() > 1) {
        std::string which;
        for (std::size_t l : links) which += (which.empty() ? "" : ", ") + links_[l].description;
        problem(action.id, fmt::format("{} links refer to this action ({}); an action has exactly one referrer",
                                       links.size(), which));
      } else if (!reached[a]) {
        problem(action.id, "the action is not reached from its task's startAction (a detached loop)");
      }
    }
  }

  void check_bindings(const Action& action, const char* key) {
    auto list = action.json->find(key);
    if (list == action.json->end() || !list->is_array()) {
      problem(action.id, fmt::format("the module call has no {} array", key));
      return;
    }
    for (std::size_t b = 0; b < list->size(); ++b) {
      const Json& binding = (*list)[b];
      const std::string* name = binding.is_object() ? string_member(binding, kName) : nullptr;
      if (!name || name->empty() || !binding.contains(kBindingValue))
        problem(action.id, fmt::format("{} {} of the module call is not {{{}, {}}}", key, b, kName, kBindingValue));
    }
  }

  void check_module_calls() {
    std::map<std::string, std::set<std::string>> calls;  // module id -> call action ids
    for (const auto& action : actions_) {
      const std::string* type = string_member(*action.json, kType);
      if (!type || *type != kCallType || action.id.empty()) continue;
      const std::string* module_id = string_member(*action.json, kCallModuleId);
      if (!module_id || module_id->empty()) {
        problem(action.id, fmt::format("the module call has no {}", kCallModuleId));
      } else {
        calls[*module_id].insert(action.id);
      }
      const std::string* module_name = string_member(*action.json, kCallModuleName);
      if (!module_name || module_name->empty()) problem(action.id, fmt::format("the module call has no {}", kCallModuleName));
      check_bindings(action, kCallInputs);
      check_bindings(action, kCallOutputs);
    }

    const Json* modules = nullptr;
    const std::string list_pointer = fmt::format("/{}/{}", kManifest, kManifestModules);
    if (auto manifest = doc_.find(kManifest); manifest != doc_.end() && manifest->is_object()) {
      if (auto it = manifest->find(kManifestModules); it != manifest->end() && !it->is_null()) {
        if (it->is_array()) {
          modules = &*it;
        } else {
          problem(list_pointer, "is not an array");
        }
      }
    } else if (manifest != doc_.end() && !manifest->is_null()) {
      problem(fmt::format("/{}", kManifest), "is not a JSON object");
    }
    std::map<std::string, std::set<std::string>> listed;  // module id -> action ids in the manifest
    for (std::size_t m = 0; modules && m < modules->size(); ++m) {
      const Json& entry = (*modules)[m];
      const std::string pointer = fmt::format("{}/{}", list_pointer, m);
      const std::string* module_id = entry.is_object() ? string_member(entry, kId) : nullptr;
      if (!module_id || module_id->empty()) {
        problem(pointer, "a module entry without an id");
        continue;
      }
      auto context = entry.find(kManifestContext);
      if (context == entry.end() || !context->is_array()) {
        problem(pointer, fmt::format("the entry for module '{}' has no {} array", *module_id, kManifestContext));
        continue;
      }
      for (std::size_t c = 0; c < context->size(); ++c) {
        const Json& use = (*context)[c];
        const std::string* action_id = use.is_object() ? string_member(use, kId) : nullptr;
        const std::string use_pointer = fmt::format("{}/{}/{}", pointer, kManifestContext, c);
        if (!action_id || action_id->empty()) {
          problem(use_pointer, fmt::format("a use of module '{}' without an action id", *module_id));
        } else if (!listed[*module_id].insert(*action_id).second) {
          problem(*action_id, fmt::format("listed twice under module '{}' in {}", *module_id, list_pointer));
        } else if (!calls[*module_id].count(*action_id)) {
          problem(*action_id, fmt::format("{} lists it as a call of module '{}', but no such module call exists ({})",
                                          list_pointer, *module_id, use_pointer));
        }
      }
    }
    for (const auto& [module_id, action_ids] : calls) {
      for (const auto& action_id : action_ids) {
        if (!listed[module_id].count(action_id))
          problem(action_id, fmt::format("the call of module '{}' is missing from {}", module_id, list_pointer));
      }
    }
  }

  const Json& doc_;
  std::vector<Sequence> sequences_;
  std::vector<Action> actions_;
  std::vector<Link> links_;
  std::unordered_map<std::string, std::size_t> action_index_;
  std::unordered_map<std::size_t, std::vector<std::size_t>> referrers_;  // action index -> links to it
  std::vector<DocumentProblem> problems_;
};

}  // namespace

std::vector<DocumentProblem> document_problems(const Json& document) { return Checker(document).run(); }

void require_sound_document(const Json& document, std::string_view flow_id) {
  const auto problems = document_problems(document);
  if (problems.empty()) return;
  std::string message = problems.front().message;
  if (problems.size() > 1)
    message += fmt::format(" (and {} more problem{})", problems.size() - 1, problems.size() == 2 ? "" : "s");
  throw errors::invalid_configuration(flow_id, problems.front().where, message);
}

}  // namespace flowlink::emulator
