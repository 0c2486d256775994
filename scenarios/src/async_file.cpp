// OutputFile, ChunkWorker and AsyncFileBuf.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/scenarios/async_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <stdexcept>

namespace ecsim::scenarios {

// --- OutputFile ----------------------------------------------------------------------------
OutputFile::OutputFile(const std::filesystem::path& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(errno));
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) ::close(fd_);
}

void OutputFile::write_all(std::string_view bytes) {
  std::size_t off = 0;
  while (off < bytes.size()) {
    const ssize_t w = ::write(fd_, bytes.data() + off, bytes.size() - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) throw std::runtime_error("writing " + path_.string() + " failed: " + std::strerror(w < 0 ? errno : EIO));
    off += static_cast<std::size_t>(w);
  }
}

void OutputFile::close() {
  if (fd_ < 0) return;
  const int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0) throw std::runtime_error("closing " + path_.string() + " failed: " + std::strerror(errno));
}

// --- ChunkWorker ---------------------------------------------------------------------------
ChunkWorker::ChunkWorker(Consume consume, std::size_t depth)
    : consume_(std::move(consume)), depth_(depth == 0 ? 1 : depth), thread_([this] { loop(); }) {}

ChunkWorker::~ChunkWorker() {
  try {
    close();
  } catch (...) {  // the owner did not ask (close() was not called): nothing to tell
  }
}

void ChunkWorker::submit(std::string&& chunk) {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [&] { return waiting_.size() < depth_; });
  waiting_.push_back(std::move(chunk));
  lock.unlock();
  cv_.notify_all();
}

std::string ChunkWorker::take_spare() {
  std::lock_guard lock(mutex_);
  if (spare_.empty()) return {};
  std::string s = std::move(spare_.back());
  spare_.pop_back();
  return s;
}

void ChunkWorker::loop() {
  for (;;) {
    std::string chunk;
    bool failed = false;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return !waiting_.empty() || closing_; });
      if (waiting_.empty()) return;  // closing, and everything is consumed
      chunk = std::move(waiting_.front());
      waiting_.pop_front();
      failed = !error_.empty();
    }
    std::string failure;
    if (!failed) {  // after a failure the rest is dropped: the output is lost anyway
      try {
        consume_(chunk);
      } catch (const std::exception& e) {
        failure = e.what();
      }
    }
    chunk.clear();
    {
      std::lock_guard lock(mutex_);
      if (!failure.empty() && error_.empty()) error_ = failure;
      if (spare_.size() < depth_) spare_.push_back(std::move(chunk));
    }
    cv_.notify_all();
  }
}

void ChunkWorker::close() {
  if (closed_) return;
  closed_ = true;
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  cv_.notify_all();
  thread_.join();
  if (!error_.empty()) throw std::runtime_error(error_);
}

// --- AsyncFileBuf --------------------------------------------------------------------------
AsyncFileBuf::AsyncFileBuf(const std::filesystem::path& path, std::size_t buffer_bytes, std::size_t depth)
    : file_(path), buffer_bytes_(buffer_bytes == 0 ? 1 : buffer_bytes),
      worker_([this](std::string_view chunk) { file_.write_all(chunk); }, depth) {
  current_.resize(buffer_bytes_);
  setp(current_.data(), current_.data() + current_.size());
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
  current_.resize(used);
  worker_.submit(std::move(current_));
  current_ = worker_.take_spare();
  current_.resize(buffer_bytes_);
  setp(current_.data(), current_.data() + current_.size());
}

AsyncFileBuf::int_type AsyncFileBuf::overflow(int_type ch) {
  if (closed_) return traits_type::eof();
  hand_over();
  if (!traits_type::eq_int_type(ch, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(ch);
    pbump(1);
  }
  return traits_type::not_eof(ch);
}

std::streamsize AsyncFileBuf::xsputn(const char* s, std::streamsize n) {
  if (closed_) return 0;
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

void AsyncFileBuf::close() {
  if (closed_) return;
  closed_ = true;
  hand_over();
  setp(nullptr, nullptr);
  worker_.close();
  file_.close();
}

}  // namespace ecsim::scenarios
