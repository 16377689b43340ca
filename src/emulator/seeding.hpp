#pragma once
// Opening the org at start: load the state dir, or seed a fresh one.

namespace flowlink::emulator {

class Service;

// If the state dir holds an org, loads it (a restart keeps the state; no
// seeding). Otherwise seeds it from options().seed_dirs, or creates it empty.
void open_org(Service& service);

}  // namespace flowlink::emulator
