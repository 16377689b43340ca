#pragma once
// What the kill tests and the soak (bench/soak.cpp) share to interrupt the
// real `flowlink` program and look at what it left: the program as a child
// process that can be signalled and waited for with a bound, the journal's
// lines, and waiting until the org has handled everything a killed run sent.
// No doctest here (the soak is a program, not a test): failures are
// std::runtime_error, which doctest reports as a failed test case.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/emulator_control.hpp"

extern char** environ;

namespace flowlink::testing {

// PROGRAM ARGS... as a child process: stdin /dev/null, stdout and stderr to
// the files given. Killed (SIGKILL) and reaped if still running when destroyed.
class ChildProcess {
 public:
  ChildProcess(const std::string& program, std::vector<std::string> args, std::filesystem::path out,
               std::filesystem::path err)
      : out_(std::move(out)), err_(std::move(err)) {
    if (!std::filesystem::exists(program)) throw std::runtime_error(program + " is not built");
    args.insert(args.begin(), program);
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int rc = posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + program);
  }
  ~ChildProcess() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool running() {
    if (reaped_) return false;
    if (::waitpid(pid_, &status_, WNOHANG) == pid_) reaped_ = true;
    return !reaped_;
  }
  void signal(int number) {
    if (reaped_) throw std::logic_error("signal to a child that has already exited");
    ::kill(pid_, number);
  }
  // The exit code, or 128 + the signal that ended it. A child still running
  // after `timeout` is killed, and this throws with what it printed.
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running()) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status_, 0);
        reaped_ = true;
        throw std::runtime_error("the child did not exit within " + std::to_string(timeout.count()) + " ms\n" +
                                 output());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (WIFEXITED(status_)) return WEXITSTATUS(status_);
    if (WIFSIGNALED(status_)) return 128 + WTERMSIG(status_);
    return -1;
  }
  std::string out() const { return read_all(out_); }
  std::string err() const { return read_all(err_); }
  std::string output() const { return "stdout:\n" + out() + "stderr:\n" + err(); }

 private:
  static std::string read_all(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  pid_t pid_ = -1;
  int status_ = 0;
  bool reaped_ = false;
  std::filesystem::path out_, err_;
};

// The journal's complete lines (a line still being written is left for later).
inline std::vector<nlohmann::json> journal_lines(const std::filesystem::path& path) {
  std::vector<nlohmann::json> lines;
  std::ifstream in(path, std::ios::binary);
  for (std::string line; std::getline(in, line);) {
    auto json = nlohmann::json::parse(line, nullptr, false);
    if (!json.is_discarded() && json.is_object()) lines.push_back(std::move(json));
  }
  return lines;
}

// What a re-run a little later finds: every request the killed run had sent
// has been handled (the kernel may hand the server one the child wrote just
// before it died), and every operation it started (a check-in, a publish) on
// these flows has completed. Reads through the uncounted control endpoints;
// throws when the org is still busy after `timeout`.
inline void settle(const EmulatorControl& control, const std::vector<std::string>& flow_ids,
                   std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int quiet_rounds = 0;
  auto handled = control.requests().at("total").get<long>();
  while (quiet_rounds < 3) {
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("the org did not settle within " + std::to_string(timeout.count()) + " ms");
    bool running = false;
    for (const auto& id : flow_ids) {
      nlohmann::json flow = control.flow(id);
      if (flow.contains("currentOperation") && !flow["currentOperation"].value("complete", false)) running = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const auto now = control.requests().at("total").get<long>();
    quiet_rounds = (running || now != handled) ? 0 : quiet_rounds + 1;
    handled = now;
  }
}

}  // namespace flowlink::testing
