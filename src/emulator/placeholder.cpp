// Placeholder: this layer's first source file replaces it.
namespace flowlink { [[maybe_unused]] static int placeholder_emulator = 0; }
