#pragma once
// Where cpprest writes an answer's body: a string that refuses bytes past a
// bound (see answer_limits.hpp). Only http_wire.cpp includes this (cpprest).
//
// cpprest reads a body in the background as it arrives; by default into a
// buffer without a bound. Given this one (http_request::set_response_stream),
// its reader stops at the first write past the bound: the write fails, the
// connection is dropped and the answer's content_ready() fails.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include <cpprest/astreambuf.h>

namespace flowlink::genesys {

// The write that went past the bound (cpprest passes it on to content_ready()).
class BodyTooLarge : public std::runtime_error {
 public:
  BodyTooLarge() : std::runtime_error("the answer's body is larger than its bound") {}
};

class BoundedBodyBuffer final : public concurrency::streams::details::streambuf_state_manager<std::uint8_t> {
 public:
  explicit BoundedBodyBuffer(std::size_t limit)
      : streambuf_state_manager<std::uint8_t>(std::ios_base::out), limit_(limit) {}
  ~BoundedBodyBuffer() override {
    this->_close_read();
    this->_close_write();
  }

  std::string& body() { return body_; }
  bool exceeded() const { return exceeded_; }

  // Writing (what cpprest's reader does).
  bool can_seek() const override { return false; }
  bool has_size() const override { return false; }
  std::size_t buffer_size(std::ios_base::openmode = std::ios_base::in) const override { return 0; }
  void set_buffer_size(std::size_t, std::ios_base::openmode = std::ios_base::in) override {}
  std::size_t in_avail() const override { return 0; }
  pos_type getpos(std::ios_base::openmode mode) const override {
    return (mode & std::ios_base::out) ? static_cast<pos_type>(body_.size()) : static_cast<pos_type>(traits::eof());
  }
  pos_type seekpos(pos_type, std::ios_base::openmode) override { return static_cast<pos_type>(traits::eof()); }
  pos_type seekoff(off_type, std::ios_base::seekdir, std::ios_base::openmode) override {
    return static_cast<pos_type>(traits::eof());
  }
  bool acquire(std::uint8_t*& ptr, std::size_t& count) override {
    ptr = nullptr;
    count = 0;
    return false;
  }
  void release(std::uint8_t*, std::size_t) override {}

 protected:
  pplx::task<int_type> _putc(std::uint8_t ch) override {
    if (!append(&ch, 1)) return pplx::task_from_exception<int_type>(BodyTooLarge());
    return pplx::task_from_result<int_type>(ch);
  }
  pplx::task<std::size_t> _putn(const std::uint8_t* ptr, std::size_t count) override {
    if (!append(ptr, count)) return pplx::task_from_exception<std::size_t>(BodyTooLarge());
    return pplx::task_from_result<std::size_t>(count);
  }
  std::uint8_t* _alloc(std::size_t) override { return nullptr; }  // no alloc/commit: writes go through _putn
  void _commit(std::size_t) override {}
  pplx::task<bool> _sync() override { return pplx::task_from_result(true); }

  // Reading is not offered: the body is taken with body().
  pplx::task<int_type> _bumpc() override { return pplx::task_from_result<int_type>(traits::eof()); }
  int_type _sbumpc() override { return traits::eof(); }
  pplx::task<int_type> _getc() override { return pplx::task_from_result<int_type>(traits::eof()); }
  int_type _sgetc() override { return traits::eof(); }
  pplx::task<int_type> _nextc() override { return pplx::task_from_result<int_type>(traits::eof()); }
  pplx::task<int_type> _ungetc() override { return pplx::task_from_result<int_type>(traits::eof()); }
  pplx::task<std::size_t> _getn(std::uint8_t*, std::size_t) override { return pplx::task_from_result<std::size_t>(0); }
  std::size_t _scopy(std::uint8_t*, std::size_t) override { return 0; }

 private:
  bool append(const std::uint8_t* ptr, std::size_t count) {
    if (exceeded_ || count > limit_ - body_.size()) {
      exceeded_ = true;
      return false;
    }
    body_.append(reinterpret_cast<const char*>(ptr), count);
    return true;
  }

  std::string body_;
  std::size_t limit_;
  bool exceeded_ = false;
};

}  // namespace flowlink::genesys
