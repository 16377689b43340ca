// A first pass over the text's parse events finds where each document
// starts. A document always consumes at least one token, so a document that
// starts where the previous one started means yaml-cpp made no progress and
// would repeat it forever: that token is reported as a syntax error. Only a
// text that passes is given to YAML::LoadAll.

#include "manifest/yaml_documents.hpp"

#include <cstddef>
#include <sstream>

#include <yaml-cpp/eventhandler.h>

namespace flowlink::manifest::detail {

namespace {

// Notes where documents start; ignores everything else.
class DocumentStarts final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    stuck_ = started_ && mark.pos == last_.pos;
    started_ = true;
    last_ = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

  bool stuck() const { return stuck_; }
  const YAML::Mark& last() const { return last_; }

 private:
  bool started_ = false;
  bool stuck_ = false;
  YAML::Mark last_ = YAML::Mark::null_mark();
};

}  // namespace

std::vector<YAML::Node> load_all_documents(const std::string& text) {
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  DocumentStarts starts;
  while (parser.HandleNextDocument(starts)) {
    if (!starts.stuck()) continue;
    const YAML::Mark& at = starts.last();
    const std::size_t pos = at.pos >= 0 ? static_cast<std::size_t>(at.pos) : text.size();
    throw YAML::ParserException(at, pos < text.size() ? "unexpected '" + std::string(1, text[pos]) + "'"
                                                      : std::string("unexpected token"));
  }
  return YAML::LoadAll(text);
}

}  // namespace flowlink::manifest::detail
