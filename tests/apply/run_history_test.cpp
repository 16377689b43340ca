// The work dir's memory of runs: which run saved which version (and meant to
// publish it), which run last checked a flow out, which runs still live
// (flock leases, released by the kernel when a process dies), and per-flow
// claims that keep two runs of one work dir off the same flow.

#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include <sys/wait.h>
#include <unistd.h>

#include "apply/journal.hpp"
#include "apply/run_history.hpp"

using namespace flowlink::apply;
namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::path(FLOWLINK_BINARY_DIR) / "apply-tests" / (name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void journal_of(const fs::path& work, const std::string& run, const std::vector<JournalEntry>& entries) {
  Journal journal(work / ".flowlink" / "journal.jsonl", run, nullptr);
  for (const auto& entry : entries) journal.record(entry);
}

}  // namespace

TEST_CASE("the journal says which run saved which version, and whether it meant to publish it") {
  const fs::path work = fresh_dir("history-saves");
  journal_of(work, "run-1", {{"f1", "Flow 1", "checkout", "started"},
                             {"f1", "Flow 1", "checkout", "ok"},
                             {"f1", "Flow 1", "save", "started", "", "", true},
                             {"f1", "Flow 1", "save", "ok", "4.0", "", true},
                             {"f2", "Flow 2", "checkout", "started"},
                             {"f2", "Flow 2", "save", "started", "", "", false},
                             {"f2", "Flow 2", "save", "ok", "7.0", "", false}});
  journal_of(work, "run-2", {{"f3", "Flow 3", "checkout", "started"}, {"f3", "Flow 3", "save", "started", "", "", true}});
  RunHistory history = RunHistory::load(work);

  auto f1 = history.saved_version("f1", "4.0");
  REQUIRE(f1.has_value());
  CHECK(f1->run_id == "run-1");
  CHECK(f1->publish_intended);
  auto f2 = history.saved_version("f2", "7.0");
  REQUIRE(f2.has_value());
  CHECK_FALSE(f2->publish_intended);  // an edit of someone's draft: never to be published by a resume
  CHECK_FALSE(history.saved_version("f1", "5.0").has_value());  // a version nobody here saved
  CHECK_FALSE(history.saved_version("f9", "1.0").has_value());

  // run-2 died after sending a save it never heard back from: this client's
  // draft of f3 is run-2's (run-2 holds no lease: it is not running).
  auto f3 = history.saved_version("f3", "12.0");
  REQUIRE(f3.has_value());
  CHECK(f3->run_id == "run-2");

  auto checkout = history.checkout("f2");
  REQUIRE(checkout.has_value());
  CHECK(checkout->run_id == "run-1");
  CHECK_FALSE(checkout->running);
  CHECK_FALSE(history.checkout("f9").has_value());
}

TEST_CASE("a run's lease tells a running run from an interrupted one, whatever killed it") {
  const fs::path work = fresh_dir("history-leases");
  journal_of(work, "alive", {{"f1", "Flow 1", "checkout", "started"}});
  {
    RunLease lease(work, "alive");
    REQUIRE(lease.error().empty());
    RunHistory history = RunHistory::load(work);
    CHECK(history.running("alive"));
    auto checkout = history.checkout("f1");
    REQUIRE(checkout.has_value());
    CHECK(checkout->running);
    CHECK_FALSE(history.running("never-started"));
  }
  CHECK_FALSE(RunHistory::load(work).running("alive"));  // the lease ended with the run

  // A child process takes a lease and is killed with SIGKILL: the kernel
  // drops its flock, so the run counts as interrupted although its lease
  // file is still there.
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    RunLease lease(work, "killed");
    char byte = lease.error().empty() ? '1' : '0';
    [[maybe_unused]] auto n = ::write(ready[1], &byte, 1);
    ::pause();
    ::_exit(0);
  }
  char byte = 0;
  REQUIRE(::read(ready[0], &byte, 1) == 1);
  REQUIRE(byte == '1');
  CHECK(RunHistory::load(work).running("killed"));
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  CHECK(fs::exists(work / ".flowlink" / "runs" / "killed.lock"));
  CHECK_FALSE(RunHistory::load(work).running("killed"));
  ::close(ready[0]);
  ::close(ready[1]);
}

TEST_CASE("two runs of one work dir never hold the same flow") {
  const fs::path work = fresh_dir("history-claims");
  FlowClaim first(work, "flow-a");
  REQUIRE(first.held());
  FlowClaim second(work, "flow-a");
  CHECK_FALSE(second.held());
  CHECK(second.error() == "busy");
  FlowClaim other(work, "flow-b");
  CHECK(other.held());
  {
    FlowClaim again(work, "flow-b");
    CHECK_FALSE(again.held());
  }
}

TEST_CASE("a journal cut short or holding garbage is read up to its whole lines") {
  const fs::path work = fresh_dir("history-garbage");
  journal_of(work, "run-1", {{"f1", "Flow 1", "save", "ok", "2.0", "", true}});
  {
    std::ofstream out(work / ".flowlink" / "journal.jsonl", std::ios::app | std::ios::binary);
    out << "not json at all\n" << std::string(2 << 20, 'x') << "\n[1,2,3]\n{\"run\":\"run-2\",\"flow_id\":\"f2\",\"step\":\"sa";
  }
  RunHistory history = RunHistory::load(work);
  CHECK(history.saved_version("f1", "2.0").has_value());
  CHECK_FALSE(history.checkout("f2").has_value());
  CHECK_FALSE(RunHistory::load(work / "missing").saved_version("f1", "2.0").has_value());
}

TEST_CASE("a journal line nested 100,000 deep is skipped and named, not parsed into a stack overflow") {
  const fs::path work = fresh_dir("history-deep");
  journal_of(work, "run-1", {{"f1", "Flow 1", "checkout", "started"}});
  {
    std::ofstream out(work / ".flowlink" / "journal.jsonl", std::ios::app | std::ios::binary);
    out << R"({"run":"run-x","flow_id":"f2","step":"checkout","deep":)" << std::string(100000, '[')
        << std::string(100000, ']') << "}\n";
  }
  journal_of(work, "run-2", {{"f3", "Flow 3", "checkout", "started"}});
  RunHistory history = RunHistory::load(work);
  // The lines around it are read as before; the deep one counts for nothing.
  REQUIRE(history.checkout("f1").has_value());
  CHECK(history.checkout("f1")->run_id == "run-1");
  REQUIRE(history.checkout("f3").has_value());
  CHECK_FALSE(history.checkout("f2").has_value());
  CHECK(history.unreadable().find("journal.jsonl line 2") != std::string::npos);
  CHECK(history.unreadable().find("nested deeper than 512 levels") != std::string::npos);

  CHECK(RunHistory::load(fresh_dir("history-clean")).unreadable().empty());
}
