#pragma once
// The command line: one file per command (cmd_<name>.cpp), each adding its
// subcommand to the app with one add_<name>_command function. main.cpp lists
// them; adding a command is one new file and one line there.

#include <ostream>
#include <vector>

#include <CLI/CLI.hpp>

namespace flowlink::cli {

// What the commands share while the app parses and runs.
struct CliContext {
  std::ostream& out;  // the command's result (plan, report)
  std::ostream& err;  // diagnostics and errors
  int exit_code = 0;  // set by the command that ran (see output.hpp)
};

using CommandRegistrar = void (*)(CLI::App&, CliContext&);

void add_validate_command(CLI::App& app, CliContext& context);  // cmd_validate.cpp
void add_plan_command(CLI::App& app, CliContext& context);      // cmd_plan.cpp
void add_drift_command(CLI::App& app, CliContext& context);     // cmd_drift.cpp
void add_apply_command(CLI::App& app, CliContext& context);     // cmd_apply.cpp
void add_show_command(CLI::App& app, CliContext& context);      // cmd_show.cpp
void add_inspect_command(CLI::App& app, CliContext& context);   // cmd_inspect.cpp
void add_restore_command(CLI::App& app, CliContext& context);   // cmd_restore.cpp

// Builds the app, registers `commands` and the words `help [COMMAND]` and
// `version`, parses argv and runs the chosen command. --help and --version
// (and the words) print to `out` and exit 0; a first word that is no command
// gets "did you mean" (exit 1); a usage error
// prints "flowlink: error: ..." to `err` and exits 1; otherwise the command's
// exit code. Never throws.
int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
            const std::vector<CommandRegistrar>& commands);

}  // namespace flowlink::cli
