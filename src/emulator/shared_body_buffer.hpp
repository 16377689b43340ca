#pragma once
// A read-only cpprest stream buffer over a shared, immutable answer body.
// Included by server.cpp only (it speaks cpprest).
//
// Why not set_body(std::string): that copies the body (a listing page is
// ~0.9 MB) into a container buffer per answer. This buffer holds the shared
// text itself; cpprest's listener copies it once, 4 KB at a time, into the
// socket buffer.
//
// Why the inline scheduler: the listener asks for every 4 KB chunk with
// getn(...).then(...). With the default scheduler that continuation is posted
// to the thread pool — a thread hand-off (futex wake) per chunk, ~220 per
// page. The data is always ready here, so getn's task carries a scheduler
// that runs continuations at once, on the calling thread (pplx continuations
// inherit their antecedent's scheduler).

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include <cpprest/astreambuf.h>

namespace flowlink::emulator {

class InlineScheduler final : public pplx::scheduler_interface {
 public:
  void schedule(pplx::TaskProc_t proc, void* param) override { proc(param); }

  // A plain pointer to one immortal instance: no reference count that every
  // chunk of every answer would bump on the same cache line.
  static pplx::task_options task_options() {
    static InlineScheduler instance;
    return pplx::task_options(pplx::scheduler_ptr(&instance));
  }
};

class SharedBodyBuffer final : public concurrency::streams::details::streambuf_state_manager<uint8_t> {
  using Base = concurrency::streams::details::streambuf_state_manager<uint8_t>;

 public:
  explicit SharedBodyBuffer(std::shared_ptr<const std::string> body)
      : Base(std::ios_base::in), body_(std::move(body)) {}
  ~SharedBodyBuffer() override { this->_close_read(); }

  bool can_seek() const override { return this->is_open(); }
  bool has_size() const override { return this->is_open(); }
  utility::size64_t size() const override { return body_->size(); }
  size_t buffer_size(std::ios_base::openmode) const override { return 0; }
  void set_buffer_size(size_t, std::ios_base::openmode) override {}
  size_t in_avail() const override { return body_->size() - position_; }

  pos_type getpos(std::ios_base::openmode mode) const override {
    if ((mode & std::ios_base::in) && this->can_read()) return static_cast<pos_type>(position_);
    return static_cast<pos_type>(traits::eof());
  }
  pos_type seekpos(pos_type pos, std::ios_base::openmode mode) override {
    const auto target = static_cast<std::streamoff>(pos);
    if (!(mode & std::ios_base::in) || !this->can_read() || target < 0 ||
        static_cast<std::size_t>(target) > body_->size())
      return static_cast<pos_type>(traits::eof());
    position_ = static_cast<std::size_t>(target);
    return pos;
  }
  pos_type seekoff(off_type offset, std::ios_base::seekdir way, std::ios_base::openmode mode) override {
    std::streamoff base = 0;
    if (way == std::ios_base::cur) base = static_cast<std::streamoff>(position_);
    if (way == std::ios_base::end) base = static_cast<std::streamoff>(body_->size());
    return seekpos(static_cast<pos_type>(base + offset), mode);
  }

  // No direct access: readers copy (getn), which is what the listener does.
  bool acquire(uint8_t*& ptr, size_t& count) override {
    ptr = nullptr;
    count = 0;
    return false;
  }
  void release(uint8_t*, size_t) override {}

 protected:
  pplx::task<int_type> _putc(uint8_t) override { return ready<int_type>(traits::eof()); }
  pplx::task<size_t> _putn(const uint8_t*, size_t) override { return ready<size_t>(0); }
  pplx::task<int_type> _bumpc() override { return ready<int_type>(_sbumpc()); }
  int_type _sbumpc() override {
    const int_type c = _sgetc();
    if (c != traits::eof()) ++position_;
    return c;
  }
  pplx::task<int_type> _getc() override { return ready<int_type>(_sgetc()); }
  int_type _sgetc() override {
    if (position_ >= body_->size()) return traits::eof();
    return static_cast<int_type>(static_cast<uint8_t>((*body_)[position_]));
  }
  pplx::task<int_type> _nextc() override {
    if (position_ < body_->size()) ++position_;
    return ready<int_type>(_sgetc());
  }
  pplx::task<int_type> _ungetc() override {
    if (position_ == 0) return ready<int_type>(traits::eof());
    --position_;
    return ready<int_type>(_sgetc());
  }
  pplx::task<size_t> _getn(uint8_t* ptr, size_t count) override {
    const size_t n = _scopy(ptr, count);
    position_ += n;
    return ready<size_t>(n);
  }
  size_t _scopy(uint8_t* ptr, size_t count) override {
    const size_t n = std::min(count, in_avail());
    if (n > 0) std::memcpy(ptr, body_->data() + position_, n);
    return n;
  }
  pplx::task<bool> _sync() override { return ready<bool>(true); }
  uint8_t* _alloc(size_t) override { return nullptr; }
  void _commit(size_t) override {}

 private:
  template <typename T>
  static pplx::task<T> ready(T value) {
    return pplx::task_from_result<T>(value, InlineScheduler::task_options());
  }

  std::shared_ptr<const std::string> body_;
  std::size_t position_ = 0;
};

}  // namespace flowlink::emulator
