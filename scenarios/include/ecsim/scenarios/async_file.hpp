// Output files written by background threads (as spdlog's async sinks are): the simulation
// thread hands over large chunks; a worker thread turns them into bytes on disk. write(2),
// the page cache and (for AsyncCsvFile) the CSV formatting itself leave the simulation's
// critical path. Chunks are handled strictly in order, so the bytes are the same as a
// synchronous writer's.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace ecsim::scenarios {

/// A file opened for writing (truncated); write_all() retries short writes.
class OutputFile {
 public:
  explicit OutputFile(const std::filesystem::path& path);  ///< throws std::runtime_error
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();
  void write_all(std::string_view bytes);  ///< throws std::runtime_error naming the file
  void close();                            ///< throws when closing fails; idempotent
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

/// One worker thread consuming byte chunks in submission order. At most `depth` chunks
/// wait (back-pressure on the producer). The first exception the consumer throws is kept
/// and rethrown by close() as std::runtime_error; later chunks are then dropped.
class ChunkWorker {
 public:
  using Consume = std::function<void(std::string_view chunk)>;
  explicit ChunkWorker(Consume consume, std::size_t depth = 4);
  ChunkWorker(const ChunkWorker&) = delete;
  ChunkWorker& operator=(const ChunkWorker&) = delete;
  ~ChunkWorker();  ///< stops the thread; an error not collected by close() is lost

  void submit(std::string&& chunk);
  /// An empty buffer for the next chunk (a consumed one, its capacity kept, when there is one).
  std::string take_spare();
  void close();  ///< waits until every chunk is consumed; idempotent

 private:
  void loop();
  Consume consume_;
  std::size_t depth_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::string> waiting_;
  std::vector<std::string> spare_;
  bool closing_ = false, closed_ = false;
  std::string error_;
  std::thread thread_;
};

/// A write-only stream buffer over a file, written by a ChunkWorker.
class AsyncFileBuf : public std::streambuf {
 public:
  explicit AsyncFileBuf(const std::filesystem::path& path, std::size_t buffer_bytes = std::size_t{1} << 20,
                        std::size_t depth = 4);
  ~AsyncFileBuf() override;  ///< closes; errors are lost here, so call close() first
  /// Writes everything, stops the thread and closes the file; throws std::runtime_error
  /// naming the file if a write failed. Idempotent.
  void close();

 protected:
  int_type overflow(int_type ch) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;

 private:
  void hand_over();
  OutputFile file_;
  std::size_t buffer_bytes_;
  std::string current_;
  ChunkWorker worker_;
  bool closed_ = false;
};

/// An ostream over an AsyncFileBuf.
class AsyncFileStream : public std::ostream {
 public:
  explicit AsyncFileStream(const std::filesystem::path& path) : std::ostream(nullptr), buf_(path) { rdbuf(&buf_); }
  void close() { buf_.close(); }

 private:
  AsyncFileBuf buf_;
};

/// A CSV file whose rows are formatted by the worker thread. The producer appends plain
/// rows (trivially copyable, with one `std::string_view text` member whose bytes are
/// copied along); the worker formats them with `format` and writes the text.
template <class Row>
class AsyncCsvFile {
  static_assert(std::is_trivially_copyable_v<Row>, "rows cross threads as bytes");

 public:
  using Format = std::function<void(const Row& row, std::string& out)>;
  /// `max_bytes`: the file stops growing before a row would take it past this size (whole
  /// rows only); truncated() then says so.
  AsyncCsvFile(const std::filesystem::path& path, std::string_view header, Format format,
               std::size_t chunk_bytes = std::size_t{256} << 10, std::uint64_t max_bytes = UINT64_MAX)
      : file_(path), format_(std::move(format)), chunk_bytes_(chunk_bytes), max_bytes_(max_bytes),
        worker_([this](std::string_view chunk) { format_chunk(chunk); }) {
    text_.assign(header);
    text_ += '\n';
    // A full disk is reported by close(), as for any later write: the run and the other
    // outputs go on.
    try {
      file_.write_all(text_);
      written_ = text_.size();
    } catch (const std::exception& e) {
      header_error_ = e.what();
    }
    chunk_.resize(chunk_bytes_);
  }

  void push(const Row& row) {
    const auto len = static_cast<std::uint32_t>(row.text.size());
    const std::size_t need = sizeof(Row) + sizeof len + len;
    if (used_ + need > chunk_.size()) {  // full: hand it over and start the next
      hand_over();
      if (need > chunk_.size()) chunk_.resize(need);
    }
    char* p = chunk_.data() + used_;
    std::memcpy(p, &row, sizeof(Row));
    std::memcpy(p + sizeof(Row), &len, sizeof len);
    std::memcpy(p + sizeof(Row) + sizeof len, row.text.data(), len);
    used_ += need;
  }

  /// Formats and writes every row, then closes the file; throws std::runtime_error on failure.
  void close() {
    if (closed_) return;
    closed_ = true;
    hand_over();
    worker_.close();
    if (!header_error_.empty()) throw std::runtime_error(header_error_);
    file_.close();
  }
  /// After close(): whether rows were left out to keep the file under its byte limit.
  bool truncated() const { return truncated_; }
  std::uint64_t bytes_written() const { return written_; }

 private:
  // The producer's buffer is kept at full size, `used_` bytes of it filled: no growth
  // checks per row. A handed-over chunk is cut to its filled part.
  void hand_over() {
    if (used_ == 0) return;
    chunk_.resize(used_);
    worker_.submit(std::move(chunk_));
    chunk_ = worker_.take_spare();
    chunk_.resize(chunk_bytes_);
    used_ = 0;
  }

  void format_chunk(std::string_view chunk) {  // on the worker thread
    text_.clear();
    if (truncated_ || !header_error_.empty()) return;  // past the limit, or unwritable: later rows are left out too
    std::size_t off = 0;
    while (off < chunk.size()) {
      Row row;
      std::memcpy(&row, chunk.data() + off, sizeof(Row));
      std::uint32_t len = 0;
      std::memcpy(&len, chunk.data() + off + sizeof(Row), sizeof len);
      row.text = chunk.substr(off + sizeof(Row) + sizeof len, len);
      off += sizeof(Row) + sizeof len + len;
      const std::size_t before = text_.size();
      format_(row, text_);
      if (written_ + text_.size() > max_bytes_) {
        text_.resize(before);
        truncated_ = true;
        break;
      }
    }
    file_.write_all(text_);
    written_ += text_.size();
  }

  OutputFile file_;
  Format format_;
  std::size_t chunk_bytes_;
  std::uint64_t max_bytes_;
  std::uint64_t written_ = 0;  // worker side (read after close)
  bool truncated_ = false;     // worker side (read after close)
  std::string chunk_;  // producer side
  std::size_t used_ = 0;
  std::string text_;   // worker side
  bool closed_ = false;
  std::string header_error_;  // set before any chunk is handed over
  ChunkWorker worker_;  // last: its thread stops before the members it uses go
};

}  // namespace ecsim::scenarios
