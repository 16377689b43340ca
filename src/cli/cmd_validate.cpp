// `flowlink validate`: load manifests and say what is wrong, or that all is well.
#include <memory>

#include <fmt/format.h>

#include "util/terminal_text.hpp"
#include <fmt/ranges.h>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/validate_command.hpp"
#include "manifest/loader.hpp"

namespace flowlink::cli {

std::optional<manifest::DesiredState> load_manifests_or_report(const std::vector<std::string>& paths,
                                                               std::ostream& err) {
  auto result = manifest::load_manifest(paths);
  if (result.ok()) return std::move(result.state);
  // Manifest values (patterns, names) echo into the messages: escaped.
  for (const auto& error : result.errors) err << util::terminal_safe(error.str()) << "\n";
  print_error(err, fmt::format("{} error{} in {}", result.errors.size(), result.errors.size() == 1 ? "" : "s",
                               fmt::join(paths, ", ")));
  return std::nullopt;
}

int run_validate(const ValidateCommandOptions& options, std::ostream& out, std::ostream& err) {
  return run_guarded(err, [&] {
    if (options.manifests.empty()) {
      print_error(err, "validate needs at least one manifest file or directory");
      return kExitError;
    }
    auto state = load_manifests_or_report(options.manifests, err);
    if (!state) return kExitError;
    const auto& files = state->files.empty() ? options.manifests : state->files;
    out << fmt::format("manifest OK: {} module{}, {} rule{} ({})\n", state->modules.size(),
                       state->modules.size() == 1 ? "" : "s", state->rules.size(), state->rules.size() == 1 ? "" : "s",
                       fmt::join(files, ", "));
    return kExitOk;
  });
}

void add_validate_command(CLI::App& app, CliContext& context) {
  auto options = std::make_shared<ValidateCommandOptions>();
  auto* command = app.add_subcommand("validate", "Check manifests (files or directories of *.yaml) and report every error.");
  command->add_option("MANIFEST", options->manifests, "Manifest files or directories")->required();
  command->footer("Exit codes: 0 valid, 1 errors (each printed as file:line:col: key: message).");
  command->callback([options, &context] { context.exit_code = run_validate(*options, context.out, context.err); });
}

}  // namespace flowlink::cli
