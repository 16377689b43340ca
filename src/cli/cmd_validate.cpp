// `flowlink validate`: load manifests and say what is wrong, or that all is well.
#include <memory>

#include <fmt/format.h>

#include "util/terminal_text.hpp"
#include <fmt/ranges.h>

#include "cli/commands.hpp"
#include "cli/environment_options.hpp"
#include "cli/output.hpp"
#include "cli/validate_command.hpp"
#include "manifest/loader.hpp"

namespace flowlink::cli {

std::optional<manifest::DesiredState> load_manifests_or_report(const std::vector<std::string>& paths,
                                                               std::ostream& err,
                                                               const manifest::EnvironmentChoice& environment) {
  auto result = manifest::load_manifest(paths, environment);
  if (result.ok()) return std::move(result.state);
  // Manifest values (patterns, names) echo into the messages: escaped.
  for (const auto& error : result.errors) err << util::terminal_safe(error.str()) << "\n";
  const std::string for_environment = environment.empty() ? ""
                                      : environment.name.empty() ? " with environment file " + environment.file
                                                                 : " for environment " + environment.name;
  print_error(err, util::terminal_safe(fmt::format("{} error{} in {}{}", result.errors.size(),
                                                   result.errors.size() == 1 ? "" : "s", fmt::join(paths, ", "),
                                                   for_environment)));
  return std::nullopt;
}

namespace {

std::string describe(const manifest::DesiredState& state, const std::vector<std::string>& given) {
  const auto& files = state.files.empty() ? given : state.files;
  return fmt::format("{} module{}, {} rule{} ({})", state.modules.size(), state.modules.size() == 1 ? "" : "s",
                     state.rules.size(), state.rules.size() == 1 ? "" : "s", fmt::join(files, ", "));
}

// validate without --env: the manifests as they are when no environment
// exists beside them, else once for each environment.
int validate_every_environment(const ValidateCommandOptions& options, std::ostream& out, std::ostream& err) {
  const auto names = manifest::environment_names(options.manifests);
  if (names.empty()) {
    auto state = load_manifests_or_report(options.manifests, err);
    if (!state) return kExitError;
    out << "manifest OK: " << describe(*state, options.manifests) << "\n";
    return kExitOk;
  }
  int code = kExitOk;
  for (const auto& name : names) {
    auto state = load_manifests_or_report(options.manifests, err, manifest::EnvironmentChoice{name, ""});
    if (!state) {
      code = kExitError;
      continue;
    }
    out << fmt::format("manifest OK for environment {} ({}): {}\n", name, state->environment->file,
                       describe(*state, options.manifests));
  }
  return code;
}

}  // namespace

int run_validate(const ValidateCommandOptions& options, std::ostream& out, std::ostream& err) {
  return run_guarded(err, [&] {
    if (options.manifests.empty()) {
      print_error(err, "validate needs at least one manifest file or directory");
      return kExitError;
    }
    if (options.environment.empty()) return validate_every_environment(options, out, err);
    auto state = load_manifests_or_report(options.manifests, err, options.environment);
    if (!state) return kExitError;
    out << fmt::format("manifest OK for environment {} ({}): {}\n", state->environment->name,
                       state->environment->file, describe(*state, options.manifests));
    return kExitOk;
  });
}

void add_validate_command(CLI::App& app, CliContext& context) {
  auto options = std::make_shared<ValidateCommandOptions>();
  auto* command = app.add_subcommand("validate", "Check manifests (files or directories of *.yaml) and report every error.");
  command->add_option("MANIFEST", options->manifests, "Manifest files or directories")->required();
  add_environment_options(command, options->environment);
  command->footer(
      "Without --env/--env-file the manifests are checked for every environments/*.yaml beside them, if any.\n"
      "Exit codes: 0 valid, 1 errors (each printed as file:line:col: key: message).");
  command->callback([options, &context] { context.exit_code = run_validate(*options, context.out, context.err); });
}

}  // namespace flowlink::cli
