// Placeholder until the CLI lands.
#include <cstdio>
int main() { std::fputs("flowlink: not built yet\n", stderr); return 1; }
