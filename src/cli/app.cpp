// The app around the commands: version flag and word, help word, usage
// errors with "did you mean", exit codes.
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "manifest/suggestions.hpp"

namespace flowlink::cli {

namespace {

constexpr const char* kVersionLine = "flowlink " FLOWLINK_VERSION;

std::vector<std::string> command_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const auto* command : app.get_subcommands([](const CLI::App*) { return true; }))
    names.push_back(command->get_name());
  return names;
}

// `flowlink help [COMMAND]` and `flowlink version`, as words as well as flags.
void add_word_commands(CLI::App& app, CliContext& context) {
  auto topic = std::make_shared<std::string>();
  auto* help = app.add_subcommand("help", "Show help for flowlink or for one command (flowlink help plan).");
  help->add_option("COMMAND", *topic, "The command to explain");
  help->callback([&app, &context, topic] {
    if (topic->empty()) {
      // Not app.help(): once a subcommand (this one) was parsed, CLI11 gives that subcommand's help.
      context.out << app.get_formatter()->make_help(&app, app.get_name(), CLI::AppFormatMode::Normal);
      context.exit_code = kExitOk;
      return;
    }
    for (const auto* command : app.get_subcommands([](const CLI::App*) { return true; })) {
      if (command->get_name() == *topic) {
        context.out << command->help("flowlink");
        context.exit_code = kExitOk;
        return;
      }
    }
    print_error(context.err, fmt::format("unknown command '{}':{}", *topic,
                                         manifest::suggestion_suffix(*topic, command_names(app))));
    context.exit_code = kExitError;
  });
  auto* version = app.add_subcommand("version", "Print flowlink's version.");
  version->callback([&context] {
    context.out << kVersionLine << "\n";
    context.exit_code = kExitOk;
  });
}

// A first argument that is neither an option nor a command: "did you mean".
// CLI11 alone answers a misspelt command with "A subcommand is required".
std::optional<std::string> unknown_command(const CLI::App& app, int argc, const char* const* argv) {
  if (argc < 2) return std::nullopt;
  const std::string_view word = argv[1];
  if (word.empty() || word.front() == '-') return std::nullopt;
  const auto names = command_names(app);
  for (const auto& name : names)
    if (name == word) return std::nullopt;
  return fmt::format("unknown command '{}':{}", word, manifest::suggestion_suffix(word, names));
}

}  // namespace

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
            const std::vector<CommandRegistrar>& commands) {
  return run_guarded(err, [&] {
    CLI::App app{"flowlink keeps Genesys Cloud Architect flows calling the common modules a manifest declares.",
                 "flowlink"};
    app.set_version_flag("--version", kVersionLine);
    app.require_subcommand(1);
    app.footer("Exit codes: 0 ok / no changes, 1 error (errors trump changes), 2 changes (plan --detailed-exitcode).");
    CliContext context{out, err};
    for (auto add_command : commands) add_command(app, context);
    add_word_commands(app, context);
    if (const auto unknown = unknown_command(app, argc, argv)) {
      print_error(err, *unknown);
      err << "Run 'flowlink help' for the commands.\n";
      return kExitError;
    }
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
        app.exit(e, out, err);  // --help, --version
        return kExitOk;
      }
      print_error(err, e.what());
      err << "Run 'flowlink help' (or 'flowlink help COMMAND') for usage.\n";
      return kExitError;
    }
    return context.exit_code;
  });
}

}  // namespace flowlink::cli
