// Placeholder until the emulator lands (issue: Genesys Cloud API emulator).
#include <cstdio>
int main() { std::fputs("flowlink-emulator: not built yet\n", stderr); return 1; }
