// flowlink: the commands, registered one line each (see cli/commands.hpp).
#include <iostream>

#include "cli/commands.hpp"
#include "cli/modules_command.hpp"

int main(int argc, char** argv) {
  using namespace flowlink::cli;
  return run_cli(argc, argv, std::cout, std::cerr, {
                                                       add_validate_command,
                                                       add_plan_command,
                                                       add_drift_command,
                                                       add_apply_command,
                                                       add_modules_command,
                                                       add_show_command,
                                                       add_inspect_command,
                                                       add_restore_command,
                                                   });
}
