#pragma once
// Whole-file writes that a reader (or a crash) never sees half done: the data
// goes to a temporary file in the same directory, optionally fsynced, then is
// renamed over the target. Used for plans (--out), backups, the emulator's
// org on disk and its port file.

#include <filesystem>
#include <memory>
#include <ostream>
#include <string_view>

namespace flowlink::util {

// Writes `data` to `path` atomically. With `fsync`, the data is on disk before
// the rename (what survives a power cut, not just a crash of this process).
// The directory must exist. Throws std::runtime_error naming `path`.
void write_file_atomically(const std::filesystem::path& path, std::string_view data, bool fsync = true);

// A file written piece by piece (a plan written as it is made) that a
// reader, or a crash, never sees half done: it goes to the same kind of
// temporary file, renamed over `path` by commit(). Destroyed without a
// commit (an error on the way), the temporary file is removed and `path` is
// as it was.
class AtomicFileWriter {
 public:
  // Creates the temporary file; throws std::runtime_error naming `path`.
  explicit AtomicFileWriter(std::filesystem::path path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  std::ostream& stream();
  // Flushes, optionally fsyncs, and renames over `path`. Throws
  // std::runtime_error naming `path` when any write failed (disk full).
  void commit(bool fsync = true);

 private:
  struct Open;
  std::filesystem::path path_;
  std::filesystem::path temp_;
  std::unique_ptr<Open> open_;
};

// True for the temporary names write_file_atomically uses (".<name>.tmp.<random>"),
// so that a process can clean up what a crash left behind.
bool is_atomic_temp_name(std::string_view filename);

}  // namespace flowlink::util
