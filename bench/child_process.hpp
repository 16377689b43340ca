#pragma once
// Starting the programs a benchmark measures (flowlink-emulator, flowlink):
// fork + execv with stdout and stderr to a log file and extra environment
// variables set in the child only, so secrets never touch the bench's own
// environment.

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace flowlink::bench {

using EnvVars = std::vector<std::pair<std::string, std::string>>;

// The child's pid; throws std::runtime_error when fork fails. argv[0] is the
// program's path.
pid_t spawn(const std::vector<std::string>& argv, const std::filesystem::path& log, const EnvVars& env = {});

}  // namespace flowlink::bench
