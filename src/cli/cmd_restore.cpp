// `flowlink restore BACKUP`: a backed-up document back into its flow. The
// safe path (claim, lock, back up what it replaces, save, check in, publish,
// verify) is apply::restore_backup's; this file turns flags into options and
// the result into lines and an exit code.
#include <memory>
#include <string>

#include <fmt/format.h>

#include "apply/restore.hpp"
#include "cli/commands.hpp"
#include "cli/org_connection.hpp"
#include "cli/output.hpp"
#include "util/terminal_text.hpp"

namespace flowlink::cli {

namespace {

struct RestoreCommandOptions {
  std::string backup;
  OrgOptions org;
  std::string work_dir = ".";
  bool no_publish = false;
  bool no_color = false;  // accepted; nothing coloured
};

int run_restore(const RestoreCommandOptions& options, std::ostream& out, std::ostream& err) {
  return run_guarded(err, [&] {
    const auto api = connect_to_org(options.org);
    apply::RestoreOptions restore;
    restore.work_dir = options.work_dir;
    restore.publish = !options.no_publish;
    restore.progress = &out;
    const apply::RestoreResult result = apply::restore_backup(*api, options.backup, restore);
    const std::string flow = fmt::format("'{}' ({})", util::terminal_safe(result.flow_name), result.flow_id);
    if (result.unchanged) {
      out << fmt::format("Flow {} already has the backup's document (version {}); nothing restored.\n", flow,
                         util::terminal_safe(result.version_before));
    } else {
      out << fmt::format("Restored flow {} from the backup of version {}: version {} {} and verified (was {}).\n",
                         flow, util::terminal_safe(result.backup_version), util::terminal_safe(result.version_after),
                         result.published ? "published" : "checked in, not published",
                         util::terminal_safe(result.version_before));
    }
    out << fmt::format("The document it replaced is backed up at {}\n", util::terminal_safe(result.replaced_backup));
    return kExitOk;
  });
}

}  // namespace

void add_restore_command(CLI::App& app, CliContext& context) {
  auto options = std::make_shared<RestoreCommandOptions>();
  auto* command = app.add_subcommand(
      "restore", "Put a backed-up flow document (.flowlink/backups/...) back into its flow: locked, verified.");
  command->add_option("backup", options->backup, "The backup file: .flowlink/backups/<flowId>/<version>-<time>.json")
      ->required();
  add_org_options(command, options->org);
  command->add_option("--work-dir", options->work_dir, "Where .flowlink/ (journal, backups) is kept (default: .)");
  command->add_flag("--no-publish", options->no_publish, "Check the restored document in without publishing it");
  // Accepted like every org command's (scripts pass it everywhere); this one prints no colour.
  command->add_flag("--no-color", options->no_color, "No ANSI colours");
  command->footer(
      "Exit codes: 0 restored and verified (or already the backup's document); 1 refused (locked, an operation\n"
      "under way, not a backup, another flow type) or failed (the lock is given back, a saved version reverted).");
  command->callback([options, &context] { context.exit_code = run_restore(*options, context.out, context.err); });
}

}  // namespace flowlink::cli
