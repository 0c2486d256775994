// AsyncFileBuf: buffers filled by the caller, written by one background thread.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/scenarios/async_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace ecsim::scenarios {

AsyncFileBuf::AsyncFileBuf(const std::filesystem::path& path, std::size_t buffer_bytes, std::size_t depth)
    : path_(path), buffer_bytes_(buffer_bytes == 0 ? 1 : buffer_bytes), depth_(depth == 0 ? 1 : depth) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(errno));
  current_.resize(buffer_bytes_);
  setp(current_.data(), current_.data() + current_.size());
  thread_ = std::thread([this] { writer_loop(); });
}

AsyncFileBuf::~AsyncFileBuf() {
  try {
    close();
  } catch (...) {  // the caller chose not to hear about it (close() was not called)
  }
}

void AsyncFileBuf::hand_over() {
  const auto used = static_cast<std::size_t>(pptr() - pbase());
  if (used == 0) return;
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [&] { return full_.size() < depth_ || !error_.empty(); });
  current_.resize(used);
  full_.push_back(std::move(current_));
  if (!spare_.empty()) {
    current_ = std::move(spare_.back());
    spare_.pop_back();
  } else {
    current_ = std::vector<char>();
  }
  lock.unlock();
  cv_.notify_all();
  current_.resize(buffer_bytes_);
  setp(current_.data(), current_.data() + current_.size());
}

AsyncFileBuf::int_type AsyncFileBuf::overflow(int_type ch) {
  if (fd_ < 0) return traits_type::eof();
  hand_over();
  if (!traits_type::eq_int_type(ch, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(ch);
    pbump(1);
  }
  return traits_type::not_eof(ch);
}

std::streamsize AsyncFileBuf::xsputn(const char* s, std::streamsize n) {
  if (fd_ < 0) return 0;
  std::streamsize done = 0;
  while (done < n) {
    if (pptr() == epptr()) hand_over();
    const auto room = static_cast<std::streamsize>(epptr() - pptr());
    const auto k = std::min(room, n - done);
    std::memcpy(pptr(), s + done, static_cast<std::size_t>(k));
    pbump(static_cast<int>(k));
    done += k;
  }
  return n;
}

void AsyncFileBuf::writer_loop() {
  for (;;) {
    std::vector<char> buf;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return !full_.empty() || closing_; });
      if (full_.empty()) return;  // closing, and everything is written
      buf = std::move(full_.front());
      full_.pop_front();
    }
    std::size_t off = 0;
    std::string failure;
    while (off < buf.size() && failure.empty()) {
      const ssize_t w = ::write(fd_, buf.data() + off, buf.size() - off);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) failure = std::string("writing ") + path_.string() + " failed: " + std::strerror(errno);
      else off += static_cast<std::size_t>(w);
    }
    {
      std::lock_guard lock(mutex_);
      if (!failure.empty() && error_.empty()) error_ = failure;
      if (spare_.size() < depth_) spare_.push_back(std::move(buf));
    }
    cv_.notify_all();
  }
}

void AsyncFileBuf::close() {
  if (fd_ < 0) return;
  hand_over();
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  cv_.notify_all();
  thread_.join();
  const int rc = ::close(fd_);
  fd_ = -1;
  setp(nullptr, nullptr);
  if (error_.empty() && rc != 0) error_ = "closing " + path_.string() + " failed: " + std::strerror(errno);
  if (!error_.empty()) throw std::runtime_error(error_);
}

}  // namespace ecsim::scenarios
