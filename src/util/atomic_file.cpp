#include "util/atomic_file.hpp"

#include <cerrno>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>

#include <ext/stdio_filebuf.h>
#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

namespace flowlink::util {

namespace {

constexpr std::string_view kTempMarker = ".tmp.";

[[noreturn]] void fail(const std::filesystem::path& path, std::string_view step, int error) {
  throw std::runtime_error(fmt::format("cannot write '{}': {}: {}", path.string(), step, std::strerror(error)));
}

std::filesystem::path temp_path_for(const std::filesystem::path& path) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return path.parent_path() / fmt::format(".{}{}{:016x}", path.filename().string(), kTempMarker, random());
}

}  // namespace

struct AtomicFileWriter::Open {
  explicit Open(int fd) : fd(fd), buffer(fd, std::ios::out), stream(&buffer) {}
  int fd;
  __gnu_cxx::stdio_filebuf<char> buffer;  // closes fd when destroyed
  std::ostream stream;
};

AtomicFileWriter::AtomicFileWriter(std::filesystem::path path) : path_(std::move(path)), temp_(temp_path_for(path_)) {
  const int fd = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) fail(path_, "cannot create a temporary file", errno);
  open_ = std::make_unique<Open>(fd);
}

AtomicFileWriter::~AtomicFileWriter() {
  if (!open_) return;  // committed
  open_.reset();
  ::unlink(temp_.c_str());
}

std::ostream& AtomicFileWriter::stream() {
  if (!open_) throw std::logic_error("AtomicFileWriter::stream() after commit()");
  return open_->stream;
}

void AtomicFileWriter::commit(bool fsync) {
  if (!open_) throw std::logic_error("AtomicFileWriter::commit() twice");
  open_->stream.flush();
  const bool written = static_cast<bool>(open_->stream);
  const int error = errno;
  if (!written) fail(path_, "write failed", error ? error : EIO);  // the destructor removes the temporary file
  if (fsync && ::fsync(open_->fd) != 0) fail(path_, "fsync failed", errno);
  if (open_->buffer.close() == nullptr) fail(path_, "close failed", errno);
  if (::rename(temp_.c_str(), path_.c_str()) != 0) fail(path_, "rename failed", errno);
  open_.reset();
}

void write_file_atomically(const std::filesystem::path& path, std::string_view data, bool fsync) {
  AtomicFileWriter writer(path);
  writer.stream().write(data.data(), static_cast<std::streamsize>(data.size()));
  writer.commit(fsync);
}

bool is_atomic_temp_name(std::string_view filename) {
  return filename.size() > 1 && filename.front() == '.' && filename.find(kTempMarker) != std::string_view::npos;
}

}  // namespace flowlink::util
