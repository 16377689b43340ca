// `flowlink show PLAN.json`: a saved plan rendered again (text, JSON,
// Markdown, JUnit), e.g. the artifact a CI job saved, for a reviewer.
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/plan_command.hpp"
#include "plan/plan_file.hpp"

namespace flowlink::cli {

void add_show_command(CLI::App& app, CliContext& context) {
  auto path = std::make_shared<std::string>();
  auto output = std::make_shared<std::string>("text");
  auto max_chars = std::make_shared<std::size_t>(plan::kDefaultMarkdownBudget);
  auto no_color = std::make_shared<bool>(false);
  auto* command = app.add_subcommand("show", "Render a saved plan (from 'flowlink plan --out') again.");
  command->add_option("plan", *path, "The JSON plan file")->required();
  command->add_option("--output", *output, "Output format on stdout: text, json, markdown or junit")
      ->check(CLI::IsMember({"text", "json", "markdown", "junit"}));
  command->add_option("--max-chars", *max_chars, "Markdown: at most this many characters (default 65000)")
      ->check(CLI::Range(plan::kMinimumMarkdownBudget, std::size_t{100'000'000}));
  command->add_flag("--no-color", *no_color, "No ANSI colours (also when NO_COLOR is set or stdout is not a TTY)");
  command->footer("Exit codes: 0 shown, 1 the file is unreadable or not a flowlink plan.");
  command->callback([path, output, max_chars, no_color, &context] {
    context.exit_code = run_guarded(context.err, [&] {
      const plan::Plan plan = plan::read_plan_file(*path);
      PlanView view;
      view.format = parse_output_format(*output);
      view.color = color_enabled(*no_color);
      view.max_chars = *max_chars;
      write_plan(plan, view, context.out);
      return kExitOk;
    });
  });
}

}  // namespace flowlink::cli
