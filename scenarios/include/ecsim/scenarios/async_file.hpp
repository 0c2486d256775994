// An output file written by a background thread (as spdlog's async sink does): the
// simulation thread fills large buffers, a writer thread hands them to the kernel, so
// the cost of write(2) and the page cache is off the simulation's critical path.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <filesystem>
#include <mutex>
#include <ostream>
#include <streambuf>
#include <string>
#include <thread>
#include <vector>

namespace ecsim::scenarios {

/// A write-only stream buffer over a file. Bytes arrive in order and reach the file in
/// order; at most `depth` full buffers wait for the writer thread (back-pressure).
class AsyncFileBuf : public std::streambuf {
 public:
  /// Opens (truncates) `path`; throws std::runtime_error when it cannot.
  explicit AsyncFileBuf(const std::filesystem::path& path, std::size_t buffer_bytes = std::size_t{1} << 20,
                        std::size_t depth = 4);
  AsyncFileBuf(const AsyncFileBuf&) = delete;
  AsyncFileBuf& operator=(const AsyncFileBuf&) = delete;
  ~AsyncFileBuf() override;  ///< closes; errors are lost here, so call close() first

  /// Writes everything, stops the thread and closes the file. Throws std::runtime_error
  /// naming the file if any write failed. Idempotent.
  void close();

 protected:
  int_type overflow(int_type ch) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;

 private:
  void hand_over();  ///< queue the filled part of the current buffer, take a free one
  void writer_loop();

  std::filesystem::path path_;
  int fd_ = -1;
  std::size_t buffer_bytes_, depth_;
  std::vector<char> current_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::vector<char>> full_;   // waiting for the writer, in order
  std::vector<std::vector<char>> spare_;  // written, ready for reuse
  bool closing_ = false;
  std::string error_;  // first write error (set by the writer thread)
  std::thread thread_;
};

/// An ostream over an AsyncFileBuf.
class AsyncFileStream : public std::ostream {
 public:
  explicit AsyncFileStream(const std::filesystem::path& path) : std::ostream(nullptr), buf_(path) { rdbuf(&buf_); }
  void close() { buf_.close(); }

 private:
  AsyncFileBuf buf_;
};

}  // namespace ecsim::scenarios
