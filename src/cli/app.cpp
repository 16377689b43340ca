// The app around the commands: version flag, usage errors, exit codes.
#include <exception>

#include "cli/commands.hpp"
#include "cli/output.hpp"

namespace flowlink::cli {

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
            const std::vector<CommandRegistrar>& commands) {
  return run_guarded(err, [&] {
    CLI::App app{"flowlink keeps Genesys Cloud Architect flows calling the common modules a manifest declares.",
                 "flowlink"};
    app.set_version_flag("--version", "flowlink " FLOWLINK_VERSION);
    app.require_subcommand(1);
    app.footer("Exit codes: 0 ok / no changes, 1 error (errors trump changes), 2 changes (plan --detailed-exitcode).");
    CliContext context{out, err};
    for (auto add_command : commands) add_command(app, context);
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
        app.exit(e, out, err);  // --help, --version
        return kExitOk;
      }
      print_error(err, e.what());
      err << "Run 'flowlink --help' (or 'flowlink COMMAND --help') for usage.\n";
      return kExitError;
    }
    return context.exit_code;
  });
}

}  // namespace flowlink::cli
